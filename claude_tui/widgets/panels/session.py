"""The Session panel: what the current session is, where it runs and what it costs.

``SessionFacts`` is the data (made by ``claude_tui/panels.py`` from the engine's
``SessionState`` and events); ``session_body`` words it for a given moment, so
a countdown ("next try in 7 s") is the same facts drawn at a later ``now``.
Every text that came from outside (paths, errors, model names) is shown
literally.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from textual.content import Content

from ...literal import safe_line
from ...words import plural
from .base import PanelBox

BAR_CELLS = 20
MAX_RETRIES_SHOWN = 3


@dataclass(frozen=True)
class RetryNote:
    """One API retry the CLI reported: attempt k of max, HTTP status, when."""

    attempt: int
    max_retries: int
    status: int | None
    at: float


@dataclass(frozen=True)
class SessionFacts:
    """Everything the Session panel shows, for one session at one time."""

    draft: bool
    session_id: str | None
    cwd: str
    phase: str = "idle"  # engine Phase value, or "draft"
    started_at: float | None = None
    messages: int = 0
    last_error: str | None = None
    last_error_at: float | None = None
    attempt: int = 0
    max_attempts: int = 0
    next_retry_at: float | None = None
    waiting_permission: bool = False
    queued: int = 0
    branch: str | None = None
    model: str | None = None
    permission_mode: str = "default"
    cli_version: str | None = None
    pid: int | None = None
    live: int = 0
    max_live: int = 0
    retries: tuple[RetryNote, ...] = ()
    cost_usd: float = 0.0
    turns_costed: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    context: tuple[int, int] | None = None  # tokens used, context window
    mcp: tuple[tuple[str, str], ...] | None = None  # (name, status)
    extra: dict[str, str] = field(default_factory=dict)
    lineage: str | None = None  # a fork's "forked from <title> at message N" (fork_actions.py)
    note: str | None = None  # the user's note ("Session note")


def clock_text(epoch: float | None) -> str:
    if epoch is None:
        return "—"
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(epoch))


def short_time(epoch: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(epoch))


def phase_text(facts: SessionFacts, now: float) -> tuple[str, str]:
    """(words, style) for the phase, with the reconnect countdown."""
    if facts.draft:
        return "draft: not sent yet", "$text-muted"
    if facts.waiting_permission:
        return "waiting for permission", "$warning"
    phase = facts.phase
    if phase == "reconnecting":
        words = f"reconnecting: attempt {facts.attempt} of {facts.max_attempts}"
        if facts.next_retry_at is not None:
            left = max(0, round(facts.next_retry_at - now))
            words += f", next try in {left} s"
        return words, "$warning"
    if phase == "ready":
        return "connected", "$success"
    if phase == "queued":
        return "queued: waiting for a live slot", "$warning"
    if phase == "idle":
        return "not connected (the next prompt connects)", "$text-muted"
    if phase == "failed":
        return "failed", "$error"
    return phase, "$accent" if phase in ("connecting", "streaming", "interrupting") else ""


def bar(used: int, total: int, cells: int = BAR_CELLS) -> str:
    filled = 0 if total <= 0 else min(cells, round(cells * used / total))
    return "█" * filled + "░" * (cells - filled)


def tokens_text(n: int) -> str:
    return f"{n / 1000:.1f}k" if n >= 1000 else str(n)


def cost_text(dollars: float, turns: int) -> str:
    """The session's total and how many turns it sums (so it does not read as one turn's)."""
    return f"${dollars:.4f} in {plural(turns, 'turn')}" if turns else f"${dollars:.4f}"


def session_body(facts: SessionFacts, now: float) -> Content:
    """The panel's lines for ``facts`` at ``now`` (epoch seconds)."""
    lines: list[Content | str | tuple[str, str]] = []

    def row(label: str, value: str, style: str = "") -> None:
        lines.append(Content.assemble((f"{label:<9}", "$text-muted"), (safe_line(value), style)))

    if facts.draft:
        row("id", "(given at the first prompt)", "$text-muted")
    else:
        lines.append(Content.assemble(("id", "$text-muted")))
        lines.append(Content(safe_line(facts.session_id or "?")))
    if facts.lineage:
        lines.append(Content(safe_line(facts.lineage)).stylize("$accent"))
    if facts.note:
        row("note", facts.note, "italic")
    words, style = phase_text(facts, now)
    row("phase", words, style)
    if facts.queued:
        row("queued", f"{facts.queued} prompt{'s' if facts.queued != 1 else ''}")
    if not facts.draft:
        row("started", clock_text(facts.started_at))
        row("messages", str(facts.messages))
    row("cwd", facts.cwd)
    row("branch", facts.branch or "—")
    row("model", facts.model or "CLI default")
    row("mode", facts.permission_mode)
    cli = facts.cli_version or "—"
    if facts.pid is not None:
        cli += f", pid {facts.pid}"
    row("CLI", cli)
    row("live", f"{facts.live} of {facts.max_live} live" if facts.max_live else f"{facts.live} live")
    if facts.input_tokens or facts.output_tokens or facts.cost_usd:
        row("cost", cost_text(facts.cost_usd, facts.turns_costed))
        row("tokens", f"{tokens_text(facts.input_tokens)} in, {tokens_text(facts.output_tokens)} out")
    if facts.context is not None:
        used, total = facts.context
        pct = 0 if total <= 0 else round(100 * used / total)
        lines.append(Content.assemble(("context  ", "$text-muted"), (bar(used, total), "$accent")))
        lines.append(Content.assemble(("         ", ""), f"{tokens_text(used)} of {tokens_text(total)} ({pct}%)"))
    if facts.retries:
        lines.append(Content.assemble(("API retries", "$text-muted")))
        for note in facts.retries[-MAX_RETRIES_SHOWN:]:
            status = f" ({note.status})" if note.status is not None else ""
            lines.append(Content(f"  {short_time(note.at)} {note.attempt} of {note.max_retries}{status}"))
    if facts.mcp is not None:
        lines.append(Content.assemble(("MCP", "$text-muted"), "" if facts.mcp else ("  none", "$text-muted")))
        for name, status in facts.mcp:
            tone = "$success" if status == "connected" else "$error" if status in ("failed", "needs-auth") else "$warning"
            lines.append(Content.assemble(f"  {safe_line(name)} ", (safe_line(status), tone)))
    if facts.last_error:
        at = f" at {short_time(facts.last_error_at)}" if facts.last_error_at is not None else ""
        lines.append(Content.styled(f"last error{at}", "$text-muted"))
        lines.append(Content(safe_line(facts.last_error)).stylize("$error"))
    return Content("\n").join(lines)  # type: ignore[arg-type]


class SessionPanel(PanelBox):
    """The Session panel (fed by the app's panels controller)."""

    def __init__(self) -> None:
        super().__init__("Session", id="session-panel")

    def show_facts(self, facts: SessionFacts | None, now: float) -> bool:
        if facts is None:
            return self.show(Content.styled("No session open.", "$text-muted"))
        return self.show(session_body(facts, now))
