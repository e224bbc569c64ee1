"""Errors said once and right, through the REAL CLI and the fake Messages API:
an API outage that ends a turn is one message with one instruction, retry
progress does not outlive its turn, a retry after a crash sends the prompt once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from claude_tui.widgets.notice import Notice
from tests.fakes.anthropic_api import FakeAnthropicAPI, Fault, Text
from tests.fakes.cli_env import CliEnv
from tests.ui.fixtures import screen_text
from tests.ui.test_live import SIZE, live_app, live_of, ready, send, turn_done  # noqa: F401 - live_app is a fixture


async def test_an_api_outage_that_ends_a_turn_is_said_once_with_one_instruction(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]
) -> None:
    fake_api.set_sticky_fault(Fault.server_error())
    app = live_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await send(pilot, "doomed")
        await turn_done(pilot)
        await pilot.pause()
        pane = app.pane_for_view(app.current_view)
        said = [n for n in pane.query(Notice)]
        assert [n.kind for n in said] == ["error"], [n.text for n in said]  # one message ...
        (failure,) = said
        assert "Internal server error" in failure.text and ".." not in failure.text
        assert "Send again" not in failure.text and failure.offers_retry  # ... one instruction: retry (^r)
        text = screen_text(app)
        assert text.count("Internal server error") == 1, text  # not in the reply body too
        assert "retrying" not in text  # the retry progress went with its turn
        assert not [n for n in app._notifications if n.severity == "error"]


async def test_retry_progress_becomes_recovered_when_the_turn_completes(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]
) -> None:
    fake_api.queue_fault(Fault.overloaded())
    fake_api.queue_reply(Text("made it after all"))
    app = live_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await send(pilot, "are you there")
        await turn_done(pilot)
        pane = app.pane_for_view(app.current_view)
        assert [n.text for n in pane.query(Notice)] == ["recovered after 1 retry"]
        assert "retrying" not in screen_text(app) and "made it after all" in screen_text(app)


async def test_kill_9_mid_stream_says_killed_and_ctrl_r_sends_the_prompt_once(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]
) -> None:
    import os
    import signal

    from tests.fakes.anthropic_api import conversation
    from tests.ui.fixtures import wait_until
    from tests.ui.test_live import WAIT_S, send_until_held

    app = live_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await send(pilot, "hello")
        await turn_done(pilot)
        fake_api.queue_fault(Fault.stall(after_deltas=2))
        fake_api.queue_reply(Text("the whole story"))
        await send_until_held(pilot, fake_api, "tell me a story")
        live = live_of(app)
        worker = app.live.manager.get(app.current_view.key[1])
        pid = worker.pid if worker is not None else None
        assert pid is not None
        path = worker.transcript_path
        await wait_until(pilot, lambda: path.is_file() and "tell me a story" in path.read_text(errors="replace"), WAIT_S, "prompt written")
        os.kill(pid, signal.SIGKILL)
        await turn_done(pilot)
        await wait_until(pilot, lambda: live.state is not None and live.state.phase.value == "ready", WAIT_S, "reconnected")
        pane = app.pane_for_view(app.current_view)
        said = " | ".join(n.text for n in pane.query(Notice))
        assert "killed (signal 9)" in said and "unrecognized_model" not in said
        requests = len(fake_api.message_requests)
        fake_api.release()
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: len(fake_api.message_requests) > requests, WAIT_S, "resent")
        await turn_done(pilot)
        texts = [t for _, t in conversation(fake_api.message_requests[-1])]
        assert texts.count("tell me a story") == 1 and "No response requested." not in texts, texts
