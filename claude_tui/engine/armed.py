"""The timers a session has armed right now, as public state for the UI.

The worker's deadlines live on the event loop's clock inside the running
turn (``timeouts.TurnClock``) and the kill watchdog (connect). The Timeouts
panel shows a countdown per armed timer, so ``SessionWorker.armed_timers()``
gives a snapshot of them in wall-clock seconds: name, its value, the seconds
left (None while paused by a permission question). Asked once a second for
the session on screen only; nothing is computed per stream event.

``ArmedTimersMixin`` is part of ``SessionWorker`` (``worker.py``).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .state import Phase

if TYPE_CHECKING:
    from .connection import KillWatchdog
    from .state import SessionState
    from .turn import Turn


@dataclass(frozen=True, slots=True)
class ArmedTimer:
    name: str  # connect, first_token, stall, turn, interrupt
    seconds: float  # its value
    left: float | None  # seconds until it fires; None: paused


class ArmedTimersMixin:
    # Provided by SessionWorker.
    _turn: Turn | None
    _state: SessionState
    watchdog: KillWatchdog

    def armed_timers(self) -> tuple[ArmedTimer, ...]:
        """The timers running now (see the module docstring)."""
        try:
            now = asyncio.get_running_loop().time()
        except RuntimeError:
            return ()
        out: list[ArmedTimer] = []
        armed = self.watchdog.armed
        due = self.watchdog.due
        if armed is not None and due is not None:
            out.append(ArmedTimer(armed[0], armed[1], max(0.0, due - now)))
        turn = self._turn
        if turn is not None and self._state.phase in (Phase.STREAMING, Phase.INTERRUPTING):
            clock = turn.clock
            for name, deadline in clock.armed():
                left = None if deadline is None else max(0.0, deadline - now)
                out.append(ArmedTimer(name, clock.seconds_of(name), left))
        return tuple(out)
