"""An assistant's thinking, folded away by default: it is long and rarely read.

While a reply streams, ``append`` adds thinking deltas (still folded; the
title counts the words so far).
"""

from __future__ import annotations

from textual.widgets import Collapsible, Static

from ..literal import literal
from ..words import plural


def thinking_title(text: str, live: bool = False) -> str:
    words = len(text.split())
    return f"Thinking{' …' if live else ''} ({plural(words, 'word')})"


class ThinkingBlock(Collapsible):
    """A collapsed "Thinking" section; the text inside is shown literally."""

    def __init__(self, text: str, *, collapsed: bool = True, live: bool = False) -> None:
        self.text = text
        self.live = live
        self._body = Static(literal(text), classes="thinking-text")
        super().__init__(self._body, title=thinking_title(text, live), collapsed=collapsed)

    def append(self, delta: str, *, show: bool = True) -> None:
        """Add a delta; ``show=False`` leaves the screen to a later ``refresh_text``
        (a stream coalesces many deltas into one repaint)."""
        self.text += delta
        if show:
            self.refresh_text()

    def refresh_text(self) -> None:
        self._body.update(literal(self.text))
        self.title = thinking_title(self.text, self.live)

    def finish(self) -> None:
        self.live = False
        self.refresh_text()
