"""SessionWorker end to end: the REAL bundled CLI against the fake Messages API.

Each test takes about a second or two: timeouts and backoffs are small
(``engine_settings``) and every wait is on a condition with a bound, never a
sleep.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path
from typing import Any

import claude_agent_sdk  # noqa: F401 - these tests need the SDK: a broken install fails here, never skips

from claude_tui.engine import (
    ApiRetry,
    ErrorOccurred,
    Phase,
    PromptSent,
    SessionSaved,
    SessionStarted,
    StateChanged,
    TextDelta,
    ToolResult,
)
from claude_tui.engine.processes import alive
from claude_tui.store import SqliteSessionStore
from tests.engine.helpers import (
    WAIT_S,
    engine_settings,
    hanging_cli,
    make_worker,
    no_cli_left,
    of,
    phases,
    processes_named,
    stored_texts,
    texts,
    turn,
    wait_phase,
)
from tests.fakes.anthropic_api import FakeAnthropicAPI, Fault, Text, last_user_text, messages_texts
from tests.fakes.cli_env import CliEnv


# -- tests -------------------------------------------------------------------------------


async def test_two_turns_stream_in_order_and_land_in_store(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore
) -> None:
    fake_api.queue_reply(Text("alpha is the first letter"))
    fake_api.queue_reply(Text("beta is the second letter"))
    worker = make_worker(cli_env, engine_settings(), store).start()
    with worker.events() as stream:
        first = await turn(worker, "what is alpha?")
        second = await turn(worker, "what is beta?")
        await worker.flush(timeout=WAIT_S)
        events = stream.drain()
    pid = worker.pid
    await worker.close()

    assert first.outcome == "completed" and second.outcome == "completed"
    assert first.partial_text == "alpha is the first letter"
    assert second.output_tokens == 5 and second.cost_usd and second.input_tokens
    deltas = [e.text for e in of(events, TextDelta)]
    assert deltas[:2] == ["alpha", " is"]
    assert texts(events) == "alpha is the first letterbeta is the second letter"
    # order: prompt, deltas, completion, for each turn
    kinds = [type(e).__name__ for e in events if not isinstance(e, (StateChanged, SessionSaved))]
    assert kinds.index("PromptSent") < kinds.index("TextDelta") < kinds.index("TurnCompleted")
    assert of(events, SessionStarted)[0].resumed is False
    seen = phases(events)
    assert seen.index(Phase.CONNECTING) < seen.index(Phase.READY) < seen.index(Phase.STREAMING)
    assert worker.state.phase is Phase.CLOSED
    assert worker.state.messages == 4

    stored = await stored_texts(store, worker)
    assert [t for t, _ in stored].count("user") == 2
    assert len({u for _, u in stored}) == len(stored)
    row = await store.session(worker.project_key, worker.session_id)
    assert row is not None and row.message_count == 4 and row.cwd == os.path.realpath(cli_env.cwd)
    assert messages_texts(fake_api.message_requests[1])[:2] == ["what is alpha?", "alpha is the first letter"]
    no_cli_left(worker, pid)


async def test_new_worker_resumes_and_server_receives_earlier_turns(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore
) -> None:
    worker = make_worker(cli_env, engine_settings(), store).start()
    await turn(worker, "remember the word zebra")
    await worker.close()

    again = make_worker(cli_env, engine_settings(), store, session_id=worker.session_id, resume=True).start()
    with again.events() as stream:
        result = await turn(again, "which word?")
        started = await stream.wait_for(lambda e: isinstance(e, SessionStarted))
    await again.close()

    assert started.resumed and result.outcome == "completed"
    texts_sent = messages_texts(fake_api.message_requests[-1])
    assert texts_sent[0] == "remember the word zebra" and texts_sent[-1] == "which word?"
    assert fake_api.message_requests[-1].session_id == worker.session_id


async def test_api_overloaded_retry_events_then_success(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore
) -> None:
    fake_api.queue_fault(Fault.overloaded())
    fake_api.queue_reply(Text("after the retry"))
    worker = make_worker(cli_env, engine_settings(), store).start()
    with worker.events() as stream:
        result = await turn(worker, "retry me")
        events = stream.drain()
    await worker.close()

    retries = of(events, ApiRetry)
    assert len(retries) == 1
    assert retries[0].attempt == 1 and retries[0].max_retries == 2
    assert retries[0].status == 529 and retries[0].delay_s > 0
    assert result.outcome == "completed" and result.partial_text == "after the retry"
    assert not of(events, ErrorOccurred)
    assert not (cli_env.cwd / "made-by-tool.txt").exists()


async def test_api_errors_exhausted_end_turn_in_error_and_session_stays_usable(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore
) -> None:
    fake_api.set_sticky_fault(Fault.server_error())
    worker = make_worker(cli_env, engine_settings(), store).start()
    with worker.events() as stream:
        failed = await turn(worker, "doomed")
        fake_api.clear_faults()
        ok = await turn(worker, "works now")
        events = stream.drain()
    await worker.close()

    assert failed.outcome == "error" and failed.is_error and failed.api_error_status == 500
    errors = of(events, ErrorOccurred)
    assert [e.kind for e in errors] == ["api"] and errors[0].retryable
    assert len(of(events, ApiRetry)) == 2
    assert ok.outcome == "completed"
    assert Phase.FAILED not in phases(events) and Phase.RECONNECTING not in phases(events)


async def test_stall_interrupts_after_stall_timeout_and_next_turn_works(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore
) -> None:
    fake_api.queue_fault(Fault.stall(after_deltas=2))
    fake_api.queue_reply(Text("one two three four"))
    settings = engine_settings(timeouts={"stall": 1.0})
    worker = make_worker(cli_env, settings, store).start()
    with worker.events() as stream:
        started = time.monotonic()
        stalled = await turn(worker, "stall me")
        elapsed = time.monotonic() - started
        events = stream.drain()
        after = await turn(worker, "are you there?")
    await worker.close()

    assert stalled.outcome == "stalled"
    assert elapsed < 8.0  # the stall timer (1 s) fired, not the first-token one (15 s)
    assert stalled.partial_text == "one two"
    timeout = [e for e in of(events, ErrorOccurred) if e.kind == "timeout"]
    assert len(timeout) == 1 and timeout[0].timeout == "stall" and timeout[0].seconds == 1.0
    assert "stall timeout (1 s)" in timeout[0].message
    assert Phase.INTERRUPTING in phases(events)
    assert Phase.RECONNECTING not in phases(events)  # interrupt worked: no kill
    assert after.outcome == "completed"


async def test_first_token_timeout_names_itself(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore
) -> None:
    fake_api.queue_fault(Fault.hang(hold_s=10))
    settings = engine_settings(timeouts={"first_token": 0.5})
    worker = make_worker(cli_env, settings, store).start()
    with worker.events() as stream:
        result = await turn(worker, "hang")
        events = stream.drain()
    fake_api.release()
    await worker.close()

    assert result.outcome == "timed_out"
    [timeout] = [e for e in of(events, ErrorOccurred) if e.kind == "timeout"]
    assert timeout.timeout == "first_token" and timeout.seconds == 0.5


async def test_cli_killed_mid_stream_reconnects_and_store_has_no_duplicates(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore
) -> None:
    worker = make_worker(cli_env, engine_settings(), store).start()
    await turn(worker, "first turn")
    fake_api.queue_fault(Fault.stall(after_deltas=2))
    fake_api.queue_reply(Text("partial words before death"))
    with worker.events() as stream:
        pending = worker.send("second turn")
        await fake_api.wait_for_held(1)
        await stream.wait_for(lambda e: texts(stream.history) == "partial words")
        old_pid = worker.pid
        assert old_pid is not None
        os.kill(old_pid, signal.SIGKILL)
        crashed = await asyncio.wait_for(pending, WAIT_S)
        await wait_phase(stream, worker, Phase.READY)
        after = await turn(worker, "third turn")
        await worker.flush(timeout=WAIT_S)
        events = stream.drain()
    await worker.close()

    assert crashed is not None and crashed.outcome == "crashed"
    assert crashed.partial_text == "partial words"
    reconnecting = [e.state for e in of(events, StateChanged) if e.state.phase is Phase.RECONNECTING]
    assert reconnecting and reconnecting[0].attempt == 1 and reconnecting[0].max_attempts == 3
    assert reconnecting[0].next_retry_at is not None
    assert [e.kind for e in of(events, ErrorOccurred)] == ["process"]
    assert after.outcome == "completed"
    assert worker.pid != old_pid
    # the crashed prompt was not resent by the engine on its own
    prompts = [e.prompt for e in of(events, PromptSent)]
    assert prompts == ["second turn", "third turn"]
    stored = await stored_texts(store, worker)
    assert len({u for _, u in stored}) == len(stored)
    # the killed CLI never wrote "second turn" to its transcript (it buffers until the turn ends)
    assert [t for t, _ in stored].count("user") == 2
    assert messages_texts(fake_api.message_requests[-1])[0] == "first turn"


async def test_bad_resume_id_fails_with_clear_message_and_no_retry_loop(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore
) -> None:
    worker = make_worker(cli_env, engine_settings(), store, resume=True).start()
    with worker.events() as stream:
        result = await asyncio.wait_for(worker.send("hello?"), WAIT_S)
        await wait_phase(stream, worker, Phase.FAILED)
        events = stream.drain()
    await worker.close()

    assert result is None
    assert worker.state.last_error and "cannot be resumed" in worker.state.last_error
    errors = of(events, ErrorOccurred)
    assert [e.kind for e in errors] == ["not_found"] and not errors[0].retryable
    assert Phase.RECONNECTING not in phases(events)
    assert phases(events).count(Phase.CONNECTING) == 1
    assert not fake_api.message_requests


async def test_missing_local_transcript_is_restored_from_store_and_resumed(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore
) -> None:
    worker = make_worker(cli_env, engine_settings(), store).start()
    await turn(worker, "the secret is mango")
    await worker.close()
    path = cli_env.transcript_path(worker.session_id)
    assert path.is_file()
    path.unlink()  # as if Claude Code swept it after 30 days

    again = make_worker(cli_env, engine_settings(), store, session_id=worker.session_id, resume=True).start()
    with again.events() as stream:
        result = await turn(again, "what is the secret?")
        events = stream.drain()
    await again.close()

    assert result.outcome == "completed"
    assert of(events, SessionStarted)[0].resumed
    assert path.is_file() and (path.stat().st_mode & 0o777) == 0o600
    sent = messages_texts(fake_api.message_requests[-1])
    assert sent[0] == "the secret is mango" and sent[-1] == "what is the secret?"
    assert any("restored" in line for line in again.log)


async def test_stuck_interrupt_kills_cli_and_reconnects(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore
) -> None:
    fake_api.queue_fault(Fault.stall(after_deltas=1))
    worker = make_worker(cli_env, engine_settings(), store, interrupt_grace=0.5).start()
    with worker.events() as stream:
        pending = worker.send("freeze")
        await stream.wait_for(lambda e: isinstance(e, TextDelta))
        await fake_api.wait_for_held(1)
        old_pid = worker.pid
        assert old_pid is not None
        os.kill(old_pid, signal.SIGSTOP)  # a CLI that answers nothing, not even interrupt
        worker.interrupt()
        result = await asyncio.wait_for(pending, WAIT_S)
        await wait_phase(stream, worker, Phase.READY)
        after = await turn(worker, "back?")
        events = stream.drain()
    await worker.close()

    assert result is not None and result.outcome == "interrupted"
    assert result.partial_text
    [timeout] = [e for e in of(events, ErrorOccurred) if e.kind == "timeout"]
    assert timeout.timeout == "interrupt" and timeout.seconds == 0.5
    assert Phase.RECONNECTING in phases(events)
    assert not alive(old_pid)
    assert after.outcome == "completed"


async def test_context_files_sent_once_then_only_when_changed(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore
) -> None:
    notes = cli_env.cwd / "notes.txt"
    notes.write_text("the password is kiwi\n")
    worker = make_worker(cli_env, engine_settings(), store).start()
    with worker.events() as stream:
        await turn(worker, "read my notes", ("notes.txt",))
        await turn(worker, "again", ("notes.txt",))
        notes.write_text("the password is lime\n")
        await turn(worker, "changed?", ("notes.txt",))
        refused = await asyncio.wait_for(worker.send("with a missing file", ("notes.txt", "gone.txt")), WAIT_S)
        events = stream.drain()
    await worker.close()

    def last_user(i: int) -> str:
        return last_user_text(fake_api.message_requests[i])

    requests = fake_api.message_requests
    assert len(requests) == 3  # the refused prompt never reached the API
    assert "the password is kiwi" in last_user(0) and "read my notes" in last_user(0)
    assert "kiwi" not in last_user(1) and "again" in last_user(1)
    assert "the password is lime" in last_user(2)
    assert [e.files for e in of(events, PromptSent)] == [("notes.txt",), (), ("notes.txt",)]
    assert refused is None
    [error] = [e for e in of(events, ErrorOccurred)]
    assert error.kind == "context_file" and error.path == "gone.txt" and "does not exist" in error.message
    assert worker.state.phase is Phase.CLOSED


async def test_permission_callback_seam_pauses_timers_while_the_user_decides(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore
) -> None:
    from claude_agent_sdk import PermissionResultDeny

    from tests.fakes.anthropic_api import ToolUse

    asked: list[tuple[str, str]] = []
    timers_while_asking: list[list[tuple[str, float]]] = []

    async def permission(session_id: str, tool: str, tool_input: dict[str, Any], context: Any) -> Any:
        asked.append((session_id, tool))
        turn = worker._turn
        timers_while_asking.append(turn.clock.deadlines() if turn is not None else [("no turn", 0.0)])
        return PermissionResultDeny(message="not now")

    fake_api.queue_reply(ToolUse("Bash", {"command": "touch made-by-tool.txt", "description": "make a file"}))
    fake_api.queue_reply(Text("ok, I will not"))
    worker = make_worker(cli_env, engine_settings(), store, permission_callback=permission).start()
    with worker.events() as stream:
        result = await asyncio.wait_for(worker.send("make a file"), WAIT_S)
        events = stream.drain()
    await worker.close()

    assert asked == [(worker.session_id, "Bash")]
    assert timers_while_asking == [[]]  # first-token, stall and turn timers all paused
    assert worker._next_deadline() is None
    assert result is not None and result.outcome == "completed"
    assert "ok, I will not" in result.partial_text
    assert of(events, ToolResult) and of(events, ToolResult)[0].is_error
    assert not of(events, ErrorOccurred)
    assert not (cli_env.cwd / "made-by-tool.txt").exists()


async def test_connect_timeout_names_itself_and_gives_up_after_max_attempts(
    cli_env: CliEnv, store: SqliteSessionStore, tmp_path: Path
) -> None:
    settings = engine_settings(
        claude={"cli_path": str(hanging_cli(tmp_path))},
        timeouts={"connect": 0.3},
        reconnect={"max_attempts": 1},
    )
    worker = make_worker(cli_env, settings, store).start()
    with worker.events() as stream:
        result = await asyncio.wait_for(worker.send("anyone?"), WAIT_S)
        await wait_phase(stream, worker, Phase.FAILED)
        events = stream.drain()
    await worker.close()

    assert result is None
    timeouts = [e for e in of(events, ErrorOccurred) if e.kind == "timeout"]
    assert [(e.timeout, e.seconds) for e in timeouts] == [("connect", 0.3), ("connect", 0.3)]
    attempts = [e.state.attempt for e in of(events, StateChanged) if e.state.phase is Phase.RECONNECTING]
    assert attempts and set(attempts) == {1}
    assert "gave up after 1 reconnect attempts" in (worker.state.last_error or "")
    assert not [pid for pid in processes_named("sleep 60")]


async def test_cli_not_found_fails_at_once_with_what_to_do(
    cli_env: CliEnv, store: SqliteSessionStore, tmp_path: Path
) -> None:
    settings = engine_settings(claude={"cli_path": str(tmp_path / "no-such-claude")})
    worker = make_worker(cli_env, settings, store).start()
    with worker.events() as stream:
        worker.connect()
        await wait_phase(stream, worker, Phase.FAILED)
        events = stream.drain()
    await worker.close()

    [error] = of(events, ErrorOccurred)
    assert error.kind == "cli_missing" and not error.retryable and "cli_path" in error.message
    assert Phase.RECONNECTING not in phases(events)


async def test_new_session_is_in_the_store_once_the_cli_reports_it(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore
) -> None:
    fake_api.queue_reply(Text("hello"))
    worker = make_worker(cli_env, engine_settings(), store).start()
    with worker.events() as stream:
        first = asyncio.ensure_future(worker.send("hi there", ()))
        await stream.wait_for(lambda e: isinstance(e, SessionStarted), WAIT_S)
        await worker.flush(timeout=WAIT_S)
        row = await store.session(worker.project_key, worker.session_id)
        assert row is not None and row.cwd == str(cli_env.cwd)
        await asyncio.wait_for(first, WAIT_S)
        await worker.flush(timeout=WAIT_S)
    await worker.close()
    await worker.flush(timeout=WAIT_S)


async def test_turn_cost_is_each_turns_own_across_cli_restarts(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore
) -> None:
    """The CLI reports its process's running total: each TurnCompleted carries
    the turn's own cost (also after the CLI restarted), the state the session's sum."""
    for word in ("one", "two", "three"):
        fake_api.queue_reply(Text(f"reply {word}"))
    worker = make_worker(cli_env, engine_settings(), store).start()
    with worker.events() as stream:
        first = await turn(worker, "first")
        second = await turn(worker, "second")
        pid = worker.pid
        worker.reconnect()
        await stream.wait_for(lambda e: isinstance(e, StateChanged) and e.state.phase is Phase.CONNECTING, WAIT_S)
        await wait_phase(stream, worker, Phase.READY)
        third = await turn(worker, "third")
        await worker.flush(timeout=WAIT_S)
    assert worker.pid != pid  # a new CLI process, whose running total began at zero
    state = worker.state
    await worker.close()

    costs = [t.cost_usd for t in (first, second, third)]
    assert all(c and c > 0 for c in costs), costs
    # Similar prompts cost about the same: the second is not the running total (twice the first).
    assert second.cost_usd < 1.5 * first.cost_usd  # type: ignore[operator]
    assert abs(state.cost_usd - sum(costs)) < 1e-9  # type: ignore[arg-type]
    assert state.input_tokens == sum(t.input_tokens or 0 for t in (first, second, third))
    assert state.output_tokens == sum(t.output_tokens or 0 for t in (first, second, third))
