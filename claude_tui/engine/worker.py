"""SessionWorker: one live Claude session on one ``ClaudeSDKClient``.

Shape (why it looks like this):

* One asyncio task, the worker loop, owns the client for its whole life:
  connect, query, interrupt, set model and disconnect all happen in it. It
  takes commands from one queue (``commands.py``: ``send``, ``interrupt``,
  ``reconnect``, ``set_model``, ``close`` and the budget's grants and
  evictions) and keeps every state change in one place.
* Per connection, a reader task owned by the worker loop drains
  ``client.receive_messages()`` and turns each SDK message into events at
  once (no hop through the command queue, so an event reaches subscribers
  microseconds after the SDK yields the message). It only *moves* the turn's
  deadlines and *posts* turn ends and process deaths to the worker loop.
  Reading in a child task is safe: the SDK's own reader and stream are plain
  detached tasks and memory streams; consuming them while the loop waits on
  commands would otherwise need cancelling the SDK's generator, which can lose
  a message.
* Timers are deadlines the loop waits on (see ``timeouts.py``).

The rooms, each in its own module:

* ``connection.py``: connect, resume (restoring the transcript from the store
  first), the reader task, the kill watchdog for an overdue connect or
  interrupt, reconnect backoff, giving up, disconnect, teardown.
* ``turn.py``: the running turn: sending, its timers, interrupting, ending it
  into ``TurnCompleted``; applying each SDK message to it.
* ``translate.py``: SDK message -> engine events, pure.
* ``switches.py``: switching the model and the permission mode live.
* ``persist.py``: store writes and the after-turn transcript import, in the
  background (store writes never delay the stream).

This module keeps the loop, the state and the public API.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Settings
from . import processes
from .budget import LiveBudget
from .bus import EventBus, EventStream, Listener
from .commands import (
    Close,
    Connect,
    Evict,
    Interrupt,
    ReaderDone,
    Reconnect,
    Send,
    SetModel,
    SetPermissionMode,
    SlotGranted,
    Tick,
    TurnEnded,
)
from .connection import CLOSE_GRACE_S, ClientFactory, ConnectionMixin, KillWatchdog
from .errors import Failure
from .events import EngineEvent, ErrorOccurred, StateChanged, TurnCompleted
from .armed import ArmedTimersMixin
from .inspection import InspectionMixin
from .sent_marks import SentMarksMixin
from .options import ConnectionConfig, PermissionCallback, SessionSpec, project_key_for
from .persist import Persister
from .state import Phase, SessionState
from .switches import SwitchesMixin
from .timeouts import INTERRUPT_GRACE_S, TimeoutPolicy
from .translate import Translator
from .turn import Turn, TurnCosts, TurnMixin

if TYPE_CHECKING:
    from claude_agent_sdk import ClaudeSDKClient

    from ..store.sqlite import SqliteSessionStore

from .stderr_log import StderrLog

log = logging.getLogger(__name__)

STDERR_LINES = 400


class SessionWorker(ConnectionMixin, TurnMixin, SwitchesMixin, InspectionMixin, SentMarksMixin, ArmedTimersMixin):
    """Runs one session. Create it, ``start()`` it, send commands, subscribe to events.

    Commands return at once (they are queued); ``send`` returns a future that
    resolves to the turn's ``TurnCompleted`` (or ``None`` when the prompt was
    never sent: refused context file, session closed or failed).
    """

    def __init__(
        self,
        spec: SessionSpec,
        settings: Settings,
        *,
        store: SqliteSessionStore | None = None,
        budget: LiveBudget | None = None,
        connection: ConnectionConfig | None = None,
        timeouts: TimeoutPolicy | None = None,
        permission_callback: PermissionCallback | None = None,
        client_factory: ClientFactory | None = None,
        interrupt_grace: float = INTERRUPT_GRACE_S,
        messages: int = 0,
        started_at: float | None = None,
        config_dir: Path | None = None,
    ) -> None:
        self.spec = spec
        self.settings = settings
        self.store = store
        self.budget = budget or LiveBudget(0)
        self.connection = connection or ConnectionConfig(settings.claude)
        self.timeouts = timeouts or TimeoutPolicy.from_settings(settings.timeouts)
        self.permission_callback = permission_callback
        self.client_factory = client_factory
        self.interrupt_grace = interrupt_grace
        self.config_dir = config_dir
        self.bus = EventBus()
        self.log = StderrLog(STDERR_LINES)
        self._crashed_prompt: str | None = None  # the next resume leaves it out if unanswered (crash_resume.py)
        self._drop_answered = False  # … and also when answered in part (a retry asked for it)
        self._in_context: str | None = None  # the last turn's prompt if it did not complete, while the CLI holds it
        self._inbox: asyncio.Queue[Any] = asyncio.Queue()
        self._state = SessionState(
            session_id=spec.session_id,
            project_key=spec.project_key or "",
            cwd=spec.cwd,
            phase=Phase.IDLE,
            started_at=started_at if started_at is not None else time.time(),
            messages=messages,
            model=self.connection.model or settings.claude.model,
            permission_mode=self.connection.permission_mode or settings.claude.permission_mode,
        )
        self._task: asyncio.Task[None] | None = None
        self._client: ClaudeSDKClient | None = None
        self._pid: int | None = None
        self._reader: asyncio.Task[None] | None = None
        self._generation = 0
        self._costs = TurnCosts()
        self._turn: Turn | None = None
        self._pending: deque[Send] = deque()
        self._sent_digests: dict[str, str] = {}
        self._retry_at: float | None = None
        self._attempt = 0
        self._ready_since: float | None = None
        self._last_used = time.monotonic()
        self._want_connect = False
        self._awaiting_slot = False
        self._closing: float | None = None
        self._closed = asyncio.Event()
        self._wanted_model: SetModel | None = None  # waits for the turn's end or a connect
        self._model_waiters: list[asyncio.Future[None]] = []  # superseded set_model calls
        self._resumed_now = False
        self._permission_waits = 0
        self._stored_error = False
        self.translator = Translator(spec.session_id, spec.cwd)
        self.persister = Persister(store, spec.session_id, lambda: self.transcript_path, self._emit)
        self.watchdog = KillWatchdog(lambda: self._pid or self._current_pid(), self.log)

    # -- identity and inspection ----------------------------------------------------

    @property
    def session_id(self) -> str:
        return self.spec.session_id

    @property
    def state(self) -> SessionState:
        return self._state

    @property
    def project_key(self) -> str:
        if not self._state.project_key:
            self._state = replace(self._state, project_key=self.spec.project_key or project_key_for(self.spec.cwd))
        return self._state.project_key

    @property
    def transcript_path(self) -> Path:
        """Where Claude Code keeps this session's transcript (the CLI's config dir)."""
        base = self.config_dir
        if base is None:
            env_dir = self.connection.env.get("CLAUDE_CONFIG_DIR")
            from ..paths import claude_config_dir

            base = Path(env_dir).expanduser() if env_dir else claude_config_dir()
        return base / "projects" / (self.spec.local_key or self.project_key) / f"{self.session_id}.jsonl"

    @property
    def pid(self) -> int | None:
        """The CLI process id while one runs."""
        return self._pid

    @property
    def task(self) -> asyncio.Task[None] | None:
        """The worker loop's task (None before ``start``)."""
        return self._task

    @property
    def last_used(self) -> float:
        return self._last_used

    @property
    def evictable(self) -> bool:
        """Connected and idle: the budget may disconnect it to make room."""
        return (
            self._state.phase is Phase.READY
            and self._turn is None
            and not self._pending
            and self._closing is None
        )

    # -- subscribing -------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        return self.bus.subscribe(listener)

    def events(self) -> EventStream:
        return self.bus.stream()

    # -- commands (any task on the loop) -------------------------------------------------

    def start(self) -> "SessionWorker":
        """Start the worker loop (idempotent)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name=f"session-worker-{self.session_id[:8]}"
            )
        return self

    def connect(self) -> None:
        """Connect in the background (pre-connect when a session is opened)."""
        self._inbox.put_nowait(Connect())

    def send(
        self, prompt: str, files: Iterable[str | os.PathLike[str]] = (), *, retry: bool = False
    ) -> asyncio.Future[TurnCompleted | None]:
        """Queue a prompt with the session's attached files; see the class doc for the future.

        ``retry``: the prompt of the last turn, which failed or was cut short, sent
        again: its first try is left out of what the CLI resumes, so the model
        sees the prompt once (crash_resume.py)."""
        future: asyncio.Future[TurnCompleted | None] = asyncio.get_running_loop().create_future()
        self._last_used = time.monotonic()
        self._inbox.put_nowait(Send(prompt, tuple(str(f) for f in files), future, retry))
        return future

    def interrupt(self) -> None:
        """Interrupt the running turn (or drop prompts still waiting to be sent)."""
        self._inbox.put_nowait(Interrupt())

    def reconnect(self) -> None:
        """Drop the CLI process and connect again (resume), e.g. after ``failed``."""
        self._inbox.put_nowait(Reconnect())

    def set_model(self, model: str | None) -> asyncio.Future[None]:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._inbox.put_nowait(SetModel(model, future))
        return future

    def set_permission_mode(self, mode: str) -> asyncio.Future[None]:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._inbox.put_nowait(SetPermissionMode(mode, future))
        return future

    def set_timeouts(self, overrides: dict[str, Any]) -> None:
        """Per-session timeout overrides (seconds, 0 = off), from the next turn on."""
        self.timeouts = TimeoutPolicy.from_settings(self.settings.timeouts, overrides)

    def close_nowait(self, deadline: float | None = None) -> None:
        loop = asyncio.get_running_loop()
        self._inbox.put_nowait(Close(deadline if deadline is not None else loop.time() + CLOSE_GRACE_S))

    async def close(self, timeout: float = CLOSE_GRACE_S) -> None:
        """Interrupt a running turn, disconnect, save; returns when the worker ended."""
        if self._task is None:
            self._set_phase(Phase.CLOSED)
            return
        loop = asyncio.get_running_loop()
        self.close_nowait(loop.time() + timeout)
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout + 1.0)
        except (asyncio.TimeoutError, asyncio.CancelledError):
            self.kill()
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        try:
            await self.flush(timeout=2.0)
        except TimeoutError:
            log.warning("session %s: saving to the store is still running", self.session_id)

    async def wait_closed(self) -> None:
        await self._closed.wait()

    async def flush(self, timeout: float | None = None) -> None:
        """Wait until store writes and transcript imports scheduled so far are done."""
        await self.persister.flush(timeout)

    @property
    def cli_pid(self) -> int | None:
        """The CLI process id, also while it is still connecting (before ``pid`` is set)."""
        return self._pid if self._pid is not None else self._current_pid()

    def kill(self) -> None:
        """SIGKILL the CLI process now (safety net; the loop then reconnects or ends)."""
        pid = self.cli_pid
        if pid is not None:
            processes.kill(pid)

    # -- budget member --------------------------------------------------------------------

    def slot_granted(self) -> None:
        self._inbox.put_nowait(SlotGranted())

    def evict_requested(self) -> None:
        self._inbox.put_nowait(Evict())

    # -- state and events ----------------------------------------------------------------

    def _emit(self, event: EngineEvent) -> None:
        self.bus.emit(event)

    def _update(self, **changes: Any) -> None:
        state = replace(self._state, **changes)
        if state != self._state:
            self._state = state
            self._emit(StateChanged(self.session_id, state))

    def _set_phase(self, phase: Phase, **changes: Any) -> None:
        if phase is not Phase.RECONNECTING:
            changes.setdefault("attempt", 0)
            changes.setdefault("next_retry_at", None)
        if phase is Phase.READY:
            self._ready_since = asyncio.get_running_loop().time()
        else:
            self._ready_since = None
        self._update(phase=phase, **changes)
        if phase is Phase.READY:
            self.budget.poke()

    def _error(self, failure: Failure, **extra: Any) -> None:
        self._emit(ErrorOccurred(self.session_id, failure.kind, failure.message, failure.retryable, **extra))
        self._update(last_error=failure.message)

    # -- the worker loop -------------------------------------------------------------------

    async def _run(self) -> None:
        try:
            await processes.ensure_sdk()
            _ = self.project_key
            while self._state.phase is not Phase.CLOSED:
                item = await self._next_item()
                try:
                    await self._handle(item)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # noqa: BLE001 - a bug in one command must not end the session
                    log.exception("session worker %s failed on %r", self.session_id, type(item).__name__)
                    self._emit(ErrorOccurred(self.session_id, "internal", f"session worker failed: {exc!r}", True))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - a bug must not leave a CLI running
            log.exception("session worker %s crashed", self.session_id)
            self._emit(ErrorOccurred(self.session_id, "internal", f"session worker failed: {exc!r}", False))
        finally:
            await self._teardown()

    def _next_deadline(self) -> float | None:
        deadlines: list[float] = []
        if self._turn is not None and self._state.phase is Phase.STREAMING:
            d = self._turn.clock.next_deadline()
            if d is not None:
                deadlines.append(d)
        if self._retry_at is not None and not self._awaiting_slot:
            deadlines.append(self._retry_at)
        idle = self.settings.sessions.idle_disconnect
        if idle > 0 and self._ready_since is not None and self.evictable:
            deadlines.append(self._ready_since + idle)
        return min(deadlines) if deadlines else None

    async def _next_item(self) -> Any:
        if not self._inbox.empty():
            return self._inbox.get_nowait()
        deadline = self._next_deadline()
        if deadline is None:
            return await self._inbox.get()
        try:
            async with asyncio.timeout_at(deadline):
                return await self._inbox.get()
        except TimeoutError:
            return Tick()

    async def _handle(self, item: Any) -> None:
        if isinstance(item, Send):
            await self._on_send(item)
        elif isinstance(item, Tick):
            await self._on_tick()
        elif isinstance(item, TurnEnded):
            if item.generation == self._generation:
                await self._on_turn_ended(item.result)
        elif isinstance(item, ReaderDone):
            if item.generation == self._generation and self._client is not None:
                await self._on_process_lost(item.error)
        elif isinstance(item, Interrupt):
            await self._on_interrupt()
        elif isinstance(item, Connect):
            await self._on_connect_request()
        elif isinstance(item, SlotGranted):
            await self._on_slot_granted()
        elif isinstance(item, Evict):
            await self._on_evict()
        elif isinstance(item, Reconnect):
            await self._on_reconnect_request()
        elif isinstance(item, SetModel):
            await self._on_set_model(item)
        elif isinstance(item, SetPermissionMode):
            await self._on_set_permission_mode(item)
        elif isinstance(item, Close):
            await self._on_close(item)

    # -- commands ---------------------------------------------------------------------------

    async def _on_send(self, cmd: Send) -> None:
        self._last_used = time.monotonic()
        if self._closing is not None or self._state.phase is Phase.CLOSED:
            cmd.future.set_result(None)
            return
        if cmd.retry and not self._pending and self._turn is None:
            await self._forget_last_try(cmd.prompt)
        self._pending.append(cmd)
        self._update(pending=len(self._pending))
        await self._drain_pending()

    async def _drain_pending(self) -> None:
        while self._pending and self._closing is None:
            phase = self._state.phase
            if phase is Phase.READY and self._turn is None:
                cmd = self._pending.popleft()
                self._update(pending=len(self._pending))
                if await self._start_turn(cmd):
                    return
                continue
            if phase in (Phase.IDLE, Phase.FAILED, Phase.QUEUED):
                if phase is Phase.FAILED:
                    self._attempt = 0
                await self._begin_connect(urgent=True)
            elif phase is Phase.RECONNECTING and self._awaiting_slot:
                self.budget.request(self, urgent=True)
            return

    async def _on_interrupt(self) -> None:
        if self._turn is not None and self._state.phase is Phase.STREAMING:
            await self._interrupt("interrupted")
        elif self._turn is None and self._pending:
            self._drop_pending()

    def _drop_pending(self) -> None:
        while self._pending:
            cmd = self._pending.popleft()
            if not cmd.future.done():
                cmd.future.set_result(None)
        if self._awaiting_slot and self._state.phase is Phase.QUEUED:
            self._awaiting_slot = False
            self.budget.cancel(self)
            self._set_phase(Phase.IDLE, pending=0)
        else:
            self._update(pending=0)

    async def _on_close(self, cmd: Close) -> None:
        self._closing = cmd.deadline if self._closing is None else min(self._closing, cmd.deadline)
        if self._awaiting_slot:
            self._awaiting_slot = False
            self.budget.cancel(self)
        if self._turn is not None and self._state.phase is Phase.STREAMING:
            await self._interrupt("cancelled")
            return  # the turn's end (or the kill) finishes the close
        if self._turn is not None:
            # Already interrupting: the kill must come no later than the close deadline.
            when = self._closing - 0.5
            due = self.watchdog.due
            if due is None or due > when:
                self.watchdog.arm(max(when, asyncio.get_running_loop().time()), ("interrupt", self.interrupt_grace))
            return
        await self._finish_close()

    async def _finish_close(self) -> None:
        self._drop_pending_for_close()
        if self._client is not None:
            await self._disconnect(deadline=self._closing)
            self.persister.schedule()
        self._set_phase(Phase.CLOSED)

    def _drop_pending_for_close(self) -> None:
        while self._pending:
            cmd = self._pending.popleft()
            if not cmd.future.done():
                cmd.future.set_result(None)

    async def _on_tick(self) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        if self._turn is not None and self._state.phase is Phase.STREAMING:
            name = self._turn.clock.expired(now)
            if name is not None:
                await self._on_timeout(name)
                return
        if self._retry_at is not None and now >= self._retry_at and not self._awaiting_slot:
            self._retry_at = None
            await self._begin_connect(urgent=bool(self._pending))
            return
        idle = self.settings.sessions.idle_disconnect
        if idle > 0 and self._ready_since is not None and self.evictable and now >= self._ready_since + idle:
            await self._disconnect()
            self._set_phase(Phase.IDLE)


def new_session_id() -> str:
    """A fresh session id, chosen by claude-tui so it is known before the CLI starts."""
    return str(uuid.uuid4())


__all__: Sequence[str] = ("SessionWorker", "ClientFactory", "new_session_id")
