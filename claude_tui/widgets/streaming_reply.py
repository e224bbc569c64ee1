"""An assistant reply that is still arriving, and the handle the engine streams into.

A reply is a sequence of parts in the order they arrive: text, thinking, tool
calls (with their results) and inline notices (retries, errors, permission
answers). Text goes through Textual's ``MarkdownStream`` (it batches fragments
when they come faster than Markdown can re-render), each delta sanitised on
the way in. When the turn ends, every text part gets one full Markdown update
from its whole text (an incremental parse can split a code fence), thinking
and tools show their final titles, and a footer says what the turn cost.
The widgets stay where they are, so a reader scrolled up keeps their place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Markdown, Static

from ..literal import safe_text
from .message import message_header, reply_markdown
from .notice import Notice
from .thinking_block import ThinkingBlock
from .tool_block import ToolBlock
from .turn_footer import TurnFooter

if TYPE_CHECKING:
    from textual.widgets.markdown import MarkdownStream

    from ..transcript import Message, ToolUse
    from .chat_view import ChatView


class StreamingReply(Vertical):
    """Header plus the parts of a reply as they arrive."""

    def __init__(self, model: str | None = None) -> None:
        super().__init__(classes="message -assistant -streaming")
        self.model = model
        self.streams: list[MarkdownStream] = []  # still running; stopped if the reply goes away

    async def on_unmount(self) -> None:
        for stream in self.streams:
            try:
                await stream.stop()
            except Exception:  # noqa: BLE001 - the widgets are going away anyway
                pass
        self.streams.clear()

    def compose(self) -> ComposeResult:
        yield Static(message_header("assistant", None, self.model), classes="message-header")

    def set_model(self, model: str | None) -> None:
        if model and model != self.model:
            self.model = model
            self.query_one(".message-header", Static).update(message_header("assistant", None, model))

    @property
    def markdown(self) -> Markdown:
        """The last text part (tests and simple callers)."""
        return self.query(Markdown).last()


@dataclass
class _TextPart:
    key: Any
    widget: Markdown
    text: str = ""
    stream: MarkdownStream | None = None
    error: bool = False


class AssistantStream:
    """What ``ChatView.start_assistant_stream`` returns; one per assistant turn.

    ``append_text`` / ``append_thinking`` take deltas (``key`` tells parts
    apart: a new key, or anything mounted in between, starts a new part);
    ``start_tool`` / ``set_tool_input`` / ``set_tool_result`` follow a tool
    call; ``add_notice`` puts a line where the reply is now. ``finish`` ends
    it once.
    """

    def __init__(self, view: ChatView, reply: StreamingReply) -> None:
        self.view = view
        self.reply = reply
        self.texts: list[_TextPart] = []
        self.thinking: dict[Any, ThinkingBlock] = {}
        self.tools: dict[str, ToolBlock] = {}
        self.notices: list[Notice] = []
        self.footer: TurnFooter | None = None
        self.finished = False
        self._last: Widget | None = None  # the part mounted last

    @property
    def text(self) -> str:
        """All assistant text so far, parts joined."""
        return "".join(p.text for p in self.texts)

    async def _mount(self, widget: Widget) -> Widget:
        await self.reply.mount(widget)
        self._last = widget
        return widget

    async def append_text(self, delta: str, key: Any = None) -> None:
        if self.finished or not delta:
            return
        part = self.texts[-1] if self.texts else None
        if part is None or part.key != key or self._last is not part.widget:
            part = _TextPart(key, reply_markdown(""))
            self.texts.append(part)
            await self._mount(part.widget)
        part.text += delta
        if part.stream is None:
            part.stream = Markdown.get_stream(part.widget)
            self.reply.streams.append(part.stream)
        await part.stream.write(safe_text(delta))

    def mark_error(self, key: Any = None) -> None:
        """The text part ``key`` is an error the CLI wrote (API failure), not a reply."""
        for part in self.texts:
            if part.key == key:
                part.error = True
                part.widget.add_class("-error")

    async def append_thinking(self, delta: str, key: Any = None) -> None:
        if self.finished or not delta:
            return
        block = self.thinking.get(key)
        if block is None or self._last is not block:
            block = ThinkingBlock("", live=True)
            self.thinking[key] = block
            await self._mount(block)
        block.append(delta)

    async def start_tool(self, tool: ToolUse) -> ToolBlock:
        block = self.tools.get(tool.id)
        if block is None:
            block = ToolBlock(tool, running=True)
            self.tools[tool.id] = block
            await self._mount(block)
        return block

    def set_tool_input(self, tool_use_id: str, name: str, tool_input: dict[str, Any]) -> None:
        block = self.tools.get(tool_use_id)
        if block is not None:
            block.tool.name = name or block.tool.name
            block.tool.input = dict(tool_input)
            block.refresh_tool()

    def set_tool_result(self, tool_use_id: str, content: str, is_error: bool) -> bool:
        """Attach a result; False when the tool is not part of this reply."""
        block = self.tools.get(tool_use_id)
        if block is None:
            return False
        block.tool.result = content
        block.tool.is_error = is_error
        block.refresh_tool(running=False)
        return True

    async def add_notice(self, notice: Notice) -> Notice:
        self.notices.append(notice)
        await self._mount(notice)
        return notice

    async def drop_parts(self, keep: Any) -> None:
        """Remove text and thinking parts whose key ``keep(key)`` rejects (a stream
        attempt the CLI abandoned and sent again, or replaced by its fallback)."""
        for part in [p for p in self.texts if not keep(p.key)]:
            if part.stream is not None:
                await part.stream.stop()
                self.reply.streams.remove(part.stream)
            self.texts.remove(part)
            await part.widget.remove()
        for key in [k for k in self.thinking if not keep(k)]:
            await self.thinking.pop(key).remove()

    def last_notice(self, kind: str) -> Notice | None:
        """The notice of ``kind`` mounted last, if nothing came after it."""
        if isinstance(self._last, Notice) and self._last.kind == kind:
            return self._last
        return None

    async def finish(self, message: Message | None = None, *, footer: str | None = None) -> None:
        """End the stream: one full Markdown update per text part, final titles,
        the footer. ``message`` (the reply as a transcript ``Message``) is
        recorded in the view's message list."""
        if self.finished:
            return
        self.finished = True
        for part in self.texts:
            if part.stream is not None:
                await part.stream.stop()
                self.reply.streams.remove(part.stream)
                part.stream = None
            await part.widget.update(safe_text(part.text))
        for block in self.thinking.values():
            block.finish()
        for tool_block in self.tools.values():
            tool_block.refresh_tool(running=False)
        self.reply.remove_class("-streaming")
        if footer:
            self.footer = TurnFooter(footer)
            await self.reply.mount(self.footer)
        if message is not None:
            self.view.messages.append(message)
