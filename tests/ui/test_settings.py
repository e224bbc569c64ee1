"""The Settings screen: validated as typed, saved with a backup and the unknown keys kept, in force at once."""

from __future__ import annotations

import tomllib
from pathlib import Path

from claude_tui.config import Settings, load_settings, save_settings
from claude_tui.screens.settings import SettingsScreen
from tests.ui.fixtures import make_app, settle, wait_until


def test_save_keeps_unknown_keys_and_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('future = 1\n[claude]\nmodel = "x"\nnew_key = "kept"\n[timeouts]\nstall = 5.0\n')
    settings = load_settings(path).settings
    settings.claude.model = None
    settings.timeouts.stall = 7.0
    save_settings(settings, path)
    data = tomllib.loads(path.read_text())
    assert data["future"] == 1 and data["claude"]["new_key"] == "kept"
    assert "model" not in data["claude"] and data["timeouts"]["stall"] == 7.0
    assert "stall = 5.0" in (tmp_path / "config.toml.bak").read_text()
    assert load_settings(path).settings.timeouts.stall == 7.0


async def test_settings_screen_validates_saves_and_applies(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('mystery = "kept"\n[ui]\ntheme = "textual-dark"\n')
    settings = Settings()
    settings.sessions.preconnect = False
    app = make_app(tmp_path, settings=settings)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        app.action_settings()
        await wait_until(pilot, lambda: isinstance(app.screen, SettingsScreen) and bool(app.screen.query("#set-timeouts-stall")), what="settings")
        stall = app.screen.query_one("#set-timeouts-stall")
        stall.value = "soon"
        error = app.screen.query_one("#settings-error")
        await wait_until(pilot, lambda: "timeouts.stall" in str(error.render()), what="named")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)  # not saved
        stall.value = "42"
        app.screen.query_one("#set-panels-shown").value = False
        await wait_until(pilot, lambda: str(error.render()) == "", what="valid")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, SettingsScreen), what="closed")
        await wait_until(pilot, lambda: "42" in config.read_text(), what="saved")
        data = tomllib.loads(config.read_text())
        assert data["timeouts"]["stall"] == 42.0 and data["mystery"] == "kept"
        assert (tmp_path / "config.toml.bak").exists()
        assert app.settings.timeouts.stall == 42.0  # in force without a restart
        assert not app.panels.side.shown
