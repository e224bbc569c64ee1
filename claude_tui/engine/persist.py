"""Saving a session to the store while it runs, without delaying its stream.

Why a room of its own: the CLI writes the session's transcript (a local
``.jsonl``); after every turn, reconnect and close the worker asks for the
store's incremental importer to copy what is new. Imports run in a background
task, coalesced (a request while one runs makes it run once more) and in
order; other store writes (session row, last error) are fire-and-forget tasks
kept referenced until done. ``flush`` waits for all of it (close, shutdown).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .events import EngineEvent, ErrorOccurred, SessionSaved

if TYPE_CHECKING:
    from ..store.sqlite import SqliteSessionStore

log = logging.getLogger(__name__)


class Persister:
    """One session's background store writes and transcript imports."""

    def __init__(
        self,
        store: SqliteSessionStore | None,
        session_id: str,
        transcript_path: Callable[[], Path],
        emit: Callable[[EngineEvent], None],
    ) -> None:
        self.store = store
        self.session_id = session_id
        self._transcript_path = transcript_path
        self._emit = emit
        self._task: asyncio.Task[None] | None = None
        self._again = False
        self._writes: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        """Run a store write in the background; keep a reference so it is not
        garbage-collected mid-flight, and swallow its error after logging."""
        task = asyncio.get_running_loop().create_task(coro)
        self._writes.add(task)

        def done(t: asyncio.Task[Any]) -> None:
            self._writes.discard(t)
            if not t.cancelled() and t.exception() is not None:
                log.warning("store write failed: %s", t.exception())

        task.add_done_callback(done)

    def schedule(self) -> None:
        """Import the local transcript into the store soon (coalesced, in order)."""
        if self.store is None:
            return
        if self._task is not None and not self._task.done():
            self._again = True
            return
        self._again = False
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        from ..store.importer import import_session_file

        assert self.store is not None
        while True:
            self._again = False
            path = self._transcript_path()
            try:
                report = await import_session_file(self.store, path)
            except Exception as exc:  # noqa: BLE001 - reported; the next turn tries again
                log.exception("import of %s failed", path)
                self._emit(ErrorOccurred(self.session_id, "internal", f"saving {path} to the store failed: {exc}", True))
            else:
                self._emit(SessionSaved(self.session_id, report.entries_added, tuple(report.errors)))
            if not self._again:
                return

    async def flush(self, timeout: float | None = None) -> None:
        """Wait until store writes and transcript imports scheduled so far are done."""
        async with asyncio.timeout(timeout):
            if self._writes:
                await asyncio.wait(list(self._writes))
            while self._task is not None and not self._task.done():
                await asyncio.shield(self._task)


__all__ = ["Persister"]
