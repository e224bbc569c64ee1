"""The Timeouts panel: the four timeouts in force for the current session, and where each comes from.

``TimeoutRow`` is one line's facts (made by ``claude_tui/panels.py``);
``timeouts_body`` words them.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content

from .base import PanelBox

NAMES = (("connect", "connect"), ("first_token", "first token"), ("stall", "stall"), ("turn", "turn"))
SOURCE_STYLE = {"default": "$text-muted", "config": "$accent", "this session": "$warning"}


@dataclass(frozen=True)
class TimeoutRow:
    name: str  # connect, first_token, stall, turn
    seconds: float  # 0: off
    source: str  # default, config, this session


def seconds_text(seconds: float) -> str:
    if seconds <= 0:
        return "off"
    if seconds >= 120 and seconds % 60 == 0:
        return f"{int(seconds // 60)} min"
    return f"{seconds:g} s"


def timeouts_body(rows: list[TimeoutRow]) -> Content:
    labels = dict(NAMES)
    lines = [
        Content.assemble(
            (f"{labels.get(r.name, r.name):<12}", "$text-muted"),
            f"{seconds_text(r.seconds):>8}  ",
            (r.source, SOURCE_STYLE.get(r.source, "")),
        )
        for r in rows
    ]
    return Content("\n").join(lines)


class TimeoutsPanel(PanelBox):
    def __init__(self) -> None:
        super().__init__("Timeouts", id="timeouts-panel")

    def show_rows(self, rows: list[TimeoutRow]) -> bool:
        return self.show(timeouts_body(rows))
