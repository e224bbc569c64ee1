"""The list of slash commands under the prompt while "/name" is being typed.

It never takes the focus: the prompt keeps it and moves the highlight (up,
down), takes the highlighted command (Tab, or Enter while the typed name is
not complete yet) or closes the list (Escape). Names and descriptions come
from the CLI and are shown literally.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ..literal import safe_line

if TYPE_CHECKING:
    from ..slash_commands import SlashEntry

CHROME = 8  # the menu's border, padding, margins and scroll bar, in columns
SUMMARY_MAX = 56  # one line in a 100-column pane; the CLI's descriptions run to paragraphs


class SlashMenu(OptionList):
    """Completions for the prompt above it; ``entries`` are what is listed now."""

    DEFAULT_CSS = """
    SlashMenu {
        display: none;
        height: auto;
        max-height: 10;
        border: round $accent 60%;
        padding: 0 1;
        margin: 0 1;
    }
    """

    can_focus = False

    def __init__(self) -> None:
        super().__init__(id="slash-menu")
        self.entries: list[SlashEntry] = []

    @property
    def is_open(self) -> bool:
        return bool(self.display and self.entries)

    def show(self, entries: Sequence[SlashEntry], limit: int) -> None:
        """List ``entries`` (at most ``limit``), the first highlighted; none: closed."""
        self.entries = list(entries[:limit])
        self.clear_options()
        if not self.entries:
            self.display = False
            return
        width = max(len(e.name) for e in self.entries) + 1
        room = (self.parent.size.width if self.parent is not None else 0) - CHROME  # one line each
        most = max(8, min(SUMMARY_MAX, room - width - 2)) if room > 0 else SUMMARY_MAX
        options = []
        for entry in self.entries:
            summary = safe_line(entry.summary)
            if len(summary) > most:
                summary = summary[: most - 1] + "…"
            line = Content.assemble(
                (f"/{safe_line(entry.name)}".ljust(width + 1), "bold"),
                " ",
                (summary, "dim" if not entry.own else "italic"),
            )
            options.append(Option(line))
        self.add_options(options)
        self.highlighted = 0
        self.display = True

    def close(self) -> None:
        self.show([], 0)

    def move(self, delta: int) -> None:
        if self.entries:
            self.highlighted = ((self.highlighted or 0) + delta) % len(self.entries)

    @property
    def chosen(self) -> SlashEntry | None:
        index = self.highlighted
        return self.entries[index] if self.entries and index is not None and index < len(self.entries) else None
