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
