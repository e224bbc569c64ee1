"""An assistant's thinking, folded away by default: it is long and rarely read."""

from __future__ import annotations

from textual.widgets import Collapsible, Static

from ..literal import literal


class ThinkingBlock(Collapsible):
    """A collapsed "Thinking" section; the text inside is shown literally."""

    def __init__(self, text: str, *, collapsed: bool = True) -> None:
        words = len(text.split())
        title = f"Thinking ({words} word{'s' if words != 1 else ''})"
        super().__init__(Static(literal(text), classes="thinking-text"), title=title, collapsed=collapsed)
