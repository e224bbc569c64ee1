"""Session actions on a live session, through the REAL bundled CLI and the fake
Messages API: delete closes its CLI first, then removes it everywhere; a rename
of the session on screen reaches Claude Code's transcript of it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from claude_tui.engine.processes import alive
from claude_tui.screens.confirm import ConfirmScreen
from claude_tui.screens.rename import RenameScreen
from tests.fakes.anthropic_api import FakeAnthropicAPI
from tests.fakes.cli_env import CliEnv, project_dir_name
from tests.ui.fixtures import wait_until
from tests.ui.test_live import SIZE, WAIT_S, live_app, live_of, ready, send, turn_done  # noqa: F401 (fixture)


async def test_delete_of_a_live_session_stops_its_cli_and_removes_it_everywhere(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]
) -> None:
    app = live_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await send(pilot, "remember kiwi")
        await turn_done(pilot)
        view = app.current_view
        key, pid = view.key, live_of(app).worker.pid
        local = cli_env.config_dir / "projects" / project_dir_name(cli_env.cwd) / f"{key[1]}.jsonl"
        await wait_until(pilot, lambda: key in app._by_key and local.exists(), WAIT_S, "stored and written")
        assert alive(pid)
        # Rename while it is live: Claude Code's transcript gets the title too.
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, RenameScreen) and app.screen.query("#rename-input"), what="rename")
        await pilot.press("ctrl+a", "ctrl+k", *"Kiwi memory", "enter")
        await wait_until(pilot, lambda: app._by_key[key].display_title == "Kiwi memory", WAIT_S, "renamed")
        await wait_until(pilot, lambda: '"customTitle":"Kiwi memory"' in local.read_text(), WAIT_S, "title in the transcript")
        # Delete it from the palette's action (the session on screen).
        app.session_actions.delete()
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen.query("#confirm-no"), what="confirmation")
        assert "Kiwi memory" in str(app.screen.query_one(".modal-body").render())
        await pilot.press("y")
        await wait_until(pilot, lambda: not alive(pid), WAIT_S, "CLI gone")
        await wait_until(pilot, lambda: key not in app._by_key, WAIT_S, "unlisted")
        assert app.view_for(key) is None and app.live.manager.get(key[1]) is None
        assert await app.store.session(*key) is None
        assert not local.exists()
