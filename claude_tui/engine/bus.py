"""Subscribers of engine events: plain callbacks, or async iterators on top.

Why callbacks first: the TUI bridges events into Textual with
``app.post_message`` (synchronous, thread-safe), so a callback adds no hop and
no task per event; delivering 5,000 text deltas a second must cost
microseconds. Tests and scripts prefer ``async for event in bus.stream()``,
which is a callback that feeds an asyncio queue.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable

from .events import EngineEvent

Listener = Callable[[EngineEvent], None]

log = logging.getLogger(__name__)


class EventBus:
    """An ordered list of listeners; a listener that raises is logged and skipped."""

    __slots__ = ("_listeners",)

    def __init__(self) -> None:
        self._listeners: tuple[Listener, ...] = ()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(event)`` for every event; returns the unsubscribe function."""
        self._listeners = (*self._listeners, listener)

        def unsubscribe() -> None:
            self._listeners = tuple(x for x in self._listeners if x is not listener)

        return unsubscribe

    def stream(self) -> "EventStream":
        """An async iterator of every event from now on (close it when done)."""
        return EventStream(self)

    def emit(self, event: EngineEvent) -> None:
        for listener in self._listeners:
            try:
                listener(event)
            except Exception:  # noqa: BLE001 - one bad subscriber must not stop the others
                log.exception("engine event listener failed on %r", type(event).__name__)


class EventStream:
    """``async for event in stream`` over a bus; unbounded so the engine never waits."""

    def __init__(self, bus: EventBus) -> None:
        self._queue: asyncio.Queue[EngineEvent] = asyncio.Queue()
        self._unsubscribe = bus.subscribe(self._queue.put_nowait)
        self.history: list[EngineEvent] = []

    def close(self) -> None:
        self._unsubscribe()

    def __enter__(self) -> "EventStream":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __aiter__(self) -> AsyncIterator[EngineEvent]:
        return self

    async def __anext__(self) -> EngineEvent:
        event = await self._queue.get()
        self.history.append(event)
        return event

    async def next(self, timeout: float = 10.0) -> EngineEvent:
        return await asyncio.wait_for(self.__anext__(), timeout)

    async def wait_for(
        self, predicate: Callable[[EngineEvent], bool], timeout: float = 10.0, *, seen: bool = False
    ) -> EngineEvent:
        """The next event for which ``predicate`` holds (others are kept in ``history``);
        with ``seen=True`` an event already taken from the stream counts too."""
        if seen:
            for event in self.history:
                if predicate(event):
                    return event
        async with asyncio.timeout(timeout):
            while True:
                event = await self.__anext__()
                if predicate(event):
                    return event

    def drain(self) -> list[EngineEvent]:
        """Every event this stream received so far, iterated or not."""
        self.pending()
        return list(self.history)

    def pending(self) -> list[EngineEvent]:
        """Take the events received but not yet iterated, without waiting."""
        out = []
        while not self._queue.empty():
            event = self._queue.get_nowait()
            self.history.append(event)
            out.append(event)
        return out
