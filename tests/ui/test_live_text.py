"""The words of the live half: retries, turn endings, footers, the status line."""

from __future__ import annotations

from claude_tui.engine.events import ApiRetry, ErrorOccurred, TurnCompleted
from claude_tui.engine.permissions import Decision, PermissionAnswer, PermissionRequest
from claude_tui.engine.state import Phase, SessionState
from claude_tui.live.text import footer_text, outcome_text, permission_note, retry_text, seconds, status_text


def test_retry_text_names_attempt_delay_and_status() -> None:
    assert retry_text(ApiRetry("s", 2, 10, 4.0, 529, "overloaded_error")) == "retrying 2/10 in 4 s (529)"
    assert retry_text(ApiRetry("s", 1, 0, 0.54, None, "unknown")) == "retrying 1 in 0.5 s (unknown)"


def test_outcome_text_says_how_a_turn_ended() -> None:
    stall = ErrorOccurred("s", "timeout", "no stream event", True, timeout="stall", seconds=60.0)
    assert outcome_text(TurnCompleted("s", "stalled", 61.0, partial_text="half"), stall) == (
        "stalled after 60 s — interrupted; partial reply kept"
    )
    assert outcome_text(TurnCompleted("s", "interrupted", 1.0, partial_text="x")) == "interrupted — partial reply kept"
    assert outcome_text(TurnCompleted("s", "interrupted", 1.0)) == "interrupted"
    assert outcome_text(TurnCompleted("s", "crashed", 1.0)) == "Claude Code stopped mid-reply"
    assert outcome_text(TurnCompleted("s", "completed", 1.0)) is None


def test_footer_and_durations() -> None:
    turn = TurnCompleted("s", "completed", 4.25, input_tokens=1234, output_tokens=56, cost_usd=0.01234)
    assert footer_text(turn, "claude-sonnet-4-5")[0] == "claude-sonnet-4-5 · 1,234 in · 56 out · $0.0123 this turn · 4.2 s"
    assert footer_text(TurnCompleted("s", "error", 13.0), "<synthetic>") == ["13 s"]
    assert [seconds(x) for x in (0.25, 4.0, 64.0, 125.0, 0.018)] == ["0.2 s", "4 s", "64 s", "2 min 5 s", "18 ms"]


def test_footer_fits_by_dropping_whole_fields() -> None:
    """At 80 columns the chat is about 40 wide: the footer is shortened, never cut mid-word."""
    from claude_tui.widgets.turn_footer import fit_words

    turn = TurnCompleted("s", "completed", 0.93, input_tokens=1_234_567, output_tokens=5_678, cost_usd=1.2345)
    variants = footer_text(turn, "claude-sonnet-4-5-20250929")
    assert variants[0] == "claude-sonnet-4-5-20250929 · 1,234,567 in · 5,678 out · $1.2345 this turn · 0.9 s"
    for width in range(1, 90):
        shown = fit_words(variants, width)
        assert len(shown) <= width
        assert shown == "" or shown in variants or any(v.startswith(shown + " · ") for v in variants)
    assert fit_words(variants, 40) == "1.2M in · 5.7k out · $1.2345 · 0.9 s"
    assert fit_words(variants, 50) == "sonnet-4-5 · 1.2M in · 5.7k out · $1.2345 · 0.9 s"


def test_status_text_for_each_phase() -> None:
    base = SessionState("s", "p", "/w", Phase.RECONNECTING, 0.0, attempt=2, max_attempts=5, next_retry_at=None)
    assert status_text(base) == "reconnecting: attempt 2 of 5"
    failed = SessionState("s", "p", "/w", Phase.FAILED, 0.0, last_error="the CLI is missing")
    assert status_text(failed, queued=2) == "failed: the CLI is missing · 2 prompts queued"
    assert status_text(None, draft_cwd="/home/me/x") == "new session in /home/me/x"
    idle = SessionState("s", "p", "/w", Phase.IDLE, 0.0)
    assert status_text(idle) == "not connected: connects when you send"
    assert status_text(idle, preconnect=True) == "not connected: connects when you type"


def test_permission_note_says_what_was_answered() -> None:
    request = PermissionRequest(1, "s", "Write", {"file_path": "/w/notes.md"}, cwd="/w")
    assert permission_note(request, PermissionAnswer(Decision.ALLOW_ONCE)) == "allowed once: Write notes.md"
    assert permission_note(request, PermissionAnswer(Decision.ALLOW_SESSION)) == "allowed for this session: Write notes.md"
    bash = PermissionRequest(2, "s", "Bash", {"command": "rm -rf /\x1b[31m"}, cwd="/w")
    assert permission_note(bash, PermissionAnswer(Decision.DENY, "no")) == "denied: Bash rm -rf /\\x1b[31m — no"
