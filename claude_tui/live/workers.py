"""The engine under the open panes: the ``SessionManager`` and one worker per pane.

The manager is made at start (lazily imported, so nothing of the engine or the
SDK loads before the first frame). A pane gets its worker on its first send,
or earlier when the user starts typing (``prepare``: the CLI starts while
they write). Closing a pane disconnects its worker in the background; quitting
disconnects them all, and a kill at exit is the net under that.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from ..literal import safe_line

if TYPE_CHECKING:
    from ..engine.events import EngineEvent
    from ..engine.manager import SessionManager
    from ..engine.worker import SessionWorker
    from ..store import SqliteSessionStore
    from .host import LiveHost
    from .session import LiveSession, Sessions

log = logging.getLogger(__name__)

SHUTDOWN_S = 5.0


class Workers:
    """``env`` goes to every CLI (tests point it at a local Messages API)."""

    def __init__(self, host: LiveHost, sessions: Sessions, env: dict[str, str]) -> None:
        self.host = host
        self.sessions = sessions
        self.env = env
        self.manager: SessionManager | None = None
        self.shut_down = False
        self._ready = asyncio.Event()
        self._background: set[asyncio.Task[Any]] = set()

    # -- start and stop ------------------------------------------------------------------

    def start(
        self,
        store: SqliteSessionStore | None,
        *,
        permission_callback: Any,
        feed: Callable[[EngineEvent], None],
    ) -> None:
        """Make the manager (the store is open, or failed to open: then no store)."""
        from ..engine.manager import SessionManager

        if self.manager is not None:
            return
        self.manager = SessionManager(
            self.host.settings,
            store,
            env=self.env,
            permission_callback=permission_callback,
            config_dir=self.host.claude_config_dir,
        )
        self.manager.subscribe(feed)
        atexit.register(self._kill_all)
        self._ready.set()

    def _kill_all(self) -> None:
        if self.manager is not None:
            self.manager.kill_all()

    async def shutdown(self, timeout: float = SHUTDOWN_S) -> None:
        """Interrupt and disconnect every session; no CLI process is left after it.

        The manager's shutdown ends with one kill sweep, off the event loop;
        only when it failed or timed out is the sweep run again here.
        """
        manager = self.manager
        if manager is None:
            return
        try:
            await asyncio.wait_for(manager.shutdown(timeout=timeout), timeout + 1.0)
        except (asyncio.TimeoutError, Exception):  # noqa: BLE001 - quitting: the sweep is the net
            log.exception("engine shutdown did not finish")
            await asyncio.to_thread(manager.kill_all)  # the manager's own sweep did not run
        atexit.unregister(self._kill_all)

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run ``work`` in the background, kept referenced until it ends."""
        task = asyncio.get_running_loop().create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    # -- one pane's worker -----------------------------------------------------------------

    async def ensure(self, live: LiveSession) -> SessionWorker | None:
        """The pane's worker, made on first use (None: the engine is not running, or the
        session cannot start; the user was told why)."""
        async with live.starting:
            return await self._start(live)

    async def _start(self, live: LiveSession) -> SessionWorker | None:
        await self._ready.wait()
        manager = self.manager
        if manager is None or self.shut_down:
            return None
        if live.worker is not None and live.session_id in manager.workers:
            return live.worker
        try:
            if live.view.key is None:
                worker = manager.new_session(live.cwd, connect=False, session_id=live.session_id)
            else:
                worker = await manager.open_session(live.view.key[1], project_key=live.view.key[0], cwd=live.cwd, connect=False)
        except Exception as exc:  # noqa: BLE001 - e.g. no recorded cwd; the user sees why
            from ..engine.manager import FolderMissing

            if isinstance(exc, FolderMissing):
                self.host.pick_local_folder(exc.session_cwd, str(exc))
                return None
            self.host.notify(safe_line(str(exc)), title="cannot start the session", severity="error", markup=False)
            return None
        live.worker = worker
        live.session_id = worker.session_id
        live.state = worker.state
        self.sessions.by_sid[worker.session_id] = live
        if live.mode != worker.state.permission_mode:
            try:
                await worker.set_permission_mode(live.mode)
            except (ValueError, RuntimeError) as exc:
                self.host.notify(safe_line(str(exc)), title="permission mode", severity="error", markup=False)
                live.mode = worker.state.permission_mode
        return worker

    def prepare(self, live: LiveSession) -> None:
        """Connect ``live``'s session in the background before its first send (the
        user started typing). Once per pane; a draft stays a draft (it is stored
        when its first prompt goes out)."""
        if live.prepared or live.busy or live.worker is not None or self.shut_down:
            return
        live.prepared = True

        async def connect() -> None:
            worker = await self.ensure(live)
            if worker is None:
                return
            if not self.sessions.is_open(live):
                # The pane closed while the worker was made: do not leave its CLI running.
                self.sessions.by_sid.pop(worker.session_id, None)
                if self.manager is not None and not self.shut_down:
                    await self.manager.close_session(worker.session_id)
                return
            if not live.sent and worker.state.phase.value == "idle":
                worker.connect()

        self.spawn(connect())

    def close(self, live: LiveSession) -> None:
        """``live``'s pane closed: disconnect its worker in the background (the session
        stays in the store; it was saved on the way out, so its row may change)."""
        manager, key, session_id = self.manager, live.view.key, live.session_id
        if manager is None or live.worker is None or session_id is None:
            return

        async def close() -> None:
            await manager.close_session(session_id)
            if key is not None and not self.shut_down:
                await self.host.refresh_session_row(key)

        self.spawn(close())

    async def drop(self, live: LiveSession) -> None:
        """Disconnect ``live``'s worker now and forget it (a draft moves to another folder)."""
        if live.worker is not None and self.manager is not None and live.session_id is not None:
            await self.manager.close_session(live.session_id)
            self.sessions.by_sid.pop(live.session_id, None)
            live.worker = None
            live.session_id = None
            live.state = None


__all__ = ["SHUTDOWN_S", "Workers"]
