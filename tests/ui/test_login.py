"""Logging in (issue 11), through the REAL bundled CLI and the local fake API.

Claude Code runs with no credentials in a scratch config dir (no
ANTHROPIC_API_KEY anywhere): the first screen says so and what to do, a sent
prompt stays in the prompt box and nothing is stored, and once a key appears
the palette's "Reconnect now" clears the way and Enter sends the same prompt.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from claude_tui.engine.auth import login_argv
from claude_tui.login import UNSUPPORTED
from tests.fakes.anthropic_api import FakeAnthropicAPI, last_user_text
from tests.fakes.cli_env import CliEnv
from tests.ui.fixtures import screen_text, wait_until
from tests.ui.test_live import SIZE, WAIT_S, live_app, ready  # noqa: F401 - fixture

__all__ = ["live_app"]


@pytest.fixture
def no_key(cli_env: CliEnv, monkeypatch: pytest.MonkeyPatch) -> CliEnv:
    """The CLI's scratch environment without any credentials."""
    cli_env.env.pop("ANTHROPIC_API_KEY", None)
    for key in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    return cli_env


async def checked(pilot: Any, at_least: int = 1) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: app.login.checks >= at_least, timeout=WAIT_S, what="auth status asked")
    await pilot.pause()


async def run_palette_command(pilot: Any, name: str) -> None:
    from textual.command import CommandPalette

    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), what="palette")
    await pilot.press(*name)
    await wait_until(
        pilot, lambda: name in str(app.screen.query_one("CommandList").get_option_at_index(0).prompt), what=name
    )
    await pilot.press("enter")


def stored_transcripts(env: CliEnv) -> list[Any]:
    return list(env.projects_dir.rglob("*.jsonl")) if env.projects_dir.exists() else []


async def test_not_logged_in_first_screen_keeps_the_prompt_and_sends_it_after_reconnect(
    no_key: CliEnv, fake_api: FakeAnthropicAPI, live_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = live_app(check_login=True)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await checked(pilot)
        assert app.login.status.logged_in is False
        text = screen_text(app)
        assert "Not logged in to Claude." in text
        assert "Log in to Claude" in text and "^l" in text and "ANTHROPIC_API_KEY" in text

        await pilot.press(*"hello there")
        await pilot.press("enter")
        await pilot.pause()
        view = app.current_view
        pane = app.pane_for_view(view)
        assert pane.prompt.text == "hello there"  # still there, not sent
        assert view.key is None  # still a draft: no session made
        await wait_until(pilot, lambda: "your prompt was not sent" in screen_text(app), what="the banner says so")
        assert app.live.session_of(view).sent is False
        assert fake_api.message_requests == []
        assert app.all_sessions() == [] and stored_transcripts(no_key) == []

        # Credentials appear (a key in the environment the sessions' CLI inherits).
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
        await run_palette_command(pilot, "Reconnect now")
        await checked(pilot, 2)
        assert app.login.status.logged_in is True
        await wait_until(pilot, lambda: "Not logged in" not in screen_text(app), what="the banner gone")
        assert app.focused is pane.prompt and pane.prompt.text == "hello there"

        await pilot.press("enter")  # one key sends the same prompt
        await wait_until(
            pilot,
            lambda: any(last_user_text(r) == "hello there" for r in fake_api.message_requests),
            timeout=WAIT_S,
            what="the prompt reached the API",
        )
        live = app.live.session_of(view)
        await wait_until(pilot, lambda: live.sent and not live.busy, timeout=WAIT_S, what="turn done")
        assert view.key is not None


async def test_logged_in_says_nothing(
    cli_env: CliEnv, fake_api: FakeAnthropicAPI, live_app: Callable[..., Any]
) -> None:
    app = live_app(check_login=True)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await checked(pilot)
        assert app.login.status.logged_in is True
        assert "Not logged in" not in screen_text(app)
        assert not app.login.holds("hello")


async def test_log_in_suspends_runs_the_clis_login_and_asks_again(
    no_key: CliEnv, fake_api: FakeAnthropicAPI, live_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import claude_tui.login as login_module

    ran: list[tuple[list[str], dict[str, str]]] = []
    suspended: list[bool] = []

    def fake_login(argv: list[str], env: dict[str, str]) -> int:
        ran.append((argv, env))
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")  # as if the login stored credentials
        return 0

    @contextmanager
    def suspend() -> Iterator[None]:
        suspended.append(True)
        yield

    monkeypatch.setattr(login_module, "_run_in_terminal", fake_login)
    app = live_app(check_login=True)
    monkeypatch.setattr(app, "suspend", suspend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await checked(pilot)
        assert app.login.logged_out
        await pilot.press("ctrl+l")
        await checked(pilot, 2)
        assert suspended == [True]
        cli = app.login.cli()
        assert [argv for argv, _ in ran] == [login_argv(cli)]
        env = ran[0][1]
        assert env["CLAUDE_CONFIG_DIR"] == str(no_key.config_dir) and "ANTHROPIC_API_KEY" not in env
        assert app.login.status.logged_in is True
        await wait_until(pilot, lambda: "Not logged in" not in screen_text(app), what="the banner gone")


async def test_log_in_where_the_app_cannot_suspend_says_so(
    no_key: CliEnv, fake_api: FakeAnthropicAPI, live_app: Callable[..., Any]
) -> None:
    app = live_app(check_login=True)
    async with app.run_test(size=SIZE) as pilot:  # headless: no terminal to hand over
        await ready(pilot)
        await checked(pilot)
        await run_palette_command(pilot, "Log in to Claude")
        await wait_until(pilot, lambda: any(n.message == UNSUPPORTED for n in app._notifications), what="the notice")
        assert app.login.logged_out


async def test_a_send_that_fails_for_auth_is_not_kept_and_its_prompt_comes_back(
    no_key: CliEnv, fake_api: FakeAnthropicAPI, live_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Not asked beforehand (as when the CLI could not answer): the send goes out and fails.
    app = live_app(check_login=False)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        first = app.current_view
        await pilot.press(*"hello there")
        await pilot.press("enter")
        await wait_until(pilot, lambda: first.key is not None, timeout=WAIT_S, what="the draft became a session")
        key = first.key
        await wait_until(
            pilot, lambda: first not in app.open_views and app.current_view is not None, timeout=WAIT_S,
            what="the failed session closed",
        )
        view = app.current_view
        pane = app.pane_for_view(view)
        await wait_until(pilot, lambda: pane.prompt.text == "hello there", timeout=WAIT_S, what="the prompt back")
        await checked(pilot)
        assert view.key is None and len(app.open_views) == 1  # a draft again, in the same folder
        assert app.live.session_of(view).cwd == no_key.cwd
        assert await app.store.session(*key) is None and app.all_sessions() == []
        assert stored_transcripts(no_key) == []
        await wait_until(pilot, lambda: "your prompt was not sent" in screen_text(app), what="the banner")

        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
        await run_palette_command(pilot, "Reconnect now")
        await checked(pilot, 2)
        assert app.focused is pane.prompt
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: any(last_user_text(r) == "hello there" for r in fake_api.message_requests),
            timeout=WAIT_S,
            what="the prompt reached the API",
        )
