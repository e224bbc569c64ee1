"""A session's state as the UI shows it: one immutable snapshot per change.

Why snapshots: the worker publishes a new ``SessionState`` in a
``StateChanged`` event whenever anything visible changes, so a subscriber on
another thread (or a Textual message queue) never sees a half-updated object.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Phase(StrEnum):
    """Where a session is in its life.

    * ``idle``: no CLI process (not connected yet, evicted by the live budget,
      or disconnected after ``idle_disconnect``); the next send reconnects.
    * ``queued``: a send is waiting for a live-process slot.
    * ``connecting``: the CLI is starting and answering the handshake.
    * ``ready``: connected, no turn running.
    * ``streaming``: a turn is running (the model streams, or a tool runs).
    * ``interrupting``: an interrupt was sent and the turn has not ended yet.
    * ``reconnecting``: the CLI died or would not start; ``attempt`` of
      ``max_attempts`` is next, at ``next_retry_at``.
    * ``failed``: gave up; ``last_error`` says why and what to do.
    * ``closed``: the worker is gone.
    """

    IDLE = "idle"
    QUEUED = "queued"
    CONNECTING = "connecting"
    READY = "ready"
    STREAMING = "streaming"
    INTERRUPTING = "interrupting"
    RECONNECTING = "reconnecting"
    FAILED = "failed"
    CLOSED = "closed"


LIVE_PHASES = frozenset({Phase.CONNECTING, Phase.READY, Phase.STREAMING, Phase.INTERRUPTING})
BUSY_PHASES = frozenset({Phase.QUEUED, Phase.CONNECTING, Phase.STREAMING, Phase.INTERRUPTING})


@dataclass(frozen=True, slots=True)
class SessionState:
    """One session's visible state.

    ``started_at`` and ``next_retry_at`` are wall-clock epoch seconds (for
    display); ``messages`` counts user prompts and assistant replies known so
    far (from the store when the session was opened, plus this run's).
    """

    session_id: str
    project_key: str
    cwd: str
    phase: Phase
    started_at: float
    messages: int = 0
    last_error: str | None = None
    attempt: int = 0
    max_attempts: int = 0
    next_retry_at: float | None = None
    model: str | None = None
    permission_mode: str = "default"
    pending: int = 0  # prompts waiting to be sent after the current turn / connect
    # The session's totals in this run (every CLI process's turns added up):
    cost_usd: float = 0.0
    input_tokens: int = 0
    output_tokens: int = 0

    @property
    def is_live(self) -> bool:
        """A CLI process exists (or is starting) for this session."""
        return self.phase in LIVE_PHASES

    @property
    def is_busy(self) -> bool:
        return self.phase in BUSY_PHASES or self.pending > 0

    def describe(self) -> str:
        """A short status line, e.g. ``reconnecting (attempt 2 of 5)``."""
        if self.phase is Phase.RECONNECTING:
            return f"reconnecting (attempt {self.attempt} of {self.max_attempts})"
        if self.phase is Phase.FAILED and self.last_error:
            return f"failed: {self.last_error}"
        if self.phase is Phase.QUEUED:
            return "queued: waiting for a free live session slot"
        return self.phase.value
