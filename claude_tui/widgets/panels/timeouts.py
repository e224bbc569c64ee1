"""The Timeouts panel: the four timeouts in force for the current session and where each comes from,
a countdown for every timer armed now (or "paused"), and the last one that fired.

``TimeoutRow`` is one line's facts (made by ``claude_tui/panels.py``);
``timeouts_body`` words them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from textual.content import Content

from .base import PanelBox

NAMES = (("connect", "connect"), ("first_token", "first token"), ("stall", "stall"), ("turn", "turn"), ("interrupt", "interrupt"))
SOURCE_STYLE = {"default": "$text-muted", "config": "$accent", "this session": "$warning"}


@dataclass(frozen=True)
class TimeoutRow:
    name: str  # connect, first_token, stall, turn
    seconds: float  # 0: off
    source: str  # default, config, this session


@dataclass(frozen=True)
class Countdown:
    name: str
    seconds: float
    left: float | None  # None: paused


@dataclass(frozen=True)
class Fired:
    name: str
    seconds: float
    at: float  # epoch
    outcome: str  # what happened, in words


def seconds_text(seconds: float) -> str:
    if seconds <= 0:
        return "off"
    if seconds >= 120 and seconds % 60 == 0:
        return f"{int(seconds // 60)} min"
    return f"{seconds:g} s"


def left_text(left: float) -> str:
    whole = int(left + 0.999)  # 0.2 s left reads "1 s", never "0 s" while armed
    if whole >= 120:
        return f"{whole // 60}:{whole % 60:02d} left"
    return f"{whole} s left"


def timeouts_body(rows: list[TimeoutRow], armed: tuple[Countdown, ...] = (), fired: Fired | None = None) -> Content:
    labels = dict(NAMES)
    lines = [
        Content.assemble(
            (f"{labels.get(r.name, r.name):<12}", "$text-muted"),
            f"{seconds_text(r.seconds):>8}  ",
            (r.source, SOURCE_STYLE.get(r.source, "")),
        )
        for r in rows
    ]
    for timer in armed:
        label = labels.get(timer.name, timer.name)
        if timer.left is None:
            lines.append(Content.assemble(("‖ ", "$warning"), f"{label}: ", ("paused (waiting for you)", "$warning")))
        else:
            lines.append(Content.assemble(("» ", "$accent"), f"{label}: ", (left_text(timer.left), "bold $accent")))
    if fired is not None:
        when = time.strftime("%H:%M:%S", time.localtime(fired.at))
        label = labels.get(fired.name, fired.name)
        lines.append(
            Content.assemble(
                ("fired ", "$error"), f"{label} ({seconds_text(fired.seconds)}) at {when}: ", (fired.outcome, "$error")
            )
        )
    return Content("\n").join(lines)


class TimeoutsPanel(PanelBox):
    def __init__(self) -> None:
        super().__init__("Timeouts", id="timeouts-panel")

    def show_rows(self, rows: list[TimeoutRow], armed: tuple[Countdown, ...] = (), fired: Fired | None = None) -> bool:
        return self.show(timeouts_body(rows, armed, fired))
