"""The CLI's stderr, kept with the time of each line, so a failure names only
what the process said in its last moments.

A CLI killed mid-stream once got the blame pinned on a warning it had printed
minutes before (``[claude-code:unrecognized_model] ...``): every line since
the worker started was read as the cause. Now a failure reads ``recent()``:
the lines since the current turn (or connect) began and no older than
``RECENT_S`` seconds. The whole log stays for the log file and the kill
watchdog.
"""

from __future__ import annotations

import time
from collections import deque

RECENT_S = 10.0
"""A line older than this, when the process ends, is not its last words."""


class StderrLog(deque[str]):
    """Lines in arrival order (a ``deque`` of at most ``maxlen``), each with its time."""

    def __init__(self, maxlen: int, clock: object = None) -> None:
        super().__init__(maxlen=maxlen)
        self._clock = clock if callable(clock) else time.monotonic
        self._times: deque[float] = deque(maxlen=maxlen)
        self._mark = float("-inf")

    def append(self, line: str) -> None:
        super().append(line)
        self._times.append(self._clock())

    def mark(self) -> None:
        """A turn (or a connect) begins: what came before it is not about it."""
        self._mark = self._clock()

    def recent(self, seconds: float = RECENT_S) -> list[str]:
        """The lines since the mark and within the last ``seconds``."""
        since = max(self._mark, self._clock() - seconds)
        return [line for line, at in zip(self, self._times) if at >= since]
