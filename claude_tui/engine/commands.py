"""What goes into a session worker's inbox: commands and reports.

Why one queue of small dataclasses: the worker loop is the only task that
touches the client and the session state, so every public command (``send``,
``interrupt``, ``set_model``, ...) and every report from the reader task or
the live budget becomes one item here, handled in order by the loop.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from .events import TurnCompleted

# -- commands (from any task on the loop) ------------------------------------------


@dataclass
class Send:
    prompt: str
    files: tuple[str, ...]
    future: asyncio.Future[TurnCompleted | None]
    retry: bool = False  # the same prompt again after its turn failed or was cut short (crash_resume.py)


@dataclass
class Interrupt:
    pass


@dataclass
class Reconnect:
    pass


@dataclass
class Connect:
    pass


@dataclass
class SetModel:
    model: str | None
    future: asyncio.Future[None]


@dataclass
class SetPermissionMode:
    mode: str
    future: asyncio.Future[None]


@dataclass
class Close:
    deadline: float  # loop time


# -- from the live budget ----------------------------------------------------------------


@dataclass
class SlotGranted:
    pass


@dataclass
class Evict:
    pass


# -- from the reader task and the loop itself ----------------------------------------------


@dataclass
class TurnEnded:
    generation: int
    result: Any  # ResultMessage


@dataclass
class ReaderDone:
    generation: int
    error: BaseException | None


@dataclass
class Tick:
    """Look at the deadlines again (one got earlier, or one passed)."""
