"""Connect, first-token, stall and whole-turn timers for one session.

Why the worker times these itself: the SDK's initialize timeout never drops
below 60 s, and nothing in the CLI notices a stream that stalls after it began
(measured: only ``interrupt()`` ends it). The timers are plain deadlines on the
event loop clock, checked by the worker's one loop; the stream reader only
moves them (no task or timer handle per stream event, so 5,000 deltas a second
cost nothing here).

Rules (issue #3):

* first token: from sending until the first stream event; restarts on each
  ``api_retry``.
* stall: no stream event for N s between ``message_start`` and
  ``message_stop``. It does not run while a tool executes (outside a message),
  while a permission question waits, or while the CLI backs off between API
  retries (an ``api_retry`` ends the current message).
* turn: the whole turn, tools included; paused while a permission question
  waits for the user (a person at lunch is not a hung turn).
* 0 disables a timer.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from ..config import TimeoutSettings

TIMEOUT_NAMES = ("connect", "first_token", "stall", "turn")

INTERRUPT_GRACE_S = 5.0
"""How long ``interrupt()`` may take to end a turn before the CLI is killed."""


@dataclass(frozen=True)
class TimeoutPolicy:
    """The four timeouts in seconds (0 = off): config defaults + session overrides."""

    connect: float = 30.0
    first_token: float = 120.0
    stall: float = 60.0
    turn: float = 1800.0

    @classmethod
    def from_settings(
        cls, settings: TimeoutSettings, overrides: dict[str, Any] | None = None
    ) -> "TimeoutPolicy":
        """Config values, then per-session overrides (unknown keys and bad values ignored)."""
        policy = cls(**{f.name: float(getattr(settings, f.name)) for f in fields(cls)})
        return policy.with_overrides(overrides or {})

    def with_overrides(self, overrides: dict[str, Any]) -> "TimeoutPolicy":
        clean: dict[str, float] = {}
        for name in TIMEOUT_NAMES:
            value = overrides.get(name)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
                clean[name] = float(value)
        return replace(self, **clean) if clean else self


def describe_timeout(name: str, seconds: float) -> str:
    """The user-facing sentence for a timeout that fired."""
    what = {
        "connect": "the Claude Code CLI did not finish starting",
        "first_token": "no reply started arriving",
        "stall": "the reply stopped arriving mid-stream",
        "turn": "the turn ran too long",
        "interrupt": "the interrupt did not end the turn; the CLI was killed",
    }.get(name, name)
    return f"{name} timeout ({seconds:g} s): {what}"


class TurnClock:
    """Deadlines of one running turn, on the event loop's monotonic clock.

    The stream reader calls the ``on_*`` methods as messages arrive; the
    worker asks :meth:`next_deadline` and :meth:`expired`.
    """

    __slots__ = (
        "policy",
        "started",
        "first_token_from",
        "got_first",
        "in_message",
        "last_stream",
        "paused_since",
        "paused_total",
    )

    def __init__(self, policy: TimeoutPolicy, now: float) -> None:
        self.policy = policy
        self.started = now
        self.first_token_from: float | None = now
        self.got_first = False
        self.in_message = False
        self.last_stream = now
        self.paused_since: float | None = None
        self.paused_total = 0.0

    # -- what the reader sees ------------------------------------------------

    def on_stream_event(self, kind: str, now: float) -> None:
        self.last_stream = now
        if not self.got_first:
            self.got_first = True
            self.first_token_from = None
        if kind == "message_start":
            self.in_message = True
        elif kind == "message_stop":
            self.in_message = False

    def on_assistant_message(self, now: float) -> None:
        """A finished message also proves the model answered (the non-streaming
        fallback sends no stream events at all)."""
        self.last_stream = now
        if not self.got_first:
            self.got_first = True
            self.first_token_from = None

    def on_api_retry(self, now: float) -> None:
        """The CLI backs off and retries: first-token starts over, no stall meanwhile."""
        self.in_message = False
        self.got_first = False
        self.first_token_from = now

    def pause(self, now: float) -> None:
        """A permission question waits for the user."""
        if self.paused_since is None:
            self.paused_since = now

    def resume(self, now: float) -> None:
        if self.paused_since is not None:
            self.paused_total += now - self.paused_since
            self.paused_since = None
            self.last_stream = max(self.last_stream, now)
            if self.first_token_from is not None:
                self.first_token_from = max(self.first_token_from, now)

    # -- what the worker asks ---------------------------------------------------

    def deadlines(self) -> list[tuple[str, float]]:
        """Active (name, deadline) pairs."""
        if self.paused_since is not None:
            return []
        out: list[tuple[str, float]] = []
        p = self.policy
        if p.first_token > 0 and self.first_token_from is not None:
            out.append(("first_token", self.first_token_from + p.first_token))
        if p.stall > 0 and self.in_message:
            out.append(("stall", self.last_stream + p.stall))
        if p.turn > 0:
            out.append(("turn", self.started + self.paused_total + p.turn))
        return out

    def armed(self) -> list[tuple[str, float | None]]:
        """(name, deadline) of every timer running for this turn; deadline None
        while paused (a permission question waits)."""
        if self.paused_since is None:
            return [(name, deadline) for name, deadline in self.deadlines()]
        p = self.policy
        names = []
        if p.first_token > 0 and self.first_token_from is not None:
            names.append("first_token")
        if p.stall > 0 and self.in_message:
            names.append("stall")
        if p.turn > 0:
            names.append("turn")
        return [(name, None) for name in names]

    def next_deadline(self) -> float | None:
        ds = self.deadlines()
        return min(d for _, d in ds) if ds else None

    def expired(self, now: float) -> str | None:
        """The name of a timer that has run out, or None."""
        for name, deadline in self.deadlines():
            if now >= deadline:
                return name
        return None

    def seconds_of(self, name: str) -> float:
        return float(getattr(self.policy, name))
