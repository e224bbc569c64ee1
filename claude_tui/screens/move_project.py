""""Move project": the folder a project is in now, for its sessions to follow.

Shows the folder the sessions ran in (and whether it is gone) and how many
sessions move; the answer must be an existing directory (``~`` and paths
relative to the old folder's parent work). Dismisses with the ``Path``, or
None on Escape.
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ..literal import literal_line
from ..relocation import check_new_folder
from ..words import plural


class MoveProjectScreen(ModalScreen[Path | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, old: str, sessions: int, *, gone: bool, base: Path) -> None:
        super().__init__()
        self.old = old
        self.sessions = sessions
        self.gone = gone
        self.base = base

    def compose(self) -> ComposeResult:
        with Vertical(id="move-box", classes="small-modal"):
            yield Static(Content.assemble(("Move project", "bold")), classes="modal-title")
            where = Content.assemble(
                (f"{plural(self.sessions, 'session')} ran in ", "dim"),
                literal_line(self.old),
                ("  (gone)" if self.gone else "", "bold $text-error"),
            )
            yield Static(where, classes="modal-subtitle")
            yield Static(
                "Type the folder the project is in now: its sessions follow with their whole history"
                " (open ones are closed first). A wrong folder is fixed by moving again.",
                classes="modal-body",
            )
            yield Input(value=self.old, id="move-input", select_on_focus=False)
            yield Static("", id="move-error", classes="modal-error")
            yield Static("Enter moves them · Escape cancels · ~ and relative paths work", classes="modal-hint")

    def on_mount(self) -> None:
        self.query_one("#move-input", Input).focus()

    @on(Input.Submitted, "#move-input")
    def _submitted(self, event: Input.Submitted) -> None:
        path, error = check_new_folder(event.value, self.base)
        if path is None:
            self.query_one("#move-error", Static).update(literal_line(error))
            return
        self.dismiss(path)

    @on(Input.Changed, "#move-input")
    def _changed(self, event: Input.Changed) -> None:
        self.query_one("#move-error", Static).update("")

    def action_cancel(self) -> None:
        self.dismiss(None)
