"""SessionManager: many session workers, one live-process budget, one shutdown.

Why a manager: the TUI holds many sessions at once. Each runs in its own
worker (one streaming never blocks another); the manager owns the shared
``LiveBudget``, fans every worker's events into one bus the UI subscribes to,
fills in what a worker needs from the store (the recorded cwd, message count,
per-session overrides, attached files), and makes quitting safe: every turn
interrupted, the store flushed, every client disconnected, every CLI process
gone, within the shutdown timeout.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Settings
from . import processes
from .budget import LiveBudget
from .bus import EventBus, EventStream, Listener
from .events import TurnCompleted
from .options import ConnectionConfig, PermissionCallback, SessionSpec, project_key_for
from .state import Phase
from .timeouts import INTERRUPT_GRACE_S, TimeoutPolicy
from .worker import ClientFactory, SessionWorker, new_session_id

if TYPE_CHECKING:
    from ..store.sqlite import SqliteSessionStore

log = logging.getLogger(__name__)


class FolderMissing(LookupError):
    """A session from another machine has no folder here: ``session_cwd`` is
    where it ran, ``here`` where this machine would run it (the UI offers to
    pick the right folder, which becomes a ``[store] path_map`` entry)."""

    def __init__(self, session_cwd: str, here: str, message: str) -> None:
        super().__init__(message)
        self.session_cwd = session_cwd
        self.here = here


class SessionManager:
    """Opens, runs and closes session workers under one live-process budget.

    ``env`` is added to every CLI's environment (on top of claude-tui's own,
    which the CLI inherits). ``permission_callback`` is the seam for tool
    permission prompts (see ``options.PermissionCallback``).
    """

    def __init__(
        self,
        settings: Settings,
        store: SqliteSessionStore | None = None,
        *,
        env: Mapping[str, str] | None = None,
        permission_callback: PermissionCallback | None = None,
        client_factory: ClientFactory | None = None,
        interrupt_grace: float = INTERRUPT_GRACE_S,
        config_dir: Path | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.env = dict(env or {})
        self.permission_callback = permission_callback
        self.client_factory = client_factory
        self.interrupt_grace = interrupt_grace
        self.config_dir = config_dir
        self.budget = LiveBudget(settings.sessions.max_live)
        self.bus = EventBus()
        self._workers: dict[str, SessionWorker] = {}
        self._unsubscribe: dict[str, Callable[[], None]] = {}
        self._shut_down = False

    # -- events --------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Every event of every session (see ``events.py``)."""
        return self.bus.subscribe(listener)

    def events(self) -> EventStream:
        return self.bus.stream()

    # -- sessions ------------------------------------------------------------------

    @property
    def workers(self) -> dict[str, SessionWorker]:
        return dict(self._workers)

    def get(self, session_id: str) -> SessionWorker | None:
        return self._workers.get(session_id)

    def _add(
        self,
        spec: SessionSpec,
        *,
        connect: bool,
        model: str | None = None,
        system_prompt: str | None = None,
        timeouts: Mapping[str, Any] | None = None,
        messages: int = 0,
        started_at: float | None = None,
    ) -> SessionWorker:
        if self._shut_down:
            raise RuntimeError("the session manager was shut down")
        connection = ConnectionConfig(
            self.settings.claude, model=model, system_prompt=system_prompt, env=dict(self.env)
        )
        worker = SessionWorker(
            spec,
            self.settings,
            store=self.store,
            budget=self.budget,
            connection=connection,
            timeouts=TimeoutPolicy.from_settings(self.settings.timeouts, dict(timeouts or {})),
            permission_callback=self.permission_callback,
            client_factory=self.client_factory,
            interrupt_grace=self.interrupt_grace,
            messages=messages,
            started_at=started_at,
            config_dir=self.config_dir,
        )
        self._workers[spec.session_id] = worker
        self._unsubscribe[spec.session_id] = worker.subscribe(self.bus.emit)
        worker.start()
        if connect:
            worker.connect()
        return worker

    def new_session(
        self,
        cwd: str | os.PathLike[str],
        *,
        connect: bool = True,
        model: str | None = None,
        system_prompt: str | None = None,
        timeouts: Mapping[str, Any] | None = None,
        session_id: str | None = None,
    ) -> SessionWorker:
        """A new session in ``cwd`` with an id chosen now; pre-connects unless told not to."""
        spec = SessionSpec(session_id or new_session_id(), os.path.realpath(os.fspath(cwd)), resume=False)
        return self._add(spec, connect=connect, model=model, system_prompt=system_prompt, timeouts=timeouts)

    async def open_session(
        self,
        session_id: str,
        *,
        cwd: str | os.PathLike[str] | None = None,
        project_key: str | None = None,
        connect: bool = True,
    ) -> SessionWorker:
        """An existing session (from the store, or ``cwd`` given), resumed from its recorded cwd."""
        existing = self._workers.get(session_id)
        if existing is not None and existing.state.phase is not Phase.CLOSED:
            if connect:
                existing.connect()
            return existing
        row = None
        overrides: dict[str, Any] = {}
        if self.store is not None:
            rows = await self.store.find_sessions(session_id)
            row = next((r for r in rows if r.session_id == session_id and (project_key is None or r.project_key == project_key)), None)
            if row is not None:
                overrides = await self.store.overrides(row.project_key, session_id)
        where = row.cwd if row is not None and row.cwd else (os.fspath(cwd) if cwd is not None else None)
        if where is None:
            raise LookupError(f"session {session_id} is not in the store; give its working directory")
        local_key = None
        if row is not None and row.cwd and self.settings.store.path_map:
            from ..path_map import local_folder

            here = local_folder(row.cwd, self.settings.store.path_map)
            if here != row.cwd:
                if not os.path.isdir(here):
                    raise FolderMissing(
                        row.cwd, here,
                        f"this session's folder {row.cwd} is {here} here by [store] path_map, and that folder"
                        " does not exist: create it or change the map",
                    )
                where, local_key = here, project_key_for(os.path.realpath(here))
        if local_key is None and row is not None and row.cwd and getattr(self.store, "watch", None) is not None:
            if not os.path.isdir(row.cwd):  # a shared store: a session from another machine
                raise FolderMissing(
                    row.cwd, row.cwd,
                    f"this session ran in {row.cwd}, which is not a folder on this machine:"
                    " pick the project's folder here ([store] path_map)",
                )
        spec = SessionSpec(
            session_id, where, resume=True, project_key=row.project_key if row is not None else project_key,
            local_key=local_key,
        )
        return self._add(
            spec,
            connect=connect,
            model=overrides.get("model"),
            system_prompt=overrides.get("system_prompt"),
            timeouts=overrides.get("timeouts"),
            messages=row.message_count if row is not None else 0,
            started_at=_epoch(row.created_at) if row is not None else None,
        )

    async def send(
        self,
        session_id: str,
        prompt: str,
        files: Iterable[str | os.PathLike[str]] | None = None,
        *,
        retry: bool = False,
    ) -> asyncio.Future[TurnCompleted | None]:
        """Send to a session; ``files=None`` takes the session's attached files from the store;
        ``retry``: the last turn's prompt again, sent once (``SessionWorker.send``)."""
        worker = self._workers[session_id]
        if files is None:
            files = []
            if self.store is not None:
                files = [p for p, _ in await self.store.context_files(worker.project_key, session_id)]
        return worker.send(prompt, files, retry=retry)

    def interrupt(self, session_id: str) -> None:
        self._workers[session_id].interrupt()

    async def close_session(self, session_id: str, timeout: float = 5.0) -> None:
        worker = self._workers.pop(session_id, None)
        if worker is None:
            return
        await worker.close(timeout)
        unsubscribe = self._unsubscribe.pop(session_id, None)
        if unsubscribe is not None:
            unsubscribe()

    # -- shutdown ------------------------------------------------------------------

    async def shutdown(self, timeout: float = 5.0) -> None:
        """Interrupt streaming turns, disconnect every client, flush the store,
        and make sure no CLI process is left, all within ``timeout`` seconds."""
        self._shut_down = True
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        workers = list(self._workers.values())
        # Leave a fifth of the time (at most 1 s) for the store and the kill sweep.
        close_by = deadline - min(1.0, timeout * 0.2)
        tasks = [w.task for w in workers if w.task is not None and not w.task.done()]
        for worker in workers:
            if worker.task is not None and not worker.task.done():
                worker.close_nowait(close_by)
        if tasks:
            await asyncio.wait(tasks, timeout=max(0.0, close_by - loop.time()))
        for worker in workers:
            if worker.task is not None and not worker.task.done():
                worker.kill()
                worker.task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=max(0.05, deadline - loop.time() - 0.3))
        flushes = [asyncio.ensure_future(w.flush()) for w in workers]
        if flushes:
            done, not_done = await asyncio.wait(flushes, timeout=max(0.05, deadline - loop.time() - 0.1))
            for f in not_done:
                f.cancel()
        # The final sweep scans /proc and waits for the killed to be gone: off the loop.
        await asyncio.to_thread(_sweep, self._cli_pids())
        for unsubscribe in self._unsubscribe.values():
            unsubscribe()
        self._unsubscribe.clear()

    def kill_all(self) -> list[int]:
        """Safety net: SIGKILL every CLI process this process started. Sync, so a
        signal handler or ``atexit`` may call it; it blocks (a /proc scan, then up
        to a second until the processes are gone), so on the event loop prefer
        ``await shutdown()``, which ends with the same sweep in a thread."""
        return _sweep(self._cli_pids())

    def _cli_pids(self) -> list[int]:
        return [pid for w in self._workers.values() if (pid := w.cli_pid) is not None]


def _sweep(pids: list[int]) -> list[int]:
    """Kill ``pids`` (and what they started), then every CLI child left; returns those."""
    for pid in pids:
        processes.kill(pid)
    return processes.kill_all_children()


def _epoch(stamp: str | None) -> float | None:
    from ..timestamps import parse_iso

    moment = parse_iso(stamp)
    return moment.timestamp() if moment is not None else None


__all__ = ["SessionManager"]
