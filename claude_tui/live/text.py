"""Words for what the engine reports: status lines, retry notices, turn endings, footers.

Pure functions of engine events and states (no widgets), so the wording is
tested on its own and the same everywhere: the status line above the prompt,
the inline notices in the conversation and the per-turn footer. Everything
that came from outside (error texts, tool inputs) goes through ``safe_line``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual.content import Content

from ..literal import safe_line
from ..words import plural

if TYPE_CHECKING:
    from ..engine.events import ApiRetry, ContextCompacted, ErrorOccurred, TurnCompleted
    from ..engine.permissions import PermissionAnswer, PermissionRequest
    from ..engine.state import SessionState

PERMISSION_MODE_HELP: dict[str, str] = {
    "default": "ask before edits and commands",
    "acceptEdits": "edit files without asking; ask for commands",
    "plan": "read and propose only; change nothing",
    "bypassPermissions": "never ask: every tool runs (dangerous)",
    "dontAsk": "never ask: tools not already allowed are denied",
    "auto": "Claude Code decides when to ask",
}

OUTCOME_RETRY = frozenset({"interrupted", "stalled", "timed_out", "crashed", "error"})
"""Turn endings after which the UI offers to send the same prompt again."""


def seconds(value: float) -> str:
    """``4 s``, ``0.5 s``, ``90 s``, ``2 min 5 s``, ``40 ms``: a short human duration."""
    if value < 0.1:
        return f"{max(1, round(value * 1000)):.0f} ms" if value > 0 else "0 s"
    if value < 1:
        return f"{value:.1f} s"
    if value < 120:
        return f"{value:.0f} s" if value >= 10 or value == int(value) else f"{value:.1f} s"
    minutes, rest = divmod(int(round(value)), 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def retry_text(event: ApiRetry) -> str:
    """``retrying 2/10 in 4 s (529)``: the CLI is backing off before it asks again."""
    why = str(event.status) if event.status else safe_line(event.error or "connection error")
    total = f"/{event.max_retries}" if event.max_retries else ""
    return f"retrying {event.attempt}{total} in {seconds(max(0.0, event.delay_s))} ({why})"


def recovered_text(retries: int) -> str:
    """What a finished turn's retry line becomes: ``recovered after 3 retries``."""
    return f"recovered after {retries} {'retry' if retries == 1 else 'retries'}"


def one_sentence_end(text: str) -> str:
    """``text`` ending in exactly one full stop (the CLI's own text may end in one)."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", ")")) and not text.endswith("..") else text.rstrip(".") + "."


def outcome_text(turn: TurnCompleted, timeout: ErrorOccurred | None = None) -> str | None:
    """What to say inline when a turn did not simply complete (None when it did).

    ``timeout`` is the timeout error reported during the turn, if any: it says
    which timer fired and after how long.
    """
    kept = "; partial reply kept" if turn.partial_text.strip() else ""
    if turn.outcome == "completed":
        return None
    if turn.outcome == "interrupted":
        return "interrupted" + (" — partial reply kept" if kept else "")
    if turn.outcome == "stalled":
        after = f" after {seconds(timeout.seconds)}" if timeout is not None and timeout.seconds else ""
        return f"stalled{after} — interrupted{kept}"
    if turn.outcome == "timed_out":
        what = safe_line(timeout.message) if timeout is not None else "a timeout fired"
        return f"{what} — interrupted{kept}"
    if turn.outcome == "crashed":
        return f"Claude Code stopped mid-reply{kept}"
    if turn.outcome == "cancelled":
        return "cancelled: the session was closed"
    if turn.outcome == "error":
        status = f" ({turn.api_error_status})" if turn.api_error_status else ""
        if turn.result_text and turn.result_text.strip():
            return one_sentence_end(safe_line(turn.result_text))  # the CLI's own words name the status
        return f"the API failed{status}"
    return safe_line(turn.outcome)


def _count(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


def _short_count(value: int | None) -> str:
    """``980``, ``12.5k``, ``1.2M``: a token count in few cells."""
    if value is None:
        return "?"
    if value < 1000:
        return str(value)
    if value < 1_000_000:
        return f"{value / 1000:.1f}k".replace(".0k", "k")
    return f"{value / 1_000_000:.1f}M".replace(".0M", "M")


def short_model(model: str) -> str:
    """``sonnet-4-5`` for ``claude-sonnet-4-5-20250929``: the name without maker and date."""
    name = model.removeprefix("claude-")
    head, _, tail = name.rpartition("-")
    return head if tail.isdigit() and len(tail) == 8 else name


def footer_variants(
    model: str | None,
    *,
    duration_s: float | None,
    input_tokens: int | None = None,
    output_tokens: int | None = None,
    cost_usd: float | None = None,
) -> list[str]:
    """The turn footer, longest first, each shorter one dropping or shortening
    a field: ``claude-sonnet-4-5 · 1,234 in · 56 out · $0.0123 this turn · 4.2 s``
    down to ``$0.0123 · 4.2 s``. The widget shows the longest that fits."""
    named = safe_line(model) if model and not model.startswith("<") else None
    has_tokens = input_tokens is not None or output_tokens is not None
    tokens = [f"{_count(input_tokens)} in", f"{_count(output_tokens)} out"] if has_tokens else []
    short_tokens = [f"{_short_count(input_tokens)} in", f"{_short_count(output_tokens)} out"] if has_tokens else []
    cost = [f"${cost_usd:.4f} this turn"] if cost_usd is not None else []
    short_cost = [f"${cost_usd:.4f}"] if cost_usd is not None else []
    took = [seconds(max(0.0, duration_s))] if duration_s is not None else []
    model_part = [named] if named else []
    short_model_part = [short_model(named)] if named else []
    variants = [
        model_part + tokens + cost + took,
        short_model_part + tokens + cost + took,
        short_model_part + short_tokens + cost + took,
        short_model_part + short_tokens + short_cost + took,
        short_tokens + short_cost + took,
        short_cost + took,
        took or short_cost,
    ]
    texts: list[str] = []
    for parts in variants:
        text = " · ".join(parts)
        if text and text not in texts:
            texts.append(text)
    return texts


def footer_text(turn: TurnCompleted, model: str | None) -> list[str]:
    """A live turn's footer variants (see ``footer_variants``): this turn's own
    tokens, cost and duration, from the CLI's result."""
    return footer_variants(
        model,
        duration_s=turn.duration_s,
        input_tokens=turn.input_tokens,
        output_tokens=turn.output_tokens,
        cost_usd=turn.cost_usd,
    )


