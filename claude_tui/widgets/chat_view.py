"""The conversation of one session, windowed so long transcripts open instantly.

Only the newest ``WINDOW`` messages are mounted at first; older ones are
mounted in pages when the reader scrolls to the top or presses the "load
earlier" control, keeping what was on screen in place. The view follows new
output only while it is scrolled to the bottom (Textual's anchor).

For the live half: ``append_message`` adds a finished message,
``start_assistant_stream`` returns an ``AssistantStream`` to stream a reply in
and ``append_widget`` adds notices and queued prompts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from textual import events
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message as TextualMessage
from textual.widget import Widget
from textual.widgets import Button

from .. import compat
from ..words import plural

if TYPE_CHECKING:
    from ..transcript import Message
    from .message import MessageView
    from .streaming_reply import AssistantStream

# ``MessageView`` and the streaming reply bring in Textual's Markdown (markdown-it,
# Pygments); they are imported when the first message is shown, so an empty
# draft pane at start-up does not pay for them.

WINDOW = 12
PAGE = 20
FIRST_PAINT = 3  # newest messages mounted before the first paint of a conversation


class LoadEarlier(Button):
    """The control at the top of a windowed conversation."""

    def __init__(self) -> None:
        super().__init__("", id="load-earlier", compact=True)


class ChatView(VerticalScroll, can_focus=True):
    """Messages of one session; data in through methods, nothing read from the store."""

    class WindowChanged(TextualMessage):
        """Older messages were mounted or read (the app updates the prompt history)."""

        def __init__(self, chat: ChatView, start: int, total: int) -> None:
            super().__init__()
            self.chat = chat
            self.start = start
            self.total = total

        @property
        def control(self) -> ChatView:
            return self.chat

    def __init__(
        self,
        *,
        window: int = WINDOW,
        page: int = PAGE,
        first_paint: int = FIRST_PAINT,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.messages: list[Message] = []
        self.window = window
        self.page = page
        self.first_paint = first_paint
        self.start = 0  # index of the first mounted message
        self._loading = False
        self._loaded_count = 0  # messages that came from ``load`` (the rest were appended live)
        self._older: Callable[[], Awaitable[list[Message]]] | None = None  # reads the whole transcript
        self._typing_ahead = False  # keys here are on their way to the prompt

    class TypedAhead(TextualMessage):
        """A printable key reached the conversation: it belongs in the prompt."""

        def __init__(self, character: str) -> None:
            super().__init__()
            self.character = character

    def on_key(self, event: events.Key) -> None:
        """Typing while the conversation has focus (after opening a session, say)
        goes to the prompt: the reader does not have to find it first.

        A space on its own stays here (it opens a focused fold); after a
        letter that went to the prompt it is typing too: keys typed faster
        than focus moves still arrive here, and none may be lost.
        """
        if not (event.is_printable and event.character):
            return
        if event.character == " " and not self._typing_ahead:
            return
        event.stop()
        event.prevent_default()
        self._typing_ahead = True
        self.post_message(self.TypedAhead(event.character))

    def on_descendant_focus(self) -> None:
        self._typing_ahead = False

    def on_focus(self) -> None:
        self._typing_ahead = False

    # -- loading a transcript ------------------------------------------------------

    async def load(
        self,
        messages: list[Message],
        *,
        focus_uuid: str | None = None,
        older: Callable[[], Awaitable[list[Message]]] | None = None,
    ) -> None:
        """Show ``messages`` (newest ``window`` of them), at the bottom or at ``focus_uuid``.

        ``older``: ``messages`` are only the newest part of the transcript, and
        this reads all of it; it is called when the reader scrolls past the
        oldest of them (or a message not among them is asked for).
        """
        from .message import MessageView

        await self.remove_children()
        self._older = older
        self.messages = list(messages)
        self._loaded_count = len(self.messages)
        window_start = max(0, len(self.messages) - self.window)
        # At the bottom, the newest few fill the screen: they are mounted (and
        # painted) first, the rest of the window right after, above them.
        self.start = max(window_start, len(self.messages) - self.first_paint)
        if focus_uuid is not None:
            index = self.index_of(focus_uuid)
            if index is not None:
                self.start = window_start = min(window_start, max(0, index - 2))
        widgets = [MessageView(m) for m in self.messages[self.start :]]
        button = LoadEarlier()
        button.display = self.start > 0 or older is not None
        await self.mount(button)
        await self.mount_all(widgets)
        self._update_button()
        if focus_uuid is not None and await self.show_message(focus_uuid):
            return
        self.anchor()
        if self.start > window_start:
            self.call_after_refresh(self._load_rest, self.start - window_start)

    @property
    def following(self) -> bool:
        """Whether the view sticks to the bottom as content grows (anchored, not
        scrolled away by the reader)."""
        return self.is_anchored and not compat.anchor_released(self)

    def _load_rest(self, count: int) -> None:
        if self.is_attached:
            self.run_worker(self.load_earlier(count), group="load-earlier", exclusive=True, exit_on_error=False)

    async def extend_history(self, messages: list[Message]) -> None:
        """The whole transcript, after ``load`` showed its newest part.

        The mounted views stay as they are: the older messages become
        loadable above them. Should the newest part not match the end of
        ``messages`` (the transcript changed meanwhile), the view is loaded
        again from ``messages``.
        """
        shown = self.messages[: self._loaded_count]
        later = self.messages[self._loaded_count :]  # sent or streamed since
        tail = len(shown)
        if tail and len(messages) >= tail and _same(messages[-tail], shown[0]) and _same(messages[-1], shown[-1]):
            self.messages = [*messages, *later]
            self.start += len(messages) - tail
            self._loaded_count = len(messages)
            self._update_button()
            self.post_message(self.WindowChanged(self, self.start, len(self.messages)))
            return
        await self.load([*messages, *later])

    async def _read_older(self) -> None:
        older, self._older = self._older, None
        if older is None:
            return
        try:
            messages = await older()
        except Exception as exc:  # noqa: BLE001 - e.g. the database went away: say so, allow a retry
            self._older = older
            self.notify(f"The earlier messages could not be read: {exc}", title="transcript", severity="error", markup=False)
            return
        if self.is_attached:
            await self.extend_history(messages)

    def index_of(self, uuid: str) -> int | None:
        for index, message in enumerate(self.messages):
            if uuid == message.uuid or uuid in message.entry_ids:
                return index
        return None

    def _update_button(self) -> None:
        buttons = self.query(LoadEarlier)
        if not buttons:
            return  # closing: the view is being taken down
        button = buttons.first()
        button.display = self.start > 0 or self._older is not None
        if self.start > 0:
            count = min(self.page, self.start)
            label = f"↑ load {plural(count, 'earlier message')} ({self.start} not shown)"
        else:
            label = "↑ load earlier messages"
        button.label = Content(label)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if isinstance(event.button, LoadEarlier):
            event.stop()
            self.run_worker(self.load_earlier(), group="load-earlier", exclusive=True, exit_on_error=False)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if new <= 0 < old and (self.start > 0 or self._older is not None) and not self._loading:
            self.run_worker(self.load_earlier(), group="load-earlier", exclusive=True, exit_on_error=False)

    async def load_earlier(self, count: int | None = None, *, down_to: int | None = None) -> int:
        """Mount up to ``count`` (default one page) older messages, keeping the view still.

        Returns how many were mounted. ``down_to`` mounts at least down to that index.
        """
        if (self.start <= 0 and self._older is None) or self._loading:
            return 0
        from .message import MessageView

        self._loading = True
        try:
            if self._older is not None and (down_to is not None or self.start - (count or self.page) < 0):
                await self._read_older()
            if self.start <= 0:
                return 0
            new_start = max(0, self.start - (count or self.page))
            if down_to is not None:
                new_start = min(new_start, max(0, down_to))
            views = list(self.query(MessageView))
            first = views[0] if views else None
            # At the bottom the anchor keeps the newest in view; elsewhere the
            # first shown message is held where it is.
            hold = first is not None and not self.following
            offset = (first.virtual_region.y - self.scroll_y) if first is not None else 0
            added = [MessageView(m) for m in self.messages[new_start : self.start]]
            if not self.is_attached or (first is not None and not first.is_attached):
                return 0  # the view closed meanwhile
            if first is not None:
                await self.mount_all(added, before=first)
            else:
                await self.mount_all(added)
            self.start = new_start
            self._update_button()
            if hold and first is not None:
                self._keep_in_place(first, offset)
            self.post_message(self.WindowChanged(self, self.start, len(self.messages)))
            return len(added)
        finally:
            self._loading = False

    def _keep_in_place(self, widget: MessageView, offset: int) -> None:
        """After layout, scroll so ``widget`` is ``offset`` lines from the top again."""

        def restore() -> None:
            self.scroll_to(y=widget.virtual_region.y - offset, animate=False, immediate=True)

        self.call_after_refresh(restore)

    async def show_message(self, uuid: str) -> bool:
        """Scroll to the message holding entry ``uuid`` and highlight it; False if absent."""
        from .message import MessageView

        index = self.index_of(uuid)
        if index is None and self._older is not None:
            await self._read_older()
            index = self.index_of(uuid)
        if index is None:
            return False
        if index < self.start:
            await self.load_earlier(down_to=max(0, index - 2))
        for view in self.query(MessageView):
            view.set_class(view.matches(uuid), "-hit")
        target = next((v for v in self.query(MessageView) if v.matches(uuid)), None)
        if target is None:
            return False
        self.anchor(False)  # reading history: do not jump to new output
        self.call_after_refresh(self.scroll_to_widget, target, animate=False, top=True, immediate=True)
        return True

    # -- live additions (the engine half calls these) --------------------------------

    async def append_message(self, message: Message) -> MessageView:
        """Add a finished message at the end; the view follows only if at the bottom."""
        from .message import MessageView

        self.messages.append(message)
        view = MessageView(message)
        await self.mount(view)
        return view

    async def start_assistant_stream(self, model: str | None = None) -> AssistantStream:
        """Mount a growing reply at the end and return the handle to stream into it."""
        from .streaming_reply import AssistantStream, StreamingReply

        reply = StreamingReply(model)
        await self.mount(reply)
        return AssistantStream(reply, record=self.record_message)

    def record_message(self, message: Message) -> None:
        """A streamed reply is complete: it joins the messages, as if appended whole
        (looked up at that moment: ``load`` may have replaced the list meanwhile)."""
        self.messages.append(message)

    async def append_widget(self, widget: Widget) -> Widget:
        """Add a notice, a queued prompt or another live part at the end."""
        await self.mount(widget)
        return widget


def _same(a: Message, b: Message) -> bool:
    return a.role == b.role and a.uuid == b.uuid and a.entry_ids == b.entry_ids
