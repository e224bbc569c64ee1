"""Escape, then ctrl+r: the retried prompt goes out once (issue 11), through the REAL CLI
and the fake Messages API. The interrupted CLI kept the prompt, its partial reply and
the interruption marker; the retry resumes a new CLI before them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from claude_tui.widgets.streaming_reply import StreamingReply
from tests.fakes.anthropic_api import FakeAnthropicAPI, Fault, Text, conversation
from tests.fakes.cli_env import CliEnv
from tests.ui.fixtures import wait_until
from tests.ui.test_live import WAIT_S, live_app, live_of, ready, send, send_until_held, streamed, turn_done  # noqa: F401


async def test_escape_then_ctrl_r_sends_the_prompt_once(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]  # noqa: F811
) -> None:
    app = live_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await send(pilot, "hello")
        await turn_done(pilot)
        fake_api.queue_fault(Fault.stall(after_deltas=2))
        fake_api.queue_reply(Text("partial words then the rest"))
        await send_until_held(pilot, fake_api, "tell me a story")
        replies = lambda: app.pane_for_view(app.current_view).query(StreamingReply)  # noqa: E731
        await wait_until(pilot, lambda: streamed(replies().last()) == "partial words", WAIT_S, "deltas shown")
        await wait_until(pilot, lambda: app.check_action("interrupt", ()), WAIT_S, "interruptible")
        await pilot.press("escape")
        await turn_done(pilot)
        live = live_of(app)
        assert live.retry_prompt == "tell me a story"
        fake_api.release()
        requests = len(fake_api.message_requests)
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: len(fake_api.message_requests) > requests, WAIT_S, "resent")
        await turn_done(pilot)
        said = [text for _, text in conversation(fake_api.message_requests[-1])]
        assert said.count("tell me a story") == 1 and said[-1] == "tell me a story", said
        assert "No response requested." not in said and not any("interrupted" in t for t in said), said
        assert streamed(replies().last()) == "partial words then the rest"
