"""The dim line under a finished reply: model, tokens in and out, cost, duration."""

from __future__ import annotations

from textual.widgets import Static

from ..literal import literal_line


class TurnFooter(Static):
    """Text from ``live.text.footer_text``; shown literally."""

    def __init__(self, text: str) -> None:
        super().__init__(literal_line(text), classes="turn-footer")
        self.text = text
