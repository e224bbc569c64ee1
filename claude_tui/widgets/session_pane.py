"""One open session (or a new draft) in the centre: its conversation and its prompt.

Each open session keeps its own pane, so switching between sessions keeps each
one's scroll position and half-written prompt.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from .chat_view import ChatView
from .prompt import PromptArea
from .session_list import SessionKey


class SessionPane(Vertical):
    """``key`` is None for a draft: a new session that has no id until it is sent."""

    def __init__(self, key: SessionKey | None, *, title: str, intro: Content | None = None, id: str | None = None) -> None:
        super().__init__(id=id, classes="session-pane" + (" -draft" if key is None else ""))
        self.key = key
        self.title = title
        self._intro = intro

    def compose(self) -> ComposeResult:
        if self._intro is not None:
            yield Static(self._intro, classes="draft-intro")
        yield ChatView()
        yield PromptArea()

    @property
    def chat(self) -> ChatView:
        return self.query_one(ChatView)

    @property
    def prompt(self) -> PromptArea:
        return self.query_one(PromptArea)
