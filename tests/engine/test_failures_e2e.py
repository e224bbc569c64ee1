"""Failures said right, through the REAL bundled CLI and the fake Messages API:
what a killed CLI's message names, and what a retry after a failed turn sends."""

from __future__ import annotations

import asyncio
import os
import signal

from claude_tui.engine import ErrorOccurred, Phase
from claude_tui.store import SqliteSessionStore
from tests.engine.helpers import WAIT_S, engine_settings, make_worker, of, texts, turn, wait_phase
from tests.fakes.anthropic_api import FakeAnthropicAPI, Fault, Text
from tests.fakes.cli_env import CliEnv

OLD_WARNING = "[claude-code:unrecognized_model] an earlier warning, nothing to do with what follows"


async def test_a_cli_killed_mid_stream_is_said_to_be_killed_not_an_old_warning(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore
) -> None:
    worker = make_worker(cli_env, engine_settings(), store).start()
    await turn(worker, "first turn")
    worker.log.append(OLD_WARNING)  # as the CLI printed it before this turn
    fake_api.queue_fault(Fault.stall(after_deltas=2))
    fake_api.queue_reply(Text("partial words before death"))
    with worker.events() as stream:
        pending = worker.send("second turn")
        await fake_api.wait_for_held(1)
        await stream.wait_for(lambda e: texts(stream.history) == "partial words")
        assert worker.pid is not None
        os.kill(worker.pid, signal.SIGKILL)
        await asyncio.wait_for(pending, WAIT_S)
        await wait_phase(stream, worker, Phase.READY)
        events = stream.drain()
    fake_api.release()
    await worker.close()
    (error,) = of(events, ErrorOccurred)
    assert "killed (signal 9)" in error.message
    assert "unrecognized_model" not in error.message


async def test_an_interrupted_turn_is_stored_with_its_marker_not_counted_as_a_message(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore
) -> None:
    from claude_tui.store.text import is_interruption
    from claude_tui.transcript import conversation

    worker = make_worker(cli_env, engine_settings(), store).start()
    await turn(worker, "first turn")
    fake_api.queue_fault(Fault.stall(after_deltas=2))
    fake_api.queue_reply(Text("partial words then more"))
    with worker.events() as stream:
        pending = worker.send("tell me a story")
        await fake_api.wait_for_held(1)
        await stream.wait_for(lambda e: texts(stream.history) == "partial words")
        worker.interrupt()
        stopped = await asyncio.wait_for(pending, WAIT_S)
    fake_api.release()
    await turn(worker, "third turn")
    await worker.flush(timeout=WAIT_S)
    await worker.close()
    assert stopped is not None and stopped.outcome == "interrupted"
    key = {"project_key": worker.project_key, "session_id": worker.session_id}
    entries = await store.load(key) or []  # type: ignore[arg-type]
    assert any(is_interruption(e) for e in entries), "the real CLI wrote its marker line"
    messages = conversation(entries)
    assert [m.text for m in messages if m.role == "user"] == ["first turn", "tell me a story", "third turn"]
    assert [m.interrupted for m in messages if m.role == "user" or m.interrupted].count(True) == 1
    row = await store.session(worker.project_key, worker.session_id)
    assert row is not None and row.message_count == len(messages)


async def test_a_retry_after_a_crash_sends_the_killed_prompt_once(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore
) -> None:
    """The killed CLI had written the prompt to its transcript (it had time to):
    resumed plainly, the retry carried it twice with "No response requested."."""
    from tests.fakes.anthropic_api import conversation

    worker = make_worker(cli_env, engine_settings(), store).start()
    await turn(worker, "first turn")
    fake_api.queue_fault(Fault.stall(after_deltas=2))
    fake_api.queue_reply(Text("partial words before death"))
    with worker.events() as stream:
        pending = worker.send("second turn")
        await fake_api.wait_for_held(1)
        await stream.wait_for(lambda e: texts(stream.history) == "partial words")
        await _until_written(cli_env, worker, "second turn")
        os.kill(worker.pid, signal.SIGKILL)
        await asyncio.wait_for(pending, WAIT_S)
        await wait_phase(stream, worker, Phase.READY)
    fake_api.release()
    await turn(worker, "second turn")  # the retry
    await turn(worker, "third turn")
    await worker.flush(timeout=WAIT_S)
    await worker.close()
    retried, third = fake_api.message_requests[-2], fake_api.message_requests[-1]
    said = [text for _, text in conversation(retried)]
    assert said.count("second turn") == 1 and said[-1] == "second turn", said
    assert "No response requested." not in said
    later = [text for _, text in conversation(third)]
    assert later.count("second turn") == 1 and later[-1] == "third turn", later
    assert "No response requested." not in later
    # and a later plain resume follows the retried turn, not the dead prompt
    again = make_worker(cli_env, engine_settings(), store, session_id=worker.session_id, resume=True).start()
    await turn(again, "fourth turn")
    await again.close()
    resumed = [text for _, text in conversation(fake_api.message_requests[-1])]
    assert resumed.count("second turn") == 1 and "third turn" in resumed and "No response requested." not in resumed, resumed


async def _until_written(cli_env: CliEnv, worker: object, prompt: str) -> None:
    """Wait (bounded) until the CLI has written ``prompt`` to its local transcript."""
    path = worker.transcript_path  # type: ignore[attr-defined]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT_S
    while not (path.is_file() and prompt in path.read_text(errors="replace")):
        assert loop.time() < deadline, "the CLI never wrote the prompt to its transcript"
        await asyncio.sleep(0.05)
