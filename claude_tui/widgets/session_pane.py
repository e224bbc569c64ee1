"""One open session (or a new draft) in the centre: its conversation, status and prompt.

Each open session keeps its own pane, so switching between sessions keeps each
one's scroll position and half-written prompt. The pane is also the session's
mailbox: when events for it are waiting, a ``SessionPane.Wake`` is posted here
and the pane's own message queue calls ``handler``, which takes them in order,
so rendering one busy session never holds up the app or another session. What
an event does is the business of ``handler`` (the live controller's inbox);
the pane only wakes it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from .chat_view import ChatView
from .completion_menu import CompletionMenu
from .prompt import PromptArea
from .session_list import SessionKey
from .status_line import StatusLine


class SessionPane(Vertical):
    """``key`` is None for a draft: a new session not stored until its first send."""

    class Wake(Message):
        """Something is waiting for this session (engine events or UI notes)."""

    def __init__(self, key: SessionKey | None, *, title: str, intro: Content | None = None, id: str | None = None) -> None:
        super().__init__(id=id, classes="session-pane" + (" -draft" if key is None else ""))
        self.key = key
        self.title = title
        self._intro = intro
        self.handler: Callable[[SessionPane], Awaitable[None]] | None = None

    def compose(self) -> ComposeResult:
        yield Static(self._intro or "", classes="draft-intro")
        yield Static("", classes="draft-hint")
        yield ChatView()
        yield StatusLine()
        yield CompletionMenu()
        yield PromptArea()

    def on_mount(self) -> None:
        self.prompt.menu = self.query_one(CompletionMenu)
        self.query_one(".draft-intro").display = self._intro is not None
        self.query_one(".draft-hint").display = False

    def set_hint(self, hint: Content | None) -> None:
        """How to start (and what was found), under a draft's intro until its first send."""
        box = self.query_one(".draft-hint", Static)
        box.update(hint or "")
        box.display = hint is not None

    def set_intro(self, intro: Content | None) -> None:
        self._intro = intro
        box = self.query_one(".draft-intro", Static)
        box.update(intro or "")
        box.display = intro is not None

    def set_key(self, key: SessionKey) -> None:
        """The draft became a stored session."""
        self.key = key
        self.remove_class("-draft")

    def on_chat_view_typed_ahead(self, message: ChatView.TypedAhead) -> None:
        message.stop()
        prompt = self.prompt
        prompt.focus()
        prompt.insert(message.character)

    async def on_session_pane_wake(self, message: Wake) -> None:
        message.stop()
        if self.handler is not None:
            await self.handler(self)

    @property
    def chat(self) -> ChatView:
        return self.query_one(ChatView)

    @property
    def prompt(self) -> PromptArea:
        return self.query_one(PromptArea)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)
