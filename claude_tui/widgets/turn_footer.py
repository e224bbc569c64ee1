"""The dim line under a finished reply: model, tokens in and out, the turn's cost, duration."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual.content import Content
from textual.widgets import Static

from ..literal import literal_line


def fit_words(variants: Sequence[str], width: int, separator: str = " · ") -> str:
    """The first of ``variants`` (longest first) that fits ``width`` cells;
    else the shortest with whole fields dropped from its end, never cut mid-word."""
    for text in variants:
        if cell_len(text) <= width:
            return text
    fields = variants[-1].split(separator) if variants else []
    while len(fields) > 1:
        fields.pop()
        text = separator.join(fields)
        if cell_len(text) <= width:
            return text
    return fields[0] if fields and cell_len(fields[0]) <= width else ""


class TurnFooter(Static):
    """Texts from ``live.text.footer_variants`` (longest first): it shows the
    longest that fits its width, so at 80 columns it is shortened by dropping
    fields, not clipped. Shown literally."""

    def __init__(self, variants: str | Sequence[str]) -> None:
        self.variants = [variants] if isinstance(variants, str) else list(variants)
        self.text = self.variants[0] if self.variants else ""
        super().__init__(literal_line(self.text), classes="turn-footer")

    @property
    def shown(self) -> str:
        """The text drawn at the current width."""
        width = self.content_region.width
        return fit_words(self.variants, width) if width > 0 else self.text

    def render(self) -> Content:
        return literal_line(self.shown)

    def on_resize(self) -> None:
        self.refresh()
