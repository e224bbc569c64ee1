"""What every side panel is: a titled box that redraws only when its text changed.

The panels are fed once a second (countdowns) and on every engine event that
matters; ``show`` compares the new lines with the ones on screen and does
nothing when they are equal, so a second with nothing new costs one string
comparison, not a layout.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class PanelBox(Static):
    """A bordered panel whose body is one ``Content``."""

    DEFAULT_CLASSES = "panel"

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.border_title = title
        self.plain = ""
        self.updates = 0  # how many times the body was really redrawn (tests, benchmarks)

    def show(self, body: Content) -> bool:
        """Put ``body`` on screen unless it is what is shown; True when it was redrawn."""
        plain = body.plain
        if plain == self.plain and body.spans == getattr(self, "_spans", None):
            return False
        self.plain = plain
        self._spans = body.spans
        self.updates += 1
        self.update(body)
        return True
