"""One line in the conversation saying what happened there: a retry, an error,
an interruption, a permission answer. Crashed and interrupted turns carry a
"retry" button; the app never resends a prompt on its own.

The text is built by ``live/text.py`` from engine events and shown literally.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from ..literal import literal_line

NOTICE_KINDS = ("retry", "error", "interrupted", "stalled", "permission", "denied", "info")

GLYPHS = {
    "retry": "↻",
    "error": "✗",
    "interrupted": "■",
    "stalled": "‖",
    "permission": "✓",
    "denied": "⊘",
    "info": "·",
}


class Notice(Horizontal):
    """``kind`` (one of ``NOTICE_KINDS``) picks the glyph and the colour (``styles/chat.tcss``)."""

    class RetryPressed(Message):
        """The user pressed the notice's retry button."""

        def __init__(self, notice: Notice) -> None:
            super().__init__()
            self.notice = notice

    def __init__(self, text: str, kind: str = "info", *, retry_label: str | None = None) -> None:
        super().__init__(classes=f"notice -{kind}")
        self.kind = kind
        self.text = text
        self.retry_label = retry_label

    def compose(self) -> ComposeResult:
        yield Static(self._content(), classes="notice-text")
        if self.retry_label:
            yield Button(Content(self.retry_label), compact=True, classes="notice-retry")

    def _content(self) -> Content:
        return Content.assemble((GLYPHS.get(self.kind, "·") + " ", "bold"), literal_line(self.text))

    def update(self, text: str) -> None:
        self.text = text
        if self.is_mounted:
            self.query_one(".notice-text", Static).update(self._content())

    @property
    def offers_retry(self) -> bool:
        return bool(self.retry_label) and bool(self.query(".notice-retry"))

    async def drop_retry(self) -> None:
        """Remove the retry button (the prompt was sent again, or a newer turn ran)."""
        self.retry_label = None
        await self.query(".notice-retry").remove()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.RetryPressed(self))
