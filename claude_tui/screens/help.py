"""F1: every key with its binding id (the name to use in ``[keymap]``), the marker
legend, and the command palette's commands (the ones that apply now), so an
action without a key is found here too.

Keys are read from the live bindings after the user's keymap was applied, so
the screen never shows a default that was remapped.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from ..literal import safe_line
from ..widgets.marker import Marker


HELP_BOX_WIDTH = 96
"""``#help-box``'s width in ``styles/app.tcss``."""


def key_table(rows: Iterable[tuple[str, str, str]], width: int = 200) -> Content:
    """``(keys, description, binding id)`` rows as aligned columns.

    When three columns do not fit in ``width`` cells, the id goes under its row.
    """
    rows = list(rows)
    key_width = max((len(k) for k, _, _ in rows), default=4) + 2
    desc_width = max((len(d) for _, d, _ in rows), default=4) + 2
    id_width = max((len(i) for _, _, i in rows), default=4)
    if key_width + desc_width + id_width > width:
        return _stacked_key_table(rows, key_width)
    lines: list[Content] = [
        Content.assemble(("Key".ljust(key_width), "bold"), ("Action".ljust(desc_width), "bold"), ("[keymap] id", "bold"))
    ]
    for keys, description, binding_id in rows:
        lines.append(
            Content.assemble(
                (safe_line(keys).ljust(key_width), "bold $accent"),
                safe_line(description).ljust(desc_width),
                (safe_line(binding_id), "dim"),
            )
        )
    return Content("\n").join(lines)


def _stacked_key_table(rows: list[tuple[str, str, str]], key_width: int) -> Content:
    """Narrow terminals: each binding's id on a dim line of its own under it."""
    lines: list[Content] = [Content.assemble(("Key".ljust(key_width), "bold"), ("Action / [keymap] id", "bold"))]
    for keys, description, binding_id in rows:
        lines.append(Content.assemble((safe_line(keys).ljust(key_width), "bold $accent"), safe_line(description)))
        lines.append(Content.assemble(" " * key_width, (safe_line(binding_id), "dim")))
    return Content("\n").join(lines)


def command_table(commands: Iterable[tuple[str, str]]) -> Content:
    """The palette's commands, ``(name, what it does)``, one a line."""
    rows = list(commands)
    width = max((len(name) for name, _ in rows), default=4) + 2
    lines = [Content.assemble(("Palette commands", "bold"), ("  (ctrl+p, then type a few letters; those that apply now)", "dim"))]
    for name, help_text in rows:
        lines.append(Content.assemble((safe_line(name).ljust(width), "bold"), (safe_line(help_text), "dim")))
    return Content("\n").join(lines)


def marker_legend() -> Content:
    lines = [Content.assemble(("Sidebar markers", "bold"))]
    for marker in Marker:
        lines.append(Content.assemble(" ", (marker.glyph, marker.style), " ", marker.label))
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    """A modal list of keys; Escape, F1 or q closes it."""

    BINDINGS = [
        Binding("escape,f1,q", "dismiss", "Close", show=False),
    ]

    def __init__(
        self, rows: list[tuple[str, str, str]], *, commands: list[tuple[str, str]] | None = None, enter_sends: bool = False
    ) -> None:
        super().__init__()
        self.rows = rows
        self.commands = commands or []
        self.enter_sends = enter_sends

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(Content.assemble(("Keys", "bold")), id="help-title")
            # The box is at most HELP_BOX_WIDTH wide (app.tcss); its border, padding
            # and scrollbar take 7 cells of it.
            width = min(self.app.size.width, HELP_BOX_WIDTH) - 7
            yield Static(key_table(self.rows, max(20, width)), id="help-keys")
            yield Static(marker_legend(), id="help-markers")
            if self.commands:
                yield Static(command_table(self.commands), id="help-commands")
            yield Static(
                Content(
                    "Remap keys in the config file's [keymap] table, e.g.\n"
                    '    toggle_sidebar = "ctrl+s"\n'
                    + (
                        "In the prompt, Enter sends; shift+enter, alt+enter or ctrl+j insert a line break;"
                        " up on the first line recalls earlier prompts of the session (down comes back);"
                        " up in an empty prompt takes back a queued prompt to edit it."
                        if self.enter_sends
                        else "In the prompt, Enter inserts a line break."
                    )
                    + " Escape closes this screen."
                ),
                id="help-footer",
            )

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