def command_output_markdown(text: str) -> str:
    """A local slash command's output (``/cost``, ``/model``) as Markdown that
    keeps its lines as the CLI set them (a plain block); output that is
    Markdown already (``/context``'s headings and tables) stays as it is."""
    lines = text.splitlines()
    if any(line.startswith(("#", "|", "```")) for line in lines):
        return text
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}text\n{text.rstrip()}\n{fence}\n"


def compacted_text(event: ContextCompacted) -> str:
    """``conversation compacted: context 10,828 → 3,415 tokens``."""
    how = "conversation compacted" if event.trigger == "manual" else "conversation compacted automatically"
    if event.pre_tokens is None or event.post_tokens is None:
        return how
    return f"{how}: context {event.pre_tokens:,} → {event.post_tokens:,} tokens"


def clock_time(epoch: float | None) -> str:
    """``HH:MM:SS`` local time of a wall-clock epoch (for the next retry)."""
    if epoch is None:
        return ""
    return datetime.fromtimestamp(epoch).strftime("%H:%M:%S")


def status_text(
    state: SessionState | None, *, queued: int = 0, draft_cwd: str | None = None, preconnect: bool = False
) -> str:
    """The left half of the status line above the prompt.

    ``preconnect``: the session's CLI starts when the user begins typing
    (``[sessions] preconnect``), not when the prompt is sent.
    """
    idle = f"not connected: connects when you {'type' if preconnect else 'send'}"
    if state is None:
        base = f"new session in {safe_line(draft_cwd)}" if draft_cwd else idle
    else:
        phase = state.phase.value
        if phase == "idle":
            base = idle
        elif phase == "connecting":
            base = "connecting …"
        elif phase == "ready":
            base = "ready"
        elif phase == "streaming":
            base = "Claude is answering …"
        elif phase == "interrupting":
            base = "interrupting …"
        elif phase == "reconnecting":
            base = f"reconnecting: attempt {state.attempt} of {state.max_attempts}"
            if state.next_retry_at is not None:
                base += f", next at {clock_time(state.next_retry_at)}"
        elif phase == "queued":
            base = "queued: waiting for a free live session slot"
        elif phase == "failed":
            base = "failed" + (f": {safe_line(state.last_error)}" if state.last_error else "")
        else:
            base = phase
    if queued:
        base += f" · {plural(queued, 'prompt')} queued"
    return base


def mode_text(mode: str, model: str | None) -> str:
    """The right half of the status line: permission mode and model."""
    text = f"mode: {safe_line(mode)}"
    if model and not model.startswith("<"):
        text += f" · {safe_line(model)}"
    return text


def permission_note(request: PermissionRequest, answer: PermissionAnswer) -> str:
    """``allowed once: Write notes.md``: the answer, shown where it was given."""
    from ..engine.permissions import Decision, relative_to_cwd, summary

    target = summary(request)
    if request.tool_name in ("Edit", "Write", "MultiEdit", "Read", "NotebookEdit"):
        target = relative_to_cwd(target, request.cwd)
    what = safe_line(request.tool_name) if target == request.tool_name else f"{safe_line(request.tool_name)} {safe_line(target)}"
    if len(what) > 100:
        what = what[:99] + "…"
    if answer.decision is Decision.ALLOW_ONCE:
        return f"allowed once: {what}"
    if answer.decision is Decision.ALLOW_SESSION:
        return f"allowed for this session: {what}"
    note = f"denied: {what}"
    if answer.message.strip():
        note += f" — {safe_line(answer.message.strip())}"
    return note


def prompt_title(text: str, limit: int = 60) -> str:
    """A tab title for a new session: the prompt's first line, cut."""
    line = safe_line(" ".join(text.split()))
    return line if len(line) <= limit else line[: limit - 1] + "…"


def draft_intro_text(cwd: Path, change_key: str) -> Content:
    """The line above a draft: where it will run, and the key that changes it."""
    where = safe_line(str(cwd))
    parts: list[Content | tuple[str, str] | str] = [("New session", "bold"), ("  in " + where, "dim")]
    if change_key:
        parts.append((f"  ({change_key} changes it)", "dim"))
    return Content.assemble(*parts)
