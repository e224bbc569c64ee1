"""Pick the permission mode of a session: all six, each with what it means.

Dismisses with the chosen mode, or None on Escape. The app confirms
bypassPermissions separately and asks the engine, which may refuse.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..config import PERMISSION_MODES
from ..literal import literal_line
from ..live.text import PERMISSION_MODE_HELP


class PermissionModeScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "dismiss_none", "Cancel", show=False)]

    def __init__(self, current: str, session_title: str = "") -> None:
        super().__init__()
        self.current = current
        self.session_title = session_title

    def compose(self) -> ComposeResult:
        with Vertical(id="mode-box", classes="small-modal"):
            yield Static(Content.assemble(("Permission mode", "bold")), classes="modal-title")
            if self.session_title:
                yield Static(literal_line(self.session_title, "dim"), classes="modal-subtitle")
            options = []
            for mode in PERMISSION_MODES:
                mark = "● " if mode == self.current else "  "
                options.append(
                    Option(
                        Content.assemble((mark + mode.ljust(19), "bold"), (PERMISSION_MODE_HELP[mode], "dim")),
                        id=mode,
                    )
                )
            yield OptionList(*options, id="mode-list")
            yield Static("Enter picks · Escape keeps the current mode", classes="modal-hint")

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        listing.highlighted = PERMISSION_MODES.index(self.current) if self.current in PERMISSION_MODES else 0
        listing.focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
