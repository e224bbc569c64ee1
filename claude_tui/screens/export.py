"""The "Export session" dialog: format, file name, and whether tools and thinking go in.

Dismisses with an ``ExportChoice`` (the file name as typed; relative names are
in the folder shown), or None on Escape. The file name's extension follows the
format while the name is the default one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, RadioButton, RadioSet, Static

from ..literal import literal_line


@dataclass(frozen=True)
class ExportChoice:
    format: str  # "markdown" | "json"
    path: str
    tools: bool
    thinking: bool


class ExportScreen(ModalScreen[ExportChoice | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, title: str, folder: Path, name_for: Callable[[str], str]) -> None:
        super().__init__()
        self.session_title = title
        self.folder = folder
        self.name_for = name_for
        self.format = "markdown"

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box", classes="small-modal"):
            yield Static(Content.assemble(("Export session", "bold")), classes="modal-title")
            yield Static(literal_line(self.session_title), classes="modal-subtitle")
            with RadioSet(id="export-format"):
                yield RadioButton("Markdown", value=True, id="format-markdown")
                yield RadioButton("JSON (messages and the raw transcript)", id="format-json")
            yield Checkbox("Tool uses and their results", value=True, id="export-tools")
            yield Checkbox("Thinking", value=True, id="export-thinking")
            yield Static(Content.assemble(("file (relative names are in ", "dim"), literal_line(str(self.folder)), (")", "dim")))
            yield Input(value=self.name_for("markdown"), id="export-path")
            yield Static("", id="export-error", classes="modal-error")
            with Horizontal(classes="modal-buttons"):
                yield Button("Export", variant="primary", id="export-go")
                yield Button("Cancel", id="export-cancel")
            yield Static("Enter in the file name exports · Escape cancels · never replaces a file without asking", classes="modal-hint")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    @on(RadioSet.Changed, "#export-format")
    def _format_changed(self, event: RadioSet.Changed) -> None:
        new = "json" if event.pressed.id == "format-json" else "markdown"
        box = self.query_one("#export-path", Input)
        if box.value == self.name_for(self.format):  # still the default: follow the format
            box.value = self.name_for(new)
        self.format = new

    def _choice(self) -> ExportChoice | None:
        path = self.query_one("#export-path", Input).value.strip()
        if not path:
            self.query_one("#export-error", Static).update("Type a file name.")
            return None
        return ExportChoice(
            self.format,
            path,
            self.query_one("#export-tools", Checkbox).value,
            self.query_one("#export-thinking", Checkbox).value,
        )

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-go")
    def _go(self) -> None:
        choice = self._choice()
        if choice is not None:
            self.dismiss(choice)

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
