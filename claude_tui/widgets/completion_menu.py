"""The list of completions over the prompt (``@path`` today), driven by the prompt's keys.

The menu never takes focus: the prompt keeps it, so typing goes on while the
list narrows, and the prompt hands over only the keys that work the list
(up, down, tab, enter, escape) while it is open. Each ``Choice`` says what
replaces the word being completed; what choosing it means beyond that (a file
attached) is the app's business, told by ``PromptArea.Completed``.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option


@dataclass(frozen=True)
class Choice:
    """One completion: ``label`` as listed, ``insert`` replacing the word from
    column ``start`` to the cursor on ``row``; ``value`` is what was chosen
    (an absolute path) or None when the choice only narrows (a folder)."""

    label: str
    insert: str
    row: int
    start: int
    value: str | None = None
    note: str = ""


class CompletionMenu(OptionList):
    """Hidden until ``offer`` gives it choices; closed by ``close``."""

    can_focus = False

    def __init__(self) -> None:
        super().__init__()
        self.choices: list[Choice] = []
        self.display = False

    @property
    def is_open(self) -> bool:
        return self.display and bool(self.choices)

    def offer(self, choices: list[Choice]) -> None:
        """Show ``choices`` (the first highlighted), or close when there are none."""
        self.choices = choices
        self.clear_options()
        if not choices:
            self.display = False
            return
        self.add_options(
            Option(Content.assemble(c.label, (f"  {c.note}", "dim") if c.note else "")) for c in choices
        )
        self.highlighted = 0
        self.display = True

    def close(self) -> None:
        self.choices = []
        self.clear_options()
        self.display = False

    def move(self, delta: int) -> None:
        if self.choices:
            index = self.highlighted or 0
            self.highlighted = (index + delta) % len(self.choices)

    def current(self) -> Choice | None:
        index = self.highlighted
        if index is None or not (0 <= index < len(self.choices)):
            return None
        return self.choices[index]
