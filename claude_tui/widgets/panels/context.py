"""The Context panel: the files attached to the current session."""

from __future__ import annotations

from textual.content import Content

from .base import PanelBox


class ContextPanel(PanelBox):
    def __init__(self) -> None:
        super().__init__("Context", id="context-panel")

    def show_files(self, rows: list[Content]) -> bool:
        if not rows:
            return self.show(Content.styled("No files attached.", "$text-muted"))
        return self.show(Content("\n").join(rows))
