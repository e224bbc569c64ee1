"""The CLI connection of a session: connect, resume, read, reconnect, disconnect.

Why a room of its own: the CLI process is what can go wrong (it may not
start, hang in its handshake, die mid-turn, or ignore an interrupt), and every
one of those must end with a classified error, a bounded wait and no process
left behind. Shape:

* Connecting takes a slot from the live budget first (maybe waiting in line),
  then resumes when Claude Code has (or the store can restore) the session's
  transcript, else starts the session new.
* ``KillWatchdog``: a connect or interrupt that is overdue is ended by a
  ``loop.call_at`` callback that SIGKILLs the CLI, which makes the pending SDK
  call fail at once (the worker loop is inside that call, so it cannot time
  it out itself without cancelling the SDK halfway).
* The reader task drains ``client.receive_messages()`` for one connection
  (one ``generation``); when it ends, the process is lost: the running turn
  ends as crashed and the worker reconnects with exponential backoff and
  jitter, or gives up with a message that says what to do.

``ConnectionMixin`` is part of ``SessionWorker`` (``worker.py``).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import compat
from . import processes
from .commands import ReaderDone
from .crash_resume import resume_point
from .errors import Failure, classify
from .events import EngineEvent, ErrorOccurred
from .options import CONNECTION_ENV, build_options
from .state import Phase
from .timeouts import describe_timeout

if TYPE_CHECKING:
    from .stderr_log import StderrLog
    from claude_agent_sdk import ClaudeAgentOptions, ClaudeSDKClient

    from ..config import ReconnectSettings, Settings
    from .budget import LiveBudget
    from .commands import Send
    from .options import ConnectionConfig, PermissionCallback, SessionSpec
    from .persist import Persister
    from .state import SessionState
    from .timeouts import TimeoutPolicy
    from .turn import Turn

log = logging.getLogger(__name__)

ClientFactory = Callable[["ClaudeAgentOptions"], "ClaudeSDKClient"]

CLOSE_GRACE_S = 5.0
"""How long an orderly disconnect (or close) may take before the CLI is killed."""


def current_pid(client: Any, mark: str | None = None) -> int | None:
    """The pid of the CLI process behind ``client``, if it has one yet.

    The SDK keeps it privately (see ``compat``); without that, the CLI is
    found by its connection's ``mark`` in its environment.
    """
    pid = compat.sdk_client_pid(client)
    if pid is None and client is not None and mark is not None:
        found = processes.children_marked(f"{CONNECTION_ENV}={mark}")
        pid = found[0] if len(found) == 1 else None
    return pid


def backoff_delay(conf: ReconnectSettings, attempt: int) -> float:
    """Seconds before reconnect ``attempt`` (1-based): doubling up to the cap, with
    jitter so sessions that died together do not retry together."""
    delay = min(conf.backoff_max, conf.backoff_initial * (2 ** (attempt - 1)))
    return delay * random.uniform(0.8, 1.2)


class KillWatchdog:
    """SIGKILLs the CLI when a connect or interrupt is overdue.

    ``reason`` is ``(what, seconds)`` of the last kill, kept until the worker
    reads it (with ``take_reason``) to report the timeout.
    """

    def __init__(self, pid_of: Callable[[], int | None], log_lines: deque[str]) -> None:
        self._pid_of = pid_of
        self._log = log_lines
        self._timer: asyncio.TimerHandle | None = None
        self.reason: tuple[str, float] | None = None
        self.armed: tuple[str, float] | None = None  # (what, seconds) while a kill is armed

    @property
    def due(self) -> float | None:
        """Loop time of the armed kill, or None."""
        return self._timer.when() if self._timer is not None else None

    def arm(self, when: float, reason: tuple[str, float]) -> None:
        self.disarm()
        self._timer = asyncio.get_running_loop().call_at(when, self._fire, reason)
        self.armed = reason

    def disarm(self) -> None:
        self.armed = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def reset(self) -> None:
        """Disarm and forget the last kill."""
        self.disarm()
        self.reason = None

    def take_reason(self) -> tuple[str, float] | None:
        reason, self.reason = self.reason, None
        return reason

    def _fire(self, reason: tuple[str, float]) -> None:
        self._timer = None
        self.armed = None
        self.reason = reason
        pid = self._pid_of()
        self._log.append(f"[claude-tui] {reason[0]} overdue after {reason[1]:g} s; killing CLI pid {pid}")
        if pid is not None:
            processes.kill(pid)


class ConnectionMixin:
    """The CLI connection of a ``SessionWorker`` (see the module docstring)."""

    _connection_mark: str | None = None
    """A token in the current connection's CLI environment (see ``current_pid``)."""

    # Provided by SessionWorker.
    spec: SessionSpec
    settings: Settings
    budget: LiveBudget
    connection: ConnectionConfig
    timeouts: TimeoutPolicy
    permission_callback: PermissionCallback | None
    client_factory: ClientFactory | None
    log: StderrLog
    _crashed_prompt: str | None
    _drop_answered: bool
    _in_context: str | None
    persister: Persister
    watchdog: KillWatchdog
    _inbox: asyncio.Queue[Any]
    _state: SessionState
    _client: ClaudeSDKClient | None
    _pid: int | None
    _reader: asyncio.Task[None] | None
    _generation: int
    _turn: Turn | None
    _pending: deque[Send]
    _retry_at: float | None
    _attempt: int
    _ready_since: float | None
    _want_connect: bool
    _awaiting_slot: bool
    _closing: float | None
    _closed: asyncio.Event
    _resumed_now: bool
    _stored_error: bool

    if TYPE_CHECKING:
        session_id: str
        project_key: str
        transcript_path: Path

        @property
        def evictable(self) -> bool: ...
        def _emit(self, event: EngineEvent) -> None: ...
        def _update(self, **changes: Any) -> None: ...
        def _set_phase(self, phase: Phase, **changes: Any) -> None: ...
        def _error(self, failure: Failure, **extra: Any) -> None: ...
        async def _drain_pending(self) -> None: ...
        async def _finish_close(self) -> None: ...
        def _drop_pending_for_close(self) -> None: ...
        async def _apply_wanted_model(self) -> None: ...
        def _drop_wanted_model(self) -> None: ...
        def _on_message(self, message: Any, generation: int) -> None: ...
        def _finish_turn_event(self, turn: Turn, outcome: Any, result: Any = None) -> Any: ...
        async def _can_use_tool(self, tool_name: str, tool_input: dict[str, Any], context: Any) -> Any: ...

    # -- commands --------------------------------------------------------------------------

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

    async def _on_evict(self) -> None:
        if not self.evictable:
            self.budget.declined(self)
            return
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
                self.log.recent(),
                session_id=self.session_id,
                cwd=self.spec.cwd,
                cli_path=self.settings.claude.cli_path,
            )
            reason = self.watchdog.reason
            if reason and reason[0] == "connect":
                self.watchdog.reason = None
                seconds = reason[1]
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
        store = self.persister.store
        if self._stored_error and store is not None:
            self._stored_error = False
            self.persister.spawn(store.update_session(self.project_key, self.session_id, last_error=None))
        if attempt or self._resumed_now:
            self.persister.schedule()
        if self._closing is not None:
            await self._finish_close()
            return
        await self._apply_wanted_model()
        await self._drain_pending()

    async def _connect(self) -> None:
        from claude_agent_sdk import ClaudeSDKClient

        self.log.mark()
        resume = await self._resume_or_new()
        can_use_tool = self._can_use_tool if self.permission_callback is not None else None
        self._connection_mark = uuid.uuid4().hex
        crashed, self._crashed_prompt = self._crashed_prompt, None
        answered, self._drop_answered = self._drop_answered, False
        resume_at = (
            await asyncio.to_thread(resume_point, self.transcript_path, crashed, answered=answered)
            if resume and crashed
            else None
        )
        if resume_at is not None:
            self._in_context = None  # the dead try is not in the new CLI's context
        options = build_options(
            self.connection, self.spec, resume=resume, stderr=self._on_stderr, can_use_tool=can_use_tool,
            connection_mark=self._connection_mark, resume_at=resume_at,
        )
        client = self.client_factory(options) if self.client_factory else ClaudeSDKClient(options)
        self._client = client
        self._resumed_now = resume
        loop = asyncio.get_running_loop()
        limit = self.timeouts.connect
        if self._closing is not None:
            limit = min(limit, max(0.1, self._closing - loop.time())) if limit else max(0.1, self._closing - loop.time())
        if limit > 0:
            self.watchdog.arm(loop.time() + limit, ("connect", limit))
        try:
            if limit > 0:
                # Backstop only: the kill above normally ends a hung connect first.
                async with asyncio.timeout(limit + 5.0):
                    await client.connect()
            else:
                await client.connect()
        except BaseException:
            self.watchdog.disarm()
            pid = self._current_pid()
            if pid is not None:
                processes.kill(pid)
            self._client = None
            self._pid = None
            raise
        self.watchdog.reset()
        self._pid = self._current_pid()
        if self._pid is not None:
            processes.remember(self._pid)
        self._generation += 1
        self._reader = loop.create_task(self._read(client, self._generation), name=f"session-reader-{self.session_id[:8]}")

    async def _resume_or_new(self) -> bool:
        """Resume when Claude Code has (or we can restore) a transcript; else start new."""
        path = self.transcript_path
        if await asyncio.to_thread(path.is_file):
            return True
        store = self.persister.store
        if store is not None:
            from ..store.restore import restore_transcript

            try:
                if await restore_transcript(store, self.project_key, self.session_id, path):
                    self.log.append(f"[claude-tui] restored {path} from the store")
                    return True
            except Exception as exc:  # noqa: BLE001 - resume then reports what is missing
                self.log.append(f"[claude-tui] could not restore {path}: {exc}")
        return self.spec.resume

    def _on_stderr(self, line: str) -> None:
        self.log.append(line)

    def _current_pid(self) -> int | None:
        return current_pid(self._client, self._connection_mark)

    def _release_slot(self) -> None:
        if self.budget.holds(self):
            self.budget.release(self)

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
            self._inbox.put_nowait(ReaderDone(generation, error))

    async def _forget_last_try(self, prompt: str) -> None:
        """A retry of the last turn's prompt while the CLI's context still holds its
        first try (interrupted, stalled, an API error; a crash whose try had an
        answer): restart the CLI resuming before it, so the prompt goes out once."""
        if self._in_context is None or self._in_context.strip() != prompt.strip():
            return
        self._crashed_prompt, self._drop_answered = prompt, True
        if self._client is not None:
            await self._disconnect()
            self._set_phase(Phase.IDLE)

    # -- losing the process, retrying, giving up -----------------------------------------------

    async def _on_process_lost(self, error: BaseException | None) -> None:
        """The CLI died (or was killed): report the turn, reconnect with backoff."""
        self.watchdog.disarm()
        turn, self._turn = self._turn, None
        kill_reason = self.watchdog.take_reason()
        if kill_reason is not None and kill_reason[0] == "interrupt":
            seconds = kill_reason[1]
            self._error(
                Failure("timeout", describe_timeout("interrupt", seconds), True), timeout="interrupt", seconds=seconds
            )
        if turn is not None:
            self._finish_turn_event(turn, turn.outcome or "crashed")
            self._crashed_prompt = turn.prompt or None
        stderr = self.log.recent()  # its last moments, not an old warning (stderr_log.py)
        await self._disconnect()
        self.persister.schedule()
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

    def _schedule_retry(self, attempt: int, failure: Failure) -> None:
        conf = self.settings.reconnect
        if attempt > conf.max_attempts:
            tries = f"after {conf.max_attempts} reconnect attempts" if conf.max_attempts else "(reconnecting is off)"
            self._give_up(Failure(failure.kind, f"gave up {tries}: {failure.message}", False))
            return
        delay = backoff_delay(conf, attempt)
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
        store = self.persister.store
        if store is not None:
            self._stored_error = True
            self.persister.spawn(store.update_session(self.project_key, self.session_id, last_error=failure.message))

    # -- disconnecting -------------------------------------------------------------------------

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
        self.watchdog.disarm()
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
        self._drop_wanted_model()
        if self._state.phase is not Phase.CLOSED:
            self._update(phase=Phase.CLOSED, pending=0)
        self._closed.set()


__all__ = ["CLOSE_GRACE_S", "ClientFactory", "ConnectionMixin", "KillWatchdog", "backoff_delay", "current_pid"]
