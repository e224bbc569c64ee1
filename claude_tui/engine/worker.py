"""SessionWorker: one live Claude session on one ``ClaudeSDKClient``.

Shape (why it looks like this):

* One asyncio task, the worker loop, owns the client for its whole life:
  connect, query, interrupt, set model and disconnect all happen in it. It
  takes commands from one queue (``send``, ``interrupt``, ``reconnect``,
  ``set_model``, ``close`` and the budget's grants and evictions) and keeps
  every state change in one place.
* Per connection, a reader task owned by the worker loop drains
  ``client.receive_messages()`` and turns each SDK message into events at
  once (no hop through the command queue, so an event reaches subscribers
  microseconds after the SDK yields the message). It only *moves* the turn's
  deadlines and *posts* turn ends and process deaths to the worker loop.
  Reading in a child task is safe: the SDK's own reader and stream are plain
  detached tasks and memory streams; consuming them while the loop waits on
  commands would otherwise need cancelling the SDK's generator, which can lose
  a message.
* Timers are deadlines the loop waits on (see ``timeouts.py``). Two things
  must happen even while the loop is inside an SDK call: killing a CLI whose
  connect or interrupt is overdue. Those are ``loop.call_at`` callbacks that
  SIGKILL the process, which makes the pending SDK call fail at once.
* Persistence: after every turn, reconnect and close the worker runs the
  store's incremental importer on the session's local transcript (in a
  background task: store writes never delay the stream). Before resuming, a
  missing local transcript is restored from the store.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Settings
from . import processes
from .budget import LiveBudget
from .bus import EventBus, EventStream, Listener
from .context import ContextFileError, prepare_prompt
from .errors import Failure, api_failure, classify
from .events import (
    ApiRetry,
    AssistantMessageComplete,
    Block,
    EngineEvent,
    ErrorOccurred,
    PromptSent,
    SessionSaved,
    SessionStarted,
    StateChanged,
    TextDelta,
    ThinkingDelta,
    ToolInputDelta,
    ToolResult,
    ToolUseInput,
    ToolUseStarted,
    TurnCompleted,
    TurnOutcome,
)
from ..transcript import tool_result_text
from .options import ConnectionConfig, PermissionCallback, SessionSpec, build_options, project_key_for
from .state import Phase, SessionState
from .timeouts import INTERRUPT_GRACE_S, TimeoutPolicy, TurnClock, describe_timeout

if TYPE_CHECKING:
    from claude_agent_sdk import ClaudeAgentOptions, ClaudeSDKClient

    from ..store.sqlite import SqliteSessionStore

log = logging.getLogger(__name__)

ClientFactory = Callable[["ClaudeAgentOptions"], "ClaudeSDKClient"]

STDERR_LINES = 400
CLOSE_GRACE_S = 5.0


# -- commands (into the worker loop) ---------------------------------------------


@dataclass
class _Send:
    prompt: str
    files: tuple[str, ...]
    future: asyncio.Future[TurnCompleted | None]


@dataclass
class _Interrupt:
    pass


@dataclass
class _Reconnect:
    pass


@dataclass
class _Connect:
    pass


@dataclass
class _SetModel:
    model: str | None
    future: asyncio.Future[None]


@dataclass
class _SetPermissionMode:
    mode: str
    future: asyncio.Future[None]


@dataclass
class _Close:
    deadline: float  # loop time


@dataclass
class _SlotGranted:
    pass


@dataclass
class _Evict:
    pass


@dataclass
class _TurnEnded:
    generation: int
    result: Any  # ResultMessage


@dataclass
class _ReaderDone:
    generation: int
    error: BaseException | None


@dataclass
class _Tick:
    pass


# -- one running turn --------------------------------------------------------------


@dataclass
class _Turn:
    clock: TurnClock
    future: asyncio.Future[TurnCompleted | None] | None
    started: float  # loop time
    outcome: TurnOutcome | None = None  # set when the worker ends it (interrupt, timeout)
    parts: list[str] = field(default_factory=list)  # assistant text so far
    streamed: set[str] = field(default_factory=set)  # message ids that came with stream events
    message_id: str | None = None
    tools: dict[int, str] = field(default_factory=dict)  # content block index -> tool_use id
    seen_messages: set[str] = field(default_factory=set)


def _block_of(block: Any) -> Block | None:
    kind = type(block).__name__
    if kind == "TextBlock":
        return Block("text", text=block.text)
    if kind == "ThinkingBlock":
        return Block("thinking", text=block.thinking)
    if kind in ("ToolUseBlock", "ServerToolUseBlock"):
        return Block("tool_use", tool_use_id=block.id, name=block.name, input=dict(block.input or {}))
    return None


async def _one(message: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
    yield message


class SessionWorker:
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
        self.log: deque[str] = deque(maxlen=STDERR_LINES)
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
        self._turn: _Turn | None = None
        self._pending: deque[_Send] = deque()
        self._sent_digests: dict[str, str] = {}
        self._kill_timer: asyncio.TimerHandle | None = None
        self._kill_reason: tuple[str, float] | None = None
        self._retry_at: float | None = None
        self._attempt = 0
        self._ready_since: float | None = None
        self._last_used = time.monotonic()
        self._want_connect = False
        self._awaiting_slot = False
        self._closing: float | None = None
        self._closed = asyncio.Event()
        self._persist_task: asyncio.Task[None] | None = None
        self._persist_again = False
        self._model_dirty = False
        self._resumed_now = False
        self._permission_waits = 0
        self._stored_error = False
        self._store_tasks: set[asyncio.Task[Any]] = set()

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
        return base / "projects" / self.project_key / f"{self.session_id}.jsonl"

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
        self._inbox.put_nowait(_Connect())

    def send(self, prompt: str, files: Iterable[str | os.PathLike[str]] = ()) -> asyncio.Future[TurnCompleted | None]:
        """Queue a prompt with the session's attached files; see the class doc for the future."""
        future: asyncio.Future[TurnCompleted | None] = asyncio.get_running_loop().create_future()
        self._last_used = time.monotonic()
        self._inbox.put_nowait(_Send(prompt, tuple(str(f) for f in files), future))
        return future

    def interrupt(self) -> None:
        """Interrupt the running turn (or drop prompts still waiting to be sent)."""
        self._inbox.put_nowait(_Interrupt())

    def reconnect(self) -> None:
        """Drop the CLI process and connect again (resume), e.g. after ``failed``."""
        self._inbox.put_nowait(_Reconnect())

    def set_model(self, model: str | None) -> asyncio.Future[None]:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._inbox.put_nowait(_SetModel(model, future))
        return future

    def set_permission_mode(self, mode: str) -> asyncio.Future[None]:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._inbox.put_nowait(_SetPermissionMode(mode, future))
        return future

    def set_timeouts(self, overrides: dict[str, Any]) -> None:
        """Per-session timeout overrides (seconds, 0 = off), from the next turn on."""
        self.timeouts = TimeoutPolicy.from_settings(self.settings.timeouts, overrides)

    def close_nowait(self, deadline: float | None = None) -> None:
        loop = asyncio.get_running_loop()
        self._inbox.put_nowait(_Close(deadline if deadline is not None else loop.time() + CLOSE_GRACE_S))

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
        async with asyncio.timeout(timeout):
            if self._store_tasks:
                await asyncio.wait(list(self._store_tasks))
            while self._persist_task is not None and not self._persist_task.done():
                await asyncio.shield(self._persist_task)

    def kill(self) -> None:
        """SIGKILL the CLI process now (safety net; the loop then reconnects or ends)."""
        if self._pid is not None:
            processes.kill(self._pid)
        else:
            pid = self._current_pid()
            if pid is not None:
                processes.kill(pid)

    # -- budget member --------------------------------------------------------------------

    def slot_granted(self) -> None:
        self._inbox.put_nowait(_SlotGranted())

    def evict_requested(self) -> None:
        self._inbox.put_nowait(_Evict())

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
            return _Tick()

    async def _handle(self, item: Any) -> None:
        if isinstance(item, _Send):
            await self._on_send(item)
        elif isinstance(item, _Tick):
            await self._on_tick()
        elif isinstance(item, _TurnEnded):
            if item.generation == self._generation:
                await self._on_turn_ended(item.result)
        elif isinstance(item, _ReaderDone):
            if item.generation == self._generation and self._client is not None:
                await self._on_process_lost(item.error)
        elif isinstance(item, _Interrupt):
            await self._on_interrupt()
        elif isinstance(item, _Connect):
            await self._on_connect_request()
        elif isinstance(item, _SlotGranted):
            await self._on_slot_granted()
        elif isinstance(item, _Evict):
            await self._on_evict()
        elif isinstance(item, _Reconnect):
            await self._on_reconnect_request()
        elif isinstance(item, _SetModel):
            await self._on_set_model(item)
        elif isinstance(item, _SetPermissionMode):
            await self._on_set_permission_mode(item)
        elif isinstance(item, _Close):
            await self._on_close(item)

    # -- commands ---------------------------------------------------------------------------

    async def _on_send(self, cmd: _Send) -> None:
        self._last_used = time.monotonic()
        if self._closing is not None or self._state.phase is Phase.CLOSED:
            cmd.future.set_result(None)
            return
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

    async def _on_connect_request(self) -> None:
        if self._closing is not None:
            return
        if self._state.phase in (Phase.IDLE, Phase.FAILED):
            self._want_connect = True
            if self._state.phase is Phase.FAILED:
                self._attempt = 0
            await self._begin_connect(urgent=False)

    async def _on_reconnect_request(self) -> None:
        if self._closing is not None:
            return
        if self._turn is not None:
            self._emit(ErrorOccurred(self.session_id, "busy", "a turn is running; interrupt it before reconnecting", True))
            return
        if self._client is not None:
            await self._disconnect()
        self._attempt = 0
        self._retry_at = None
        self._want_connect = True
        await self._begin_connect(urgent=True)

    async def _on_set_model(self, cmd: _SetModel) -> None:
        self.connection.model = cmd.model
        self._update(model=cmd.model or self.settings.claude.model)
        if self._client is not None and self._turn is None:
            try:
                await self._client.set_model(cmd.model)
            except Exception as exc:  # noqa: BLE001 - applied on the next connect anyway
                self._model_dirty = True
                log.debug("set_model failed: %s", exc)
        elif self._client is not None:
            self._model_dirty = True
        if not cmd.future.done():
            cmd.future.set_result(None)

    async def _on_set_permission_mode(self, cmd: _SetPermissionMode) -> None:
        """Switch live; a mode the CLI refuses fails the future with a message
        that says what to do, and the previous mode stays in force."""
        from ..config import PERMISSION_MODES

        error: Exception | None = None
        if cmd.mode not in PERMISSION_MODES:
            error = ValueError(f"unknown permission mode {cmd.mode!r}; one of {', '.join(PERMISSION_MODES)}")
        elif cmd.mode == "bypassPermissions" and not self.settings.claude.allow_bypass:
            error = ValueError(
                "bypassPermissions needs `allow_bypass = true` under [claude] in the config"
                " (the CLI must be started allowing it)"
            )
        elif self._client is not None:
            try:
                await self._client.set_permission_mode(cmd.mode)  # type: ignore[arg-type]
            except Exception as exc:  # noqa: BLE001 - reported to the caller
                error = RuntimeError(f"the CLI refused permission mode {cmd.mode}: {exc}")
        if error is None:
            self.connection.permission_mode = cmd.mode
            self._update(permission_mode=cmd.mode)
        if not cmd.future.done():
            if error is None:
                cmd.future.set_result(None)
            else:
                cmd.future.set_exception(error)

    async def _on_close(self, cmd: _Close) -> None:
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
            if self._kill_timer is None or self._kill_timer.when() > when:
                self._arm_kill(max(when, asyncio.get_running_loop().time()), ("interrupt", self.interrupt_grace))
            return
        await self._finish_close()

    async def _finish_close(self) -> None:
        self._drop_pending_for_close()
        if self._client is not None:
            await self._disconnect(deadline=self._closing)
            self._schedule_persist()
        self._set_phase(Phase.CLOSED)

    def _drop_pending_for_close(self) -> None:
        while self._pending:
            cmd = self._pending.popleft()
            if not cmd.future.done():
                cmd.future.set_result(None)

    async def _on_evict(self) -> None:
        if not self.evictable:
            self.budget.declined(self)
            return
        await self._disconnect()
        self._set_phase(Phase.IDLE)

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

    # -- connecting ------------------------------------------------------------------------

    async def _begin_connect(self, *, urgent: bool) -> None:
        """Take a live slot (maybe waiting in line) and connect."""
        if self._client is not None or self._closing is not None:
            return
        if self.budget.request(self, urgent=urgent):
            self._awaiting_slot = False
            await self._connect_attempt()
            return
        self._awaiting_slot = True
        if self._state.phase is not Phase.RECONNECTING:
            self._set_phase(Phase.QUEUED if urgent or self._pending else Phase.IDLE)

    async def _on_slot_granted(self) -> None:
        if self._client is not None or not self.budget.holds(self):
            return  # connected already on this grant, or a stale grant already given back
        self._awaiting_slot = False
        needed = self._pending or self._want_connect or self._state.phase is Phase.RECONNECTING
        if self._closing is not None or not needed:
            self._release_slot()
            if self._state.phase is Phase.QUEUED:
                self._set_phase(Phase.IDLE)
            return
        await self._connect_attempt()

    async def _connect_attempt(self) -> None:
        """Connect once; on failure schedule the next attempt or fail for good."""
        attempt = self._attempt
        changes: dict[str, Any] = {}
        if attempt:
            changes = {"attempt": attempt, "max_attempts": self.settings.reconnect.max_attempts, "next_retry_at": None}
            self._update(phase=Phase.CONNECTING, **changes)
        else:
            self._set_phase(Phase.CONNECTING)
        try:
            await self._connect()
        except asyncio.CancelledError:
            raise
        except BaseException as exc:  # noqa: BLE001 - every failure is classified below
            self._release_slot()
            failure = classify(
                exc,
                self.log,
                session_id=self.session_id,
                cwd=self.spec.cwd,
                cli_path=self.settings.claude.cli_path,
            )
            if self._kill_reason and self._kill_reason[0] == "connect":
                seconds = self._kill_reason[1]
                self._kill_reason = None
                failure = Failure("timeout", describe_timeout("connect", seconds), True)
                self._error(failure, timeout="connect", seconds=seconds)
            else:
                self._error(failure)
            if self._closing is not None:
                await self._finish_close()
            elif failure.retryable:
                self._schedule_retry(attempt + 1, failure)
            else:
                self._give_up(failure)
            return
        self._want_connect = False
        self._attempt = 0
        self._set_phase(Phase.READY, last_error=None)
        if self._stored_error and self.store is not None:
            self._stored_error = False
            self._spawn_store(self.store.update_session(self.project_key, self.session_id, last_error=None))
        if attempt or self._resumed_now:
            self._schedule_persist()
        if self._closing is not None:
            await self._finish_close()
            return
        await self._drain_pending()

    async def _connect(self) -> None:
        from claude_agent_sdk import ClaudeSDKClient

        resume = await self._resume_or_new()
        can_use_tool = self._can_use_tool if self.permission_callback is not None else None
        options = build_options(
            self.connection, self.spec, resume=resume, stderr=self._on_stderr, can_use_tool=can_use_tool
        )
        client = self.client_factory(options) if self.client_factory else ClaudeSDKClient(options)
        self._client = client
        self._resumed_now = resume
        loop = asyncio.get_running_loop()
        limit = self.timeouts.connect
        if self._closing is not None:
            limit = min(limit, max(0.1, self._closing - loop.time())) if limit else max(0.1, self._closing - loop.time())
        if limit > 0:
            self._arm_kill(loop.time() + limit, ("connect", limit))
        try:
            if limit > 0:
                # Backstop only: the kill above normally ends a hung connect first.
                async with asyncio.timeout(limit + 5.0):
                    await client.connect()
            else:
                await client.connect()
        except BaseException:
            self._disarm_kill()
            pid = self._current_pid()
            if pid is not None:
                processes.kill(pid)
            self._client = None
            self._pid = None
            raise
        self._disarm_kill()
        self._kill_reason = None
        self._pid = self._current_pid()
        if self._pid is not None:
            processes.remember(self._pid)
        self._generation += 1
        self._reader = loop.create_task(self._read(client, self._generation), name=f"session-reader-{self.session_id[:8]}")
        if self._model_dirty:
            self._model_dirty = False

    async def _resume_or_new(self) -> bool:
        """Resume when Claude Code has (or we can restore) a transcript; else start new."""
        path = self.transcript_path
        if await asyncio.to_thread(path.is_file):
            return True
        if self.store is not None:
            from ..store.restore import restore_transcript

            try:
                if await restore_transcript(self.store, self.project_key, self.session_id, path):
                    self.log.append(f"[claude-tui] restored {path} from the store")
                    return True
            except Exception as exc:  # noqa: BLE001 - resume then reports what is missing
                self.log.append(f"[claude-tui] could not restore {path}: {exc}")
        return self.spec.resume

    def _current_pid(self) -> int | None:
        client = self._client
        transport = getattr(client, "_transport", None) if client is not None else None
        proc = getattr(transport, "_process", None)
        pid = getattr(proc, "pid", None)
        return pid if isinstance(pid, int) else None

    def _arm_kill(self, when: float, reason: tuple[str, float]) -> None:
        self._disarm_kill()
        self._kill_timer = asyncio.get_running_loop().call_at(when, self._kill_overdue, reason)

    def _disarm_kill(self) -> None:
        if self._kill_timer is not None:
            self._kill_timer.cancel()
            self._kill_timer = None

    def _kill_overdue(self, reason: tuple[str, float]) -> None:
        """Timer callback: the connect or interrupt took too long; kill the CLI."""
        self._kill_timer = None
        self._kill_reason = reason
        pid = self._pid or self._current_pid()
        self.log.append(f"[claude-tui] {reason[0]} overdue after {reason[1]:g} s; killing CLI pid {pid}")
        if pid is not None:
            processes.kill(pid)

    def _release_slot(self) -> None:
        if self.budget.holds(self):
            self.budget.release(self)

    def _schedule_retry(self, attempt: int, failure: Failure) -> None:
        conf = self.settings.reconnect
        if attempt > conf.max_attempts:
            tries = f"after {conf.max_attempts} reconnect attempts" if conf.max_attempts else "(reconnecting is off)"
            self._give_up(Failure(failure.kind, f"gave up {tries}: {failure.message}", False))
            return
        delay = min(conf.backoff_max, conf.backoff_initial * (2 ** (attempt - 1)))
        delay *= random.uniform(0.8, 1.2)  # jitter: sessions that died together do not retry together
        self._attempt = attempt
        self._retry_at = asyncio.get_running_loop().time() + delay
        self._update(
            phase=Phase.RECONNECTING,
            attempt=attempt,
            max_attempts=conf.max_attempts,
            next_retry_at=time.time() + delay,
        )
        self._ready_since = None

    def _give_up(self, failure: Failure) -> None:
        self._retry_at = None
        self._attempt = 0
        self._want_connect = False
        if self._awaiting_slot:
            self._awaiting_slot = False
            self.budget.cancel(self)
        for cmd in list(self._pending):
            if not cmd.future.done():
                cmd.future.set_result(None)
        self._pending.clear()
        self._set_phase(Phase.FAILED, last_error=failure.message, pending=0)
        if self.store is not None:
            self._stored_error = True
            self._spawn_store(self.store.update_session(self.project_key, self.session_id, last_error=failure.message))

    async def _disconnect(self, deadline: float | None = None) -> None:
        """Stop the CLI (gracefully, bounded by ``deadline``) and free the slot."""
        client, self._client = self._client, None
        self._generation += 1
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)
        if client is not None:
            loop = asyncio.get_running_loop()
            limit = CLOSE_GRACE_S if deadline is None else max(0.05, deadline - loop.time())
            pid = self._pid
            timer = loop.call_later(limit, processes.kill, pid) if pid is not None else None
            try:
                async with asyncio.timeout(limit + 2.0):
                    await client.disconnect()
            except BaseException as exc:  # noqa: BLE001 - the process is killed below anyway
                if isinstance(exc, asyncio.CancelledError):
                    if pid is not None:
                        processes.kill(pid)
                    raise
                log.debug("disconnect failed: %r", exc)
            finally:
                if timer is not None:
                    timer.cancel()
            if pid is not None and processes.alive(pid):
                processes.kill(pid)
        if self._pid is not None:
            processes.forget(self._pid)
        self._pid = None
        self._release_slot()

    async def _teardown(self) -> None:
        """Whatever happened, leave no process and no slot behind."""
        self._disarm_kill()
        pid = self._pid or self._current_pid()
        if self._client is not None:
            try:
                await asyncio.wait_for(self._disconnect(deadline=asyncio.get_running_loop().time() + 1.0), 3.0)
            except BaseException:  # noqa: BLE001 - kill below
                pass
        if pid is not None:
            processes.kill(pid)
            processes.forget(pid)
        self._pid = None
        self._release_slot()
        if self._awaiting_slot:
            self.budget.cancel(self)
        turn, self._turn = self._turn, None
        if turn is not None:
            self._finish_turn_event(turn, outcome="cancelled")
        self._drop_pending_for_close()
        if self._state.phase is not Phase.CLOSED:
            self._update(phase=Phase.CLOSED, pending=0)
        self._closed.set()

    # -- turns -----------------------------------------------------------------------------

    async def _start_turn(self, cmd: _Send) -> bool:
        """Build the prompt (all files or nothing) and send it; True once the turn runs."""
        try:
            prepared = await asyncio.to_thread(
                prepare_prompt,
                cmd.prompt,
                cmd.files,
                cwd=self.spec.cwd,
                max_bytes=self.settings.context.max_file_bytes,
                sent=dict(self._sent_digests),
            )
        except ContextFileError as exc:
            self._emit(ErrorOccurred(self.session_id, "context_file", exc.message, False, path=exc.path))
            cmd.future.set_result(None)
            return False
        client = self._client
        if client is None or self._state.phase is not Phase.READY:
            self._pending.appendleft(cmd)
            self._update(pending=len(self._pending))
            return True
        loop = asyncio.get_running_loop()
        turn = _Turn(TurnClock(self.timeouts, loop.time()), cmd.future, loop.time())
        self._turn = turn
        self._last_used = time.monotonic()
        self._set_phase(Phase.STREAMING)
        try:
            if prepared.has_files:
                await client.query(_one(prepared.user_message()))
            else:
                await client.query(cmd.prompt)
        except Exception as exc:  # noqa: BLE001 - the CLI is gone; the reader reports it
            # Not delivered, so not a lost turn: keep it first in line for after the reconnect.
            log.debug("query failed: %r", exc)
            self._turn = None
            self._pending.appendleft(cmd)
            self._update(phase=Phase.READY, pending=len(self._pending))
            if self._reader is None or self._reader.done():
                await self._on_process_lost(exc)
            return True
        self._sent_digests.update(prepared.digests())
        self._emit(PromptSent(self.session_id, cmd.prompt, tuple(f.display for f in prepared.files)))
        self._update(messages=self._state.messages + 1)
        return True

    async def _interrupt(self, outcome: TurnOutcome) -> None:
        turn = self._turn
        client = self._client
        if turn is None or client is None:
            return
        if turn.outcome is None:
            turn.outcome = outcome
        self._set_phase(Phase.INTERRUPTING)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.interrupt_grace
        if self._closing is not None:
            deadline = min(deadline, self._closing - 0.5)
        self._arm_kill(max(deadline, loop.time() + 0.05), ("interrupt", self.interrupt_grace))
        try:
            await client.interrupt()
        except Exception as exc:  # noqa: BLE001 - a dead or killed CLI: the reader reports it
            log.debug("interrupt failed: %r", exc)

    async def _on_timeout(self, name: str) -> None:
        turn = self._turn
        if turn is None:
            return
        seconds = turn.clock.seconds_of(name)
        self._error(Failure("timeout", describe_timeout(name, seconds), True), timeout=name, seconds=seconds)
        await self._interrupt("stalled" if name == "stall" else "timed_out")

    def _finish_turn_event(self, turn: _Turn, outcome: TurnOutcome, result: Any = None) -> TurnCompleted:
        loop = asyncio.get_running_loop()
        usage = (getattr(result, "usage", None) or {}) if result is not None else {}
        event = TurnCompleted(
            self.session_id,
            outcome=outcome,
            duration_s=(result.duration_ms / 1000.0) if result is not None and result.duration_ms else loop.time() - turn.started,
            input_tokens=usage.get("input_tokens"),
            output_tokens=usage.get("output_tokens"),
            cost_usd=getattr(result, "total_cost_usd", None),
            stop_reason=getattr(result, "stop_reason", None),
            is_error=bool(getattr(result, "is_error", outcome not in ("completed",))),
            partial_text="".join(turn.parts),
            result_text=getattr(result, "result", None),
            api_error_status=getattr(result, "api_error_status", None),
        )
        self._emit(event)
        if turn.future is not None and not turn.future.done():
            turn.future.set_result(event)
        return event

    async def _on_turn_ended(self, result: Any) -> None:
        turn, self._turn = self._turn, None
        self._disarm_kill()
        self._kill_reason = None
        if turn is None:
            turn = _Turn(TurnClock(self.timeouts, asyncio.get_running_loop().time()), None, asyncio.get_running_loop().time())
        outcome: TurnOutcome
        aborted = str(getattr(result, "terminal_reason", "") or "").startswith("aborted")
        if turn.outcome is not None:
            outcome = turn.outcome
        elif aborted:
            outcome = "interrupted"
        elif result.is_error:
            outcome = "error"
        else:
            outcome = "completed"
        self._finish_turn_event(turn, outcome, result)
        self._last_used = time.monotonic()
        self._schedule_persist()
        if self._closing is not None:
            await self._finish_close()
            return
        failure = api_failure(result.api_error_status, result.result) if outcome == "error" else None
        if failure is not None:
            self._error(failure)
        if failure is not None and not failure.retryable:
            await self._disconnect()
            self._give_up(failure)
            return
        self._set_phase(Phase.READY)
        if self._model_dirty and self._client is not None:
            self._model_dirty = False
            try:
                await self._client.set_model(self.connection.model)
            except Exception as exc:  # noqa: BLE001
                log.debug("set_model failed: %r", exc)
        await self._drain_pending()

    async def _on_process_lost(self, error: BaseException | None) -> None:
        """The CLI died (or was killed): report the turn, reconnect with backoff."""
        self._disarm_kill()
        turn, self._turn = self._turn, None
        kill_reason, self._kill_reason = self._kill_reason, None
        if kill_reason is not None and kill_reason[0] == "interrupt":
            seconds = kill_reason[1]
            self._error(
                Failure("timeout", describe_timeout("interrupt", seconds), True), timeout="interrupt", seconds=seconds
            )
        if turn is not None:
            self._finish_turn_event(turn, turn.outcome or "crashed")
        stderr = list(self.log)
        await self._disconnect()
        self._schedule_persist()
        if self._closing is not None:
            await self._finish_close()
            return
        failure = classify(error, stderr, session_id=self.session_id, cwd=self.spec.cwd, cli_path=self.settings.claude.cli_path)
        if kill_reason is None:
            self._error(failure)
        if failure.retryable:
            self._schedule_retry(1, failure)
        else:
            self._give_up(failure)

    # -- the reader (runs in its own task, emits events directly) ---------------------------

    async def _read(self, client: ClaudeSDKClient, generation: int) -> None:
        error: BaseException | None = None
        try:
            async for message in client.receive_messages():
                if generation != self._generation:
                    return
                try:
                    self._on_message(message, generation)
                except Exception:  # noqa: BLE001 - a parsing bug must not stop the stream
                    log.exception("failed to handle %r", type(message).__name__)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - ProcessError, CLIConnectionError, ...
            error = exc
        if generation == self._generation:
            self._inbox.put_nowait(_ReaderDone(generation, error))

    def _wake(self) -> None:
        """Make the worker loop look at its deadlines again (one got earlier)."""
        self._inbox.put_nowait(_Tick())

    def _ensure_turn(self) -> _Turn:
        """A turn the CLI started on its own (e.g. a background task woke it)."""
        turn = self._turn
        if turn is None:
            loop = asyncio.get_running_loop()
            turn = _Turn(TurnClock(self.timeouts, loop.time()), None, loop.time())
            self._turn = turn
            if self._state.phase is Phase.READY:
                self._set_phase(Phase.STREAMING)
        return turn

    def _on_message(self, message: Any, generation: int) -> None:
        kind = type(message).__name__
        if kind == "StreamEvent":
            self._on_stream_event(message)
        elif kind == "AssistantMessage":
            self._on_assistant(message)
        elif kind == "UserMessage":
            self._on_user(message)
        elif kind == "ResultMessage":
            self._inbox.put_nowait(_TurnEnded(generation, message))
        elif hasattr(message, "subtype") and hasattr(message, "data"):
            self._on_system(message)

    def _on_stream_event(self, message: Any) -> None:
        event = message.event
        etype = event.get("type")
        turn = self._ensure_turn()
        turn.clock.on_stream_event(etype, asyncio.get_running_loop().time())
        if message.parent_tool_use_id is not None:
            return  # a subagent's stream: its finished messages are reported instead
        sid = self.session_id
        if etype == "content_block_delta":
            delta = event.get("delta") or {}
            dtype = delta.get("type")
            index = event.get("index", 0)
            if dtype == "text_delta":
                text = delta.get("text", "")
                turn.parts.append(text)
                self.bus.emit(TextDelta(sid, text, turn.message_id, index))
            elif dtype == "thinking_delta":
                self.bus.emit(ThinkingDelta(sid, delta.get("thinking", ""), turn.message_id, index))
            elif dtype == "input_json_delta":
                tool_id = turn.tools.get(index)
                if tool_id is not None:
                    self.bus.emit(ToolInputDelta(sid, tool_id, delta.get("partial_json", "")))
        elif etype == "content_block_start":
            block = event.get("content_block") or {}
            if block.get("type") in ("tool_use", "server_tool_use"):
                index = event.get("index", 0)
                turn.tools[index] = block.get("id", "")
                self.bus.emit(ToolUseStarted(sid, block.get("id", ""), block.get("name", ""), turn.message_id, index))
        elif etype == "message_start":
            mid = (event.get("message") or {}).get("id")
            turn.message_id = mid
            turn.tools = {}
            if mid:
                turn.streamed.add(mid)
            self._wake()  # the stall timer just started: the loop must wait for it

    def _on_assistant(self, message: Any) -> None:
        turn = self._ensure_turn()
        turn.clock.on_assistant_message(asyncio.get_running_loop().time())
        sid = self.session_id
        mid = message.message_id
        blocks = tuple(b for b in (_block_of(x) for x in message.content) if b is not None)
        top = message.parent_tool_use_id is None
        if top and (mid is None or mid not in turn.streamed):
            # No stream events for this message (the CLI's non-streaming fallback,
            # or a synthetic error message): replay its text as deltas.
            for block in blocks:
                if block.kind == "text" and block.text:
                    turn.parts.append(block.text)
                    self.bus.emit(TextDelta(sid, block.text, mid, 0, synthetic=True))
                elif block.kind == "thinking" and block.text:
                    self.bus.emit(ThinkingDelta(sid, block.text, mid, 0, synthetic=True))
                elif block.kind == "tool_use" and block.tool_use_id:
                    self.bus.emit(ToolUseStarted(sid, block.tool_use_id, block.name or "", mid, 0))
        for block in blocks:
            if block.kind == "tool_use" and block.tool_use_id:
                self.bus.emit(ToolUseInput(sid, block.tool_use_id, block.name or "", block.input or {}))
        self.bus.emit(
            AssistantMessageComplete(
                sid,
                mid,
                blocks,
                model=message.model,
                error=message.error,
                parent_tool_use_id=message.parent_tool_use_id,
            )
        )
        if top and mid and mid not in turn.seen_messages:
            turn.seen_messages.add(mid)
            self._update(messages=self._state.messages + 1)

    def _on_user(self, message: Any) -> None:
        content = message.content
        if isinstance(content, str):
            return
        for block in content:
            if type(block).__name__ == "ToolResultBlock":
                self.bus.emit(
                    ToolResult(self.session_id, block.tool_use_id, tool_result_text(block.content), bool(block.is_error))
                )

    def _on_system(self, message: Any) -> None:
        subtype = message.subtype
        data = message.data or {}
        if subtype == "api_retry":
            if self._turn is not None:
                self._turn.clock.on_api_retry(asyncio.get_running_loop().time())
                self._wake()
            delay_ms = data.get("retry_delay_ms") or 0
            self.bus.emit(
                ApiRetry(
                    self.session_id,
                    attempt=int(data.get("attempt") or 0),
                    max_retries=int(data.get("max_retries") or 0),
                    delay_s=float(delay_ms) / 1000.0,
                    status=data.get("error_status"),
                    error=data.get("error"),
                )
            )
        elif subtype == "init":
            model = data.get("model")
            self.bus.emit(
                SessionStarted(
                    self.session_id,
                    cwd=str(data.get("cwd") or self.spec.cwd),
                    model=model,
                    claude_code_version=data.get("claude_code_version"),
                    resumed=self._resumed_now,
                )
            )
            if not self._resumed_now and self.store is not None:
                self._spawn_store(self.store.ensure_session(self.project_key, self.session_id, self.spec.cwd))
            if data.get("session_id") and data.get("session_id") != self.session_id:
                self.log.append(f"[claude-tui] CLI reports session {data.get('session_id')}, expected {self.session_id}")
            if model and model != self._state.model:
                self._update(model=model)

    def _on_stderr(self, line: str) -> None:
        self.log.append(line)

    # -- permission seam ---------------------------------------------------------------------

    async def _can_use_tool(self, tool_name: str, tool_input: dict[str, Any], context: Any) -> Any:
        """The SDK's ``can_use_tool``: pauses stall/turn timers while the user decides."""
        callback = self.permission_callback
        assert callback is not None
        loop = asyncio.get_running_loop()
        turn = self._turn
        self._permission_waits += 1
        if turn is not None:
            turn.clock.pause(loop.time())
        try:
            return await callback(self.session_id, tool_name, tool_input, context)
        finally:
            self._permission_waits -= 1
            if turn is not None and self._permission_waits == 0:
                turn.clock.resume(loop.time())
                self._wake()

    # -- persistence ---------------------------------------------------------------------------

    def _spawn_store(self, coro: Any) -> None:
        """Run a store write in the background; keep a reference so it is not
        garbage-collected mid-flight, and swallow its error after logging."""
        task = asyncio.get_running_loop().create_task(coro)
        self._store_tasks.add(task)

        def done(t: asyncio.Task[Any]) -> None:
            self._store_tasks.discard(t)
            if not t.cancelled() and t.exception() is not None:
                log.warning("store write failed: %s", t.exception())

        task.add_done_callback(done)

    def _schedule_persist(self) -> None:
        """Import the local transcript into the store soon (coalesced, in order)."""
        if self.store is None:
            return
        if self._persist_task is not None and not self._persist_task.done():
            self._persist_again = True
            return
        self._persist_again = False
        self._persist_task = asyncio.get_running_loop().create_task(self._persist())

    async def _persist(self) -> None:
        from ..store.importer import import_session_file

        assert self.store is not None
        while True:
            self._persist_again = False
            path = self.transcript_path
            try:
                report = await import_session_file(self.store, path)
            except Exception as exc:  # noqa: BLE001 - reported; the next turn tries again
                log.exception("import of %s failed", path)
                self._emit(ErrorOccurred(self.session_id, "internal", f"saving {path} to the store failed: {exc}", True))
            else:
                self._emit(SessionSaved(self.session_id, report.entries_added, tuple(report.errors)))
            if not self._persist_again:
                return


def new_session_id() -> str:
    """A fresh session id, chosen by claude-tui so it is known before the CLI starts."""
    return str(uuid.uuid4())


__all__: Sequence[str] = ("SessionWorker", "ClientFactory", "new_session_id")
