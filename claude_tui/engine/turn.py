"""The running turn: sending a prompt, its timers, interrupting it, ending it.

Why a room of its own: a turn is the one thing in a session with a life of
its own (it starts when a prompt is sent or when the CLI starts one itself,
its timers move with every stream event, it ends by the CLI's result, an
interrupt, a timeout or the process dying) and every way it ends must turn
into exactly one ``TurnCompleted`` and resolve the ``send`` future.

``TurnMixin`` is part of ``SessionWorker`` (``worker.py``); it runs on the
worker loop, except ``_on_message`` and ``_can_use_tool`` which run in the
reader task and the SDK's permission callback: those only move deadlines,
emit events and post to the loop's inbox.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .commands import Send, Tick, TurnEnded
from .context import ContextFileError, prepare_prompt
from .errors import Failure, api_failure
from .events import EngineEvent, ErrorOccurred, PromptSent, TurnCompleted, TurnOutcome
from .state import Phase
from .timeouts import TurnClock, describe_timeout
from .translate import Translator, TurnTranslation, opens_turn

if TYPE_CHECKING:
    from .stderr_log import StderrLog
    from claude_agent_sdk import ClaudeSDKClient

    from ..config import Settings
    from .bus import EventBus
    from .connection import KillWatchdog
    from .options import ConnectionConfig, PermissionCallback, SessionSpec
    from .persist import Persister
    from .state import SessionState
    from .timeouts import TimeoutPolicy

log = logging.getLogger(__name__)


@dataclass
class TurnCosts:
    """Each turn's own cost from the CLI's running total (``total_cost_usd``),
    which counts from zero in every CLI process: the difference from the
    previous result of the same process (``generation``)."""

    generation: int = -1
    total: float = 0.0

    def turn_cost(self, generation: int, total: float | None) -> float | None:
        if total is None:
            return None
        before = self.total if generation == self.generation else 0.0
        self.generation, self.total = generation, total
        return max(0.0, total - before)


@dataclass
class Turn:
    """One running turn."""

    clock: TurnClock
    future: asyncio.Future[TurnCompleted | None] | None  # None: the CLI started it on its own
    started: float  # loop time
    outcome: TurnOutcome | None = None  # set when the worker ends it (interrupt, timeout)
    prompt: str = ""  # what the user sent (a crashed turn's prompt is left out of the resume)
    translation: TurnTranslation = field(default_factory=TurnTranslation)


def turn_outcome(turn: Turn, result: Any) -> TurnOutcome:
    """How a turn the CLI ended (with ``result``) came out."""
    if turn.outcome is not None:
        return turn.outcome
    if str(getattr(result, "terminal_reason", "") or "").startswith("aborted"):
        return "interrupted"
    if result.is_error:
        return "error"
    return "completed"


def input_tokens(usage: dict[str, Any]) -> int | None:
    """Every input token of a turn's usage: new, written to and read from the prompt cache."""
    parts = [usage.get(k) for k in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")]
    counted = [p for p in parts if isinstance(p, int)]
    return sum(counted) if counted else None


def completed_event(
    session_id: str, turn: Turn, outcome: TurnOutcome, result: Any, now: float, cost_usd: float | None = None
) -> TurnCompleted:
    """The ``TurnCompleted`` of ``turn`` (``result`` is the CLI's, or None when it never came).

    ``cost_usd`` is this turn's own cost: the CLI reports only its process's
    running total (``TurnCosts`` takes the difference). Tokens are the
    result's usage, which is the turn's own.
    """
    usage = (getattr(result, "usage", None) or {}) if result is not None else {}
    return TurnCompleted(
        session_id,
        outcome=outcome,
        duration_s=(result.duration_ms / 1000.0) if result is not None and result.duration_ms else now - turn.started,
        input_tokens=input_tokens(usage),
        output_tokens=usage.get("output_tokens"),
        cost_usd=cost_usd,
        stop_reason=getattr(result, "stop_reason", None),
        is_error=bool(getattr(result, "is_error", outcome not in ("completed",))),
        partial_text=turn.translation.text,
        result_text=getattr(result, "result", None),
        api_error_status=getattr(result, "api_error_status", None),
    )


async def _one(message: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
    yield message


class TurnMixin:
    """Turns of a ``SessionWorker`` (see the module docstring)."""

    # Provided by SessionWorker.
    spec: SessionSpec
    settings: Settings
    connection: ConnectionConfig
    timeouts: TimeoutPolicy
    permission_callback: PermissionCallback | None
    interrupt_grace: float
    bus: EventBus
    log: StderrLog
    translator: Translator
    persister: Persister
    watchdog: KillWatchdog
    _inbox: asyncio.Queue[Any]
    _state: SessionState
    _costs: TurnCosts
    _generation: int
    _client: ClaudeSDKClient | None
    _turn: Turn | None
    _in_context: str | None
    _pending: deque[Send]
    _sent_digests: dict[str, str]
    _last_used: float
    _closing: float | None
    _resumed_now: bool
    _permission_waits: int

    if TYPE_CHECKING:
        session_id: str
        project_key: str

        def _emit(self, event: EngineEvent) -> None: ...
        def _update(self, **changes: Any) -> None: ...
        def _set_phase(self, phase: Phase, **changes: Any) -> None: ...
        def _error(self, failure: Failure, **extra: Any) -> None: ...
        async def _drain_pending(self) -> None: ...
        async def _finish_close(self) -> None: ...
        async def _apply_wanted_model(self) -> None: ...
        async def _disconnect(self, deadline: float | None = None) -> None: ...
        def _give_up(self, failure: Failure) -> None: ...
        async def _on_process_lost(self, error: BaseException | None) -> None: ...
        _reader: asyncio.Task[None] | None

    # -- starting -------------------------------------------------------------------------

    def _new_turn(self, future: asyncio.Future[TurnCompleted | None] | None) -> Turn:
        now = asyncio.get_running_loop().time()
        return Turn(TurnClock(self.timeouts, now), future, now)

    async def _start_turn(self, cmd: Send) -> bool:
        """Build the prompt (all files or nothing) and send it; True once the turn runs."""
        if cmd.files:
            await self._load_sent_marks()  # type: ignore[attr-defined]
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
        self._turn = self._new_turn(cmd.future)
        self._turn.prompt = cmd.prompt
        self._in_context = cmd.prompt
        self.log.mark()
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
        if prepared.has_files:
            await self._keep_sent_marks(prepared.digests())  # type: ignore[attr-defined]
        self._emit(PromptSent(self.session_id, cmd.prompt, tuple(f.display for f in prepared.files)))
        self._update(messages=self._state.messages + 1)
        return True

    def _ensure_turn(self) -> Turn:
        """A turn the CLI started on its own (e.g. a background task woke it)."""
        turn = self._turn
        if turn is None:
            turn = self._turn = self._new_turn(None)
            if self._state.phase is Phase.READY:
                self._set_phase(Phase.STREAMING)
        return turn

    # -- the stream (reader task) --------------------------------------------------------------

    def _wake(self) -> None:
        """Make the worker loop look at its deadlines again (one got earlier)."""
        self._inbox.put_nowait(Tick())

    def _on_message(self, message: Any, generation: int) -> None:
        """Apply one SDK message: translate it, move the turn's clock, emit."""
        turn = self._ensure_turn() if opens_turn(message) else self._turn
        step = self.translator.translate(
            message, turn.translation if turn is not None else TurnTranslation(), resumed=self._resumed_now
        )
        if step.result is not None:
            self._inbox.put_nowait(TurnEnded(generation, step.result))
            return
        if turn is not None:
            if step.stream_event is not None:
                turn.clock.on_stream_event(step.stream_event, asyncio.get_running_loop().time())
                if step.stream_event == "message_start":
                    self._wake()  # the stall timer just started: the loop must wait for it
            elif step.answered:
                turn.clock.on_assistant_message(asyncio.get_running_loop().time())
            elif step.api_retry:
                turn.clock.on_api_retry(asyncio.get_running_loop().time())
                self._wake()
        emit = self.bus.emit
        for event in step.events:
            emit(event)
        if step.new_message:
            self._update(messages=self._state.messages + 1)
        if step.init:
            store = self.persister.store
            if not self._resumed_now and store is not None:
                self.persister.spawn(store.ensure_session(self.project_key, self.session_id, self.spec.cwd))
            if step.cli_session_id and step.cli_session_id != self.session_id:
                self.log.append(f"[claude-tui] CLI reports session {step.cli_session_id}, expected {self.session_id}")
            if step.model and step.model != self._state.model:
                self._update(model=step.model)

    # -- the permission seam (the SDK's callback) ------------------------------------------------

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

    # -- interrupting ----------------------------------------------------------------------------

    async def _interrupt(self, outcome: TurnOutcome) -> None:
        """Ask the CLI to end the turn; the kill watchdog ends it if that takes too long."""
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
        self.watchdog.arm(max(deadline, loop.time() + 0.05), ("interrupt", self.interrupt_grace))
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

    # -- ending --------------------------------------------------------------------------------------

    def _add_totals(self, event: TurnCompleted) -> None:
        """The session's cost and tokens so far (this run), for the Session panel."""
        state = self._state
        changes: dict[str, Any] = {}
        if event.cost_usd:
            changes["cost_usd"] = state.cost_usd + event.cost_usd
        if event.input_tokens:
            changes["input_tokens"] = state.input_tokens + event.input_tokens
        if event.output_tokens:
            changes["output_tokens"] = state.output_tokens + event.output_tokens
        if changes:
            self._update(**changes)

    def _finish_turn_event(self, turn: Turn, outcome: TurnOutcome, result: Any = None) -> TurnCompleted:
        """Emit the turn's ``TurnCompleted`` and resolve its ``send`` future."""
        cost = self._costs.turn_cost(self._generation, getattr(result, "total_cost_usd", None))
        event = completed_event(self.session_id, turn, outcome, result, asyncio.get_running_loop().time(), cost)
        self._add_totals(event)
        if outcome == "completed":
            self._in_context = None  # an answered turn is never taken back by a retry
        self._emit(event)
        if turn.future is not None and not turn.future.done():
            turn.future.set_result(event)
        return event

    async def _on_turn_ended(self, result: Any) -> None:
        """The CLI's result ended the turn."""
        turn, self._turn = self._turn, None
        self.watchdog.reset()
        if turn is None:
            turn = self._new_turn(None)
        outcome = turn_outcome(turn, result)
        self._finish_turn_event(turn, outcome, result)
        self._last_used = time.monotonic()
        self.persister.schedule()
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
        await self._apply_wanted_model()
        await self._drain_pending()


__all__ = ["Turn", "TurnMixin", "completed_event", "turn_outcome"]
