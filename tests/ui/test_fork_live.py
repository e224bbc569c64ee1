"""Forks through the REAL bundled CLI and the fake Messages API: "Fork session"
opens a new session whose first turn carries the same history under a new id
(the original untouched); "Fork from message" N sends exactly the history up
to N and its reply, with N's text in the prompt for editing; "Open parent
session" goes back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from claude_tui.screens.fork_pick import ForkPickScreen
from tests.fakes.anthropic_api import FakeAnthropicAPI, messages_texts
from tests.fakes.cli_env import CliEnv, project_dir_name
from tests.ui.fixtures import wait_until
from tests.ui.test_live import SIZE, WAIT_S, live_app, ready, send, turn_done  # noqa: F401 (fixture)


async def two_turns(pilot: Any, first: str, second: str, third: str | None = None) -> tuple[str, str]:
    app = pilot.app
    await ready(pilot)
    for text in (first, second, *((third,) if third else ())):
        await send(pilot, text)
        await turn_done(pilot)
    key = app.current_view.key
    count = 6 if third else 4
    await wait_until(pilot, lambda: key in app._by_key and app._by_key[key].message_count >= count, WAIT_S, "stored")
    return key


async def fork_opened(pilot: Any, parent: tuple[str, str]) -> Any:
    app = pilot.app
    await wait_until(
        pilot,
        lambda: app.current_view is not None and app.current_view.key not in (None, parent)
        and app.focused is app.pane_for(app.current_view.key).prompt,
        WAIT_S,
        "the fork open, its prompt focused",
    )
    return app.current_view


async def test_fork_session_has_the_same_history_on_the_wire_and_a_new_id(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]
) -> None:
    app = live_app()
    async with app.run_test(size=SIZE) as pilot:
        key = await two_turns(pilot, "remember kiwi", "and plum")
        before = messages_texts(fake_api.message_requests[-1])
        title = app._by_key[key].display_title
        local = cli_env.config_dir / "projects" / project_dir_name(cli_env.cwd) / f"{key[1]}.jsonl"
        original = local.read_bytes()
        stored = await app.store.load({"project_key": key[0], "session_id": key[1]})
        await pilot.press("alt+d")
        view = await fork_opened(pilot, key)
        fork_key = view.key
        assert view.title == f"{title} (fork)"
        row = app._by_key[fork_key]  # listed at once
        assert row.parent_session_id == key[1] and row.fork_message == 2
        await send(pilot, "which fruits?")
        await turn_done(pilot)
        request = fake_api.message_requests[-1]
        texts = messages_texts(request)
        assert texts[: len(before)] == before and texts[-1] == "which fruits?"
        assert len(texts) == 5 and texts.count("remember kiwi") == 1 and texts.count("and plum") == 1  # with the second reply
        assert request.session_id == fork_key[1] != key[1]
        # The original is untouched: its transcript and stored entries as they were.
        assert local.read_bytes() == original
        assert await app.store.load({"project_key": key[0], "session_id": key[1]}) == stored
        # alt+u opens the parent again.
        await pilot.press("alt+u")
        await wait_until(pilot, lambda: app.current_view.key == key, WAIT_S, "the parent on screen")


async def test_fork_from_message_sends_exactly_the_history_up_to_it(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]
) -> None:
    app = live_app()
    async with app.run_test(size=SIZE) as pilot:
        key = await two_turns(pilot, "one apple", "two pears", "three figs")
        full = messages_texts(fake_api.message_requests[-1])  # 1, r1, 2, r2, 3
        await pilot.press("alt+m")  # the prompt has the focus: the list
        await wait_until(pilot, lambda: isinstance(app.screen, ForkPickScreen) and app.screen.query("#fork-pick-list"), WAIT_S, "the list")
        listed = app.screen.query_one("#fork-pick-list")
        await wait_until(pilot, lambda: listed.highlighted == 2, WAIT_S, "the cursor on the newest")  # newest last
        assert listed.option_count == 3
        await pilot.press("up", "enter")  # message 2
        view = await fork_opened(pilot, key)
        pane = app.pane_for(view.key)
        assert pane.prompt.text == "two pears"  # pre-filled, to edit
        row = app._by_key[view.key]
        assert (row.parent_session_id, row.fork_message) == (key[1], 2)
        await pilot.press(*" twice", "enter")
        await turn_done(pilot)
        texts = messages_texts(fake_api.message_requests[-1])
        assert texts == [*full[:4], "two pears twice"]
        assert "three figs" not in texts
        assert fake_api.message_requests[-1].session_id == view.key[1]
