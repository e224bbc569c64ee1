"""Engine pieces without a CLI: the live budget, turn timers, failure
classification, transcript restore, and the package staying import-cheap."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from claude_tui.config import TimeoutSettings
from claude_tui.engine.budget import LiveBudget
from claude_tui.engine.errors import api_failure, classify
from claude_tui.engine.timeouts import TimeoutPolicy, TurnClock, describe_timeout
from claude_tui.store import SqliteSessionStore
from claude_tui.store.restore import restore_transcript

# -- live budget -----------------------------------------------------------------------------


@dataclass(eq=False)
class Member:
    name: str
    budget: LiveBudget
    last_used: float = 0.0
    idle: bool = False
    granted: int = 0
    evictions: int = 0
    log: list[str] = field(default_factory=list)

    @property
    def evictable(self) -> bool:
        return self.idle

    def slot_granted(self) -> None:
        self.granted += 1
        self.log.append("granted")

    def evict_requested(self) -> None:
        self.evictions += 1
        self.log.append("evict")


def test_budget_grants_up_to_cap_then_evicts_least_recently_used_idle() -> None:
    budget = LiveBudget(2)
    a, b, c = (Member(n, budget, last_used=i) for i, n in enumerate("abc"))
    assert budget.request(a, urgent=True) and budget.request(b, urgent=True)
    a.idle = b.idle = True
    assert not budget.request(c, urgent=True)
    assert a.evictions == 1 and b.evictions == 0  # a is older
    budget.release(a)  # a disconnected
    assert c.granted == 1 and budget.live == 2 and budget.peak_live == 2


def test_budget_waits_when_no_holder_is_idle_and_serves_sends_first() -> None:
    budget = LiveBudget(1)
    a, pre, send = Member("a", budget), Member("pre", budget), Member("send", budget)
    assert budget.request(a, urgent=True)
    assert not budget.request(pre, urgent=False)
    assert not budget.request(send, urgent=True)
    assert a.evictions == 0  # streaming: not evictable
    a.idle = True
    budget.poke()
    assert a.evictions == 1
    budget.release(a)
    assert send.granted == 1 and pre.granted == 0
    budget.release(send)
    assert pre.granted == 1 and budget.peak_live == 1


def test_budget_declined_eviction_looks_for_another() -> None:
    budget = LiveBudget(2)
    a, b, c = Member("a", budget, 0), Member("b", budget, 1), Member("c", budget, 2)
    budget.request(a, urgent=True)
    budget.request(b, urgent=True)
    a.idle = b.idle = True
    budget.request(c, urgent=True)
    assert a.evictions == 1
    a.idle = False
    budget.declined(a)
    assert b.evictions == 1


def test_budget_zero_means_unlimited_and_cancel_leaves_the_line() -> None:
    budget = LiveBudget(0)
    members = [Member(str(i), budget) for i in range(10)]
    assert all(budget.request(m, urgent=False) for m in members)
    small = LiveBudget(1)
    x, y = Member("x", small), Member("y", small)
    small.request(x, urgent=True)
    small.request(y, urgent=True)
    small.cancel(y)
    small.release(x)
    assert y.granted == 0 and small.live == 0


# -- timers ---------------------------------------------------------------------------------------


def test_policy_from_settings_with_session_overrides() -> None:
    policy = TimeoutPolicy.from_settings(TimeoutSettings(), {"stall": 5, "turn": 0, "bogus": 1, "connect": -1})
    assert policy.stall == 5.0 and policy.turn == 0.0 and policy.connect == 30.0


def test_first_token_then_stall_only_inside_a_message() -> None:
    clock = TurnClock(TimeoutPolicy(first_token=10, stall=2, turn=100), now=0.0)
    assert dict(clock.deadlines()) == {"first_token": 10.0, "turn": 100.0}
    clock.on_stream_event("message_start", 1.0)
    assert dict(clock.deadlines()) == {"stall": 3.0, "turn": 100.0}
    clock.on_stream_event("content_block_delta", 2.5)
    assert clock.expired(4.0) is None and clock.expired(4.5) == "stall"
    clock.on_stream_event("message_stop", 3.0)  # a tool runs now: no stall timer
    assert clock.expired(50.0) is None and clock.expired(100.0) == "turn"


def test_api_retry_restarts_first_token_and_stops_stall() -> None:
    clock = TurnClock(TimeoutPolicy(first_token=10, stall=2, turn=0), now=0.0)
    clock.on_stream_event("message_start", 1.0)
    clock.on_api_retry(5.0)  # the stream dropped; the CLI backs off
    assert dict(clock.deadlines()) == {"first_token": 15.0}


def test_permission_wait_pauses_every_timer() -> None:
    clock = TurnClock(TimeoutPolicy(first_token=0, stall=2, turn=10), now=0.0)
    clock.on_stream_event("message_start", 1.0)
    clock.pause(2.0)
    assert clock.deadlines() == [] and clock.expired(1000.0) is None
    clock.resume(62.0)
    assert dict(clock.deadlines()) == {"stall": 64.0, "turn": 70.0}


def test_non_streaming_reply_counts_as_first_token_and_zero_disables() -> None:
    clock = TurnClock(TimeoutPolicy(first_token=1, stall=0, turn=0), now=0.0)
    clock.on_assistant_message(0.5)
    assert clock.deadlines() == []
    assert describe_timeout("stall", 60.0).startswith("stall timeout (60 s)")


# -- failure classification ---------------------------------------------------------------------


class ResultError(Exception):
    pass


class CLINotFoundError(Exception):
    pass


class ProcessError(Exception):
    exit_code = -9


def test_classify_unfixable_failures() -> None:
    not_found = classify(ResultError("No conversation found with session ID: x"), session_id="x", cwd="/p")
    assert not_found.kind == "not_found" and not not_found.retryable and "Start a new session" in not_found.message
    from_stderr = classify(ResultError("exit 1"), ["No conversation found with session ID: x"])
    assert from_stderr.kind == "not_found"
    missing = classify(CLINotFoundError("Claude Code not found at: /x"), cli_path="/x")
    assert missing.kind == "cli_missing" and "cli_path" in missing.message
    auth = classify(ResultError("Invalid API key · Please run /login"))
    assert auth.kind == "auth" and not auth.retryable


def test_classify_retryable_failures() -> None:
    died = classify(ProcessError("Command failed with exit code -9"), ["[claude-code:unrecognized_model] boom"])
    assert died.kind == "process" and died.retryable and "killed (signal 9)" in died.message
    assert "boom" not in died.message  # a kill from outside is not explained by what it printed

    class Exited(Exception):
        exit_code = 1

    Exited.__name__ = "ProcessError"
    failed = classify(Exited("Command failed with exit code 1"), ["fatal: out of cheese"])
    assert "exit code 1" in failed.message and "out of cheese" in failed.message


def test_stderr_log_keeps_a_failure_to_its_last_moments() -> None:
    from claude_tui.engine.stderr_log import RECENT_S, StderrLog

    now = [100.0]
    log = StderrLog(3, clock=lambda: now[0])
    log.append("[claude-code:unrecognized_model] at start")
    now[0] += 1
    log.mark()  # a turn begins
    log.append("during the turn")
    assert log.recent() == ["during the turn"]
    now[0] += RECENT_S + 1
    log.append("just now")
    assert log.recent() == ["just now"]  # too old to be its last words
    log.append("a")
    log.append("b")
    assert list(log) == ["just now", "a", "b"] and log.recent() == ["just now", "a", "b"]  # bounded, in step
    assert classify(None).retryable
    assert classify(TimeoutError("x")).kind == "connect"


def test_api_failure_auth_is_not_retryable() -> None:
    assert not api_failure(401, "API Error: 401").retryable
    assert api_failure(529, "API Error: 529 Overloaded").retryable


# -- restore --------------------------------------------------------------------------------------


async def test_restore_writes_private_file_with_subagents_and_never_over_longer(tmp_path: Path) -> None:
    store = await SqliteSessionStore.open(tmp_path / "db.sqlite")
    key = {"project_key": "-p", "session_id": "s1"}
    entries = [
        {"type": "user", "uuid": "u1", "message": {"role": "user", "content": "hi"}},
        {"type": "assistant", "uuid": "a1", "message": {"role": "assistant", "content": [{"type": "text", "text": "yo"}]}},
    ]
    await store.append(key, entries)  # type: ignore[arg-type]
    await store.append({**key, "subpath": "subagents/agent-1"}, [{"type": "user", "uuid": "su1"}])  # type: ignore[arg-type]
    path = tmp_path / "projects" / "-p" / "s1.jsonl"
    try:
        assert await restore_transcript(store, "-p", "s1", path)
        lines = [json.loads(x) for x in path.read_text().splitlines()]
        assert [x["uuid"] for x in lines] == ["u1", "a1"]
        assert (path.stat().st_mode & 0o777) == 0o600
        sub = tmp_path / "projects" / "-p" / "s1" / "subagents" / "agent-1.jsonl"
        assert json.loads(sub.read_text())["uuid"] == "su1"
        longer = path.read_bytes() + b'{"type":"user","uuid":"u2"}\n'
        path.write_bytes(longer)
        assert not await restore_transcript(store, "-p", "s1", path)
        assert path.read_bytes() == longer
        assert not await restore_transcript(store, "-p", "nope", tmp_path / "nope.jsonl")
        assert not (tmp_path / "nope.jsonl").exists()
    finally:
        await store.close()


# -- import cost -----------------------------------------------------------------------------------


def test_importing_the_engine_does_not_import_the_sdk() -> None:
    code = (
        "import sys, claude_tui.engine, claude_tui.engine.worker, claude_tui.engine.manager;"
        "print('claude_agent_sdk' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    textual = subprocess.run(
        [sys.executable, "-c", "import sys, claude_tui.engine.manager; print([m for m in sys.modules if m.startswith('textual')])"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert textual.stdout.strip() == "[]"


@pytest.mark.parametrize("name", ["SessionWorker", "SessionManager", "LiveBudget"])
def test_lazy_names(name: str) -> None:
    import claude_tui.engine as engine

    assert getattr(engine, name).__name__ == name


@pytest.mark.parametrize(
    "path",
    ["/home/dev/project", "/tmp/with space/ünïcode", "/" + "/".join(["deep-directory-name"] * 15), "relative/dir"],
)
def test_project_key_matches_the_sdk(path: str) -> None:
    from claude_agent_sdk import project_key_for_directory

    from claude_tui.engine.options import project_key_for

    assert project_key_for(path) == project_key_for_directory(path)


def test_options_new_vs_resume_env_and_prompt() -> None:
    from claude_tui.config import ClaudeSettings
    from claude_tui.engine.options import ConnectionConfig, SessionSpec, build_options

    claude = ClaudeSettings(model="m1", system_prompt="be brief", api_timeout_ms=3000, max_retries=1, allow_bypass=True)
    spec = SessionSpec("11111111-2222-3333-4444-555555555555", "/tmp")
    lines: list[str] = []
    new = build_options(ConnectionConfig(claude, env={"X": "1"}), spec, resume=False, stderr=lines.append)
    assert new.session_id == spec.session_id and new.resume is None
    owner = {"CLAUDE_TUI_OWNER": str(os.getpid())}
    assert new.env == {"API_TIMEOUT_MS": "3000", "CLAUDE_CODE_MAX_RETRIES": "1", "X": "1", **owner}
    assert new.system_prompt == {"type": "preset", "preset": "claude_code", "append": "be brief"}
    assert new.include_partial_messages and new.model == "m1" and new.cwd == "/tmp"
    assert new.extra_args == {"allow-dangerously-skip-permissions": None}
    assert new.stderr is not None and new.can_use_tool is None
    resumed = build_options(
        ConnectionConfig(ClaudeSettings(), model="m2"), spec, resume=True, stderr=lines.append, can_use_tool=object()
    )
    assert resumed.resume == spec.session_id and resumed.session_id is None
    assert resumed.system_prompt == {"type": "preset", "preset": "claude_code"}  # Claude Code's own prompt kept
    assert resumed.env == owner and resumed.model == "m2" and resumed.can_use_tool is not None


def test_a_crashed_prompt_is_left_out_of_the_resume_only_when_unanswered(tmp_path: Path) -> None:
    import json as _json

    from claude_tui.engine.crash_resume import resume_point

    def write(*entries: dict) -> Path:
        path = tmp_path / "t.jsonl"
        path.write_text("\n".join(_json.dumps(e) for e in entries) + "\nnot json\n")
        return path

    first = {"type": "user", "uuid": "u1", "parentUuid": None, "message": {"role": "user", "content": "first"}}
    reply = {"type": "assistant", "uuid": "a1", "parentUuid": "u1", "message": {"id": "m1", "content": []}}
    dead = {"type": "user", "uuid": "u2", "parentUuid": "a1", "message": {"role": "user", "content": "again"}}
    attachment = {"type": "attachment", "uuid": "x1", "parentUuid": "u2"}
    assert resume_point(write(first, reply, dead, attachment), "again") == "a1"
    assert resume_point(write(first, reply, dead, {**reply, "uuid": "a2", "parentUuid": "u2"}), "again") is None
    assert resume_point(write(first, reply, dead), "something else") is None
    assert resume_point(write(first), "first") is None  # nothing before it to resume at
    assert resume_point(tmp_path / "missing.jsonl", "again") is None
