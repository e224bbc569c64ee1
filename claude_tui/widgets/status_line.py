"""The line above the prompt: what the session is doing, and its permission mode.

Left: connecting, reconnecting (attempt k of N, next retry time), queued,
failed with its message, streaming. Right: the permission mode and model.
The app writes both halves (``live/text.py`` words them); the classes set
here only pick colours in ``styles/chat.tcss``.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from ..literal import literal_line

TONES = ("ok", "busy", "warn", "error")


class StatusLine(Horizontal):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="status-line")
        self.state_text = ""
        self.mode_text = ""
        self.tone = "ok"

    def compose(self) -> ComposeResult:
        yield Static("", classes="status-state")
        yield Static("", classes="status-mode")

    def show(self, state: str, mode: str, tone: str = "ok") -> None:
        """Set both halves; ``tone`` is one of ``TONES``."""
        self.state_text, self.mode_text, self.tone = state, mode, tone
        for name in TONES:
            self.set_class(name == tone, f"-{name}")
        if self.is_mounted:
            self.query_one(".status-state", Static).update(literal_line(state))
            self.query_one(".status-mode", Static).update(literal_line(mode))

    def on_mount(self) -> None:
        self.show(self.state_text, self.mode_text, self.tone)
