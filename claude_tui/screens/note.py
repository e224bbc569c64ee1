""""Session note": a short note of the user's about a session.

One line, shown in the Session panel and found by the sidebar filter. Enter
keeps what is typed (an empty note removes it), Escape leaves the note as it
was (None).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ..literal import literal_line

NOTE_LIMIT = 500
"""Characters: a note is a reminder, not a document."""


class NoteScreen(ModalScreen[str | None]):
    """The note of one session, starting from the current one."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, session_title: str, current: str | None) -> None:
        super().__init__()
        self.session_title = session_title
        self.current = current or ""

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box", classes="small-modal"):
            yield Static(Content.assemble(("Session note", "bold")), classes="modal-title")
            yield Static(literal_line(self.session_title, "dim"), classes="modal-subtitle")
            yield Input(value=self.current, placeholder="a short note (shown in the Session panel, found by the filter)", id="note-input", max_length=NOTE_LIMIT)
            yield Static("Enter keeps the note (empty: no note) · Escape leaves it as it was", classes="modal-hint")

    def on_mount(self) -> None:
        self.query_one("#note-input", Input).focus()

    @on(Input.Submitted, "#note-input")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(" ".join(event.value.split()))

    def action_cancel(self) -> None:
        self.dismiss(None)
