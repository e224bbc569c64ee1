"""Change the working directory of a new session before its first prompt.

The path may start with ``~`` or be relative to the current one; it must be an
existing directory. Dismisses with the resolved ``Path``, or None on Escape.
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
from ..paths import resolve_directory


class DirectoryScreen(ModalScreen[Path | None]):
    BINDINGS = [Binding("escape", "dismiss_none", "Cancel", show=False)]

    def __init__(
        self,
        current: Path,
        *,
        title: str = "Directory for the new session",
        subtitle: tuple[str, str] | None = None,
        hint: str = "Enter changes it · Escape keeps it · ~ and relative paths work",
    ) -> None:
        """``subtitle`` is (label, path) under the title (default: ("now: ", ``current``))."""
        super().__init__()
        self.current = current
        self.title_text = title
        self.subtitle = subtitle or ("now: ", str(current))
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(id="directory-box", classes="small-modal"):
            yield Static(Content.assemble((self.title_text, "bold")), classes="modal-title")
            yield Static(
                Content.assemble((self.subtitle[0], "dim"), literal_line(self.subtitle[1])), classes="modal-subtitle"
            )
            yield Input(value=str(self.current), id="directory-input")
            yield Static("", id="directory-error")
            yield Static(Content(self.hint), classes="modal-hint")  # literal: "[store]" is not markup

    @on(Input.Submitted, "#directory-input")
    def _submitted(self, event: Input.Submitted) -> None:
        path, error = resolve_directory(event.value, self.current)
        if path is None:
            self.query_one("#directory-error", Static).update(literal_line(error))
            return
        self.dismiss(path)

    @on(Input.Changed, "#directory-input")
    def _changed(self, event: Input.Changed) -> None:
        self.query_one("#directory-error", Static).update("")

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
