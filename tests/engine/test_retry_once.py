"""A retried prompt is in the archive once (issue 11), through the REAL bundled CLI and
the fake Messages API: the killed CLI had written the prompt to its transcript, the
retry resumed before it (engine/crash_resume.py) and sent it again; the dead try stays
in the file, but ``show`` and the session's message count have the prompt once."""

from __future__ import annotations

import asyncio
import os
import signal

from claude_tui.engine import Phase
from claude_tui.store import SqliteSessionStore
from tests.engine.helpers import WAIT_S, engine_settings, make_worker, texts, turn, wait_phase
from tests.fakes.anthropic_api import FakeAnthropicAPI, Fault, Text
from tests.fakes.cli_env import CliEnv


async def _until_written(worker: object, prompt: str) -> None:
    """Wait (bounded) until the CLI has written ``prompt`` to its local transcript."""
    path = worker.transcript_path  # type: ignore[attr-defined]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT_S
    while not (path.is_file() and prompt in path.read_text(errors="replace")):
        assert loop.time() < deadline, "the CLI never wrote the prompt to its transcript"
        await asyncio.sleep(0.05)


async def test_a_prompt_retried_after_a_crash_is_archived_once(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore
) -> None:
    from claude_tui.export import to_text
    from claude_tui.store.text import is_user_prompt, user_prompt_text
    from claude_tui.transcript import conversation

    worker = make_worker(cli_env, engine_settings(), store).start()
    await turn(worker, "first turn")
    fake_api.queue_fault(Fault.stall(after_deltas=2))
    fake_api.queue_reply(Text("partial words before death"))
    with worker.events() as stream:
        pending = worker.send("second turn")
        await fake_api.wait_for_held(1)
        await stream.wait_for(lambda e: texts(stream.history) == "partial words")
        await _until_written(worker, "second turn")
        assert worker.pid is not None
        os.kill(worker.pid, signal.SIGKILL)
        await asyncio.wait_for(pending, WAIT_S)
        await wait_phase(stream, worker, Phase.READY)
    fake_api.release()
    await turn(worker, "second turn")  # the retry
    await worker.flush(timeout=WAIT_S)
    await worker.close()
    entries = await store.load({"project_key": worker.project_key, "session_id": worker.session_id}) or []  # type: ignore[typeddict-item]
    tries = [e for e in entries if is_user_prompt(e) and user_prompt_text(e) == "second turn"]
    assert len(tries) == 2, "the dead try and the retry are both in the file (and the archive)"
    messages = conversation(entries)
    assert [m.text for m in messages if m.role == "user"] == ["first turn", "second turn"]
    row = await store.session(worker.project_key, worker.session_id)
    assert row is not None and row.message_count == len(messages) == 4
    shown = to_text(row, entries)
    assert shown.count("second turn") == 1, shown


async def test_a_retried_interrupted_prompt_is_sent_once_and_archived_once(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore
) -> None:
    """Interrupted mid-reply, the CLI keeps the prompt, the partial reply and its
    interruption marker: a retry sent plainly carried the prompt twice. A retry
    resumes a new CLI before the first try: the request has the prompt once."""
    from claude_tui.export import to_text
    from claude_tui.transcript import conversation
    from tests.fakes.anthropic_api import conversation as wire

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
    assert stopped is not None and stopped.outcome == "interrupted"
    fake_api.release()
    pid = worker.pid
    retried = await asyncio.wait_for(worker.send("tell me a story", retry=True), WAIT_S)
    assert retried is not None and retried.outcome == "completed", retried
    assert worker.pid != pid, "a new CLI, resumed before the first try"
    said = [text for _, text in wire(fake_api.message_requests[-1])]
    assert said.count("tell me a story") == 1 and said[-1] == "tell me a story", said
    assert not any("interrupted" in t or t == "partial words" for t in said), said
    await turn(worker, "and then?")  # the next turn builds on the retried one
    later = [text for _, text in wire(fake_api.message_requests[-1])]
    assert later.count("tell me a story") == 1 and later[-1] == "and then?", later
    await worker.flush(timeout=WAIT_S)
    await worker.close()
    entries = await store.load({"project_key": worker.project_key, "session_id": worker.session_id}) or []  # type: ignore[typeddict-item]
    messages = conversation(entries)
    assert [m.text for m in messages if m.role == "user"] == ["first turn", "tell me a story", "and then?"]
    assert not any(m.interrupted for m in messages)
    row = await store.session(worker.project_key, worker.session_id)
    assert row is not None and row.message_count == len(messages) == 6
    assert to_text(row, entries).count("tell me a story") == 1


async def test_a_new_prompt_after_an_interruption_keeps_the_interrupted_turn(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore
) -> None:
    """Only a retry leaves the first try out: another prompt after an interruption
    goes to the same CLI, which still has the interrupted turn (as Claude Code does)."""
    from tests.fakes.anthropic_api import conversation as wire

    worker = make_worker(cli_env, engine_settings(), store).start()
    await turn(worker, "first turn")
    fake_api.queue_fault(Fault.stall(after_deltas=2))
    fake_api.queue_reply(Text("partial words then more"))
    with worker.events() as stream:
        pending = worker.send("tell me a story")
        await fake_api.wait_for_held(1)
        await stream.wait_for(lambda e: texts(stream.history) == "partial words")
        worker.interrupt()
        await asyncio.wait_for(pending, WAIT_S)
    fake_api.release()
    pid = worker.pid
    await turn(worker, "something else")
    assert worker.pid == pid
    said = [text for _, text in wire(fake_api.message_requests[-1])]
    assert "tell me a story" in said and said[-1].endswith("something else"), said
    await worker.close()


async def test_a_retry_never_takes_back_a_completed_turn(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore
) -> None:
    """The same words sent again after their turn completed (a retry of a send that
    never started, say) go to the same CLI: the answered turn stays."""
    from tests.fakes.anthropic_api import conversation as wire

    worker = make_worker(cli_env, engine_settings(), store).start()
    await turn(worker, "continue")
    pid = worker.pid
    done = await asyncio.wait_for(worker.send("continue", retry=True), WAIT_S)
    assert done is not None and done.outcome == "completed"
    assert worker.pid == pid
    said = [text for _, text in wire(fake_api.message_requests[-1])]
    assert said.count("continue") == 2, said
    await worker.close()
