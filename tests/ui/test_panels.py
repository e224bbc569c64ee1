"""The side panels: shown from 140 columns, "Toggle panels" kept in the config,
folded on narrow terminals, following the current session, cheap once a second."""

from __future__ import annotations

import asyncio
import tomllib
from pathlib import Path
from typing import Any

from claude_tui.panels import git_branch, timeout_rows
from claude_tui.config import TimeoutSettings
from claude_tui.widgets.panels.session import SessionFacts, session_body
from tests.ui.fixtures import FIXED_NOW, browse_transcripts, build_store, make_app, settle, wait_until
from tests.ui.scenes import FLAKY, feed, open_and_settle, state_event, status_reconnecting


async def _app(tmp_path: Path, size: tuple[int, int]) -> Any:
    await build_store(tmp_path / "sessions.db", browse_transcripts())
    return make_app(tmp_path)


async def test_shown_from_140_columns_and_toggle_is_kept_in_the_config(tmp_path: Path) -> None:
    app = await _app(tmp_path, (160, 45))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        side = app.panels.side
        assert side.shown and side.display and side.region.width > 0
        await pilot.press("f9")
        await pilot.pause()
        assert not side.shown and side.region.width == 0
        config = tmp_path / "config.toml"
        await wait_until(pilot, lambda: config.exists() and "panels" in config.read_text(), what="config saved")
        assert tomllib.loads(config.read_text())["panels"]["shown"] is False
    # The next start keeps the choice.
    app = make_app(tmp_path)
    app.settings.panels.shown = False  # what load_settings reads from that file
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert not app.panels.side.shown


async def test_hidden_below_140_and_folded_toggle_is_not_kept(tmp_path: Path) -> None:
    app = await _app(tmp_path, (120, 36))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        side = app.panels.side
        assert side.folded and not side.shown
        await pilot.press("f9")
        await pilot.pause()
        assert side.shown and side.region.width > 0
        assert app.settings.panels.shown is True  # the wide choice did not change
        assert not (tmp_path / "config.toml").exists()
        # Growing the terminal unfolds the panels (the wide choice: shown).
        await pilot.resize_terminal(160, 45)
        await wait_until(pilot, lambda: not side.folded, what="unfolded")
        assert side.shown


async def test_toggle_panels_is_a_palette_command_and_on_the_help_screen(tmp_path: Path) -> None:
    app = await _app(tmp_path, (120, 36))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        names = [c.title for c in app.get_system_commands(app.screen)]
        assert "Toggle panels" in names
        assert any(binding_id == "toggle_panels" for _, _, binding_id in app.key_rows())


async def test_panels_follow_the_current_session_and_tick_cheaply(tmp_path: Path) -> None:
    app = await _app(tmp_path, (160, 45))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        panel = app.panels.side.session
        assert "draft: not sent yet" in panel.plain  # the launch draft
        await status_reconnecting(pilot)
        await wait_until(pilot, lambda: "next try in 8 s" in panel.plain, what="countdown")
        assert FLAKY[1] in panel.plain and "attempt 2 of 5" in panel.plain
        # A second with nothing new redraws nothing.
        updates = panel.updates
        app.panels.refresh()
        app.panels.refresh()
        assert panel.updates == updates
        # Time passing moves the countdown (the clock is the app's).
        later = FIXED_NOW.timestamp() + 3
        app.clock = lambda: __import__("datetime").datetime.fromtimestamp(later, FIXED_NOW.tzinfo)
        app.panels.refresh()
        assert "next try in 5 s" in panel.plain and panel.updates == updates + 1
        # Connected again.
        await feed(pilot, FLAKY, state_event(FLAKY, "ready"))
        await wait_until(pilot, lambda: "connected" in panel.plain, what="connected")
        # Back to the draft: the panel follows.
        await pilot.press("alt+1")
        await wait_until(pilot, lambda: "draft: not sent yet" in panel.plain, what="followed")


async def test_refresh_costs_under_2ms(tmp_path: Path) -> None:
    app = await _app(tmp_path, (160, 45))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await status_reconnecting(pilot)
        loop = asyncio.get_running_loop()
        start = loop.time()
        for _ in range(50):
            app.panels.refresh()
        assert (loop.time() - start) / 50 < 0.002


def test_session_body_shows_text_literally_and_the_error_time() -> None:
    facts = SessionFacts(
        draft=False, session_id="s1", cwd="/tmp/[red]x[/red]", phase="failed",
        last_error="boom [bold]x\x1b[31m", last_error_at=FIXED_NOW.timestamp(), context=(50, 100),
    )
    text = session_body(facts, FIXED_NOW.timestamp()).plain
    assert "/tmp/[red]x[/red]" in text and "boom [bold]x\\x1b[31m" in text
    assert "last error at" in text and "50 of 50" not in text and "(50%)" in text


def test_timeout_rows_name_where_each_value_comes_from() -> None:
    settings = TimeoutSettings(stall=90.0)
    rows = {r.name: r for r in timeout_rows(settings, {"turn": 600})}
    assert rows["connect"].source == "default"
    assert rows["stall"].source == "config" and rows["stall"].seconds == 90.0
    assert rows["turn"].source == "this session" and rows["turn"].seconds == 600.0


def test_git_branch_reads_head(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/feature/panels\n")
    (tmp_path / "sub").mkdir()
    assert git_branch(str(tmp_path / "sub")) == "feature/panels"
    assert git_branch("/nonexistent/place") is None


async def test_80x24_panels_take_the_sidebar_room_not_the_chat(tmp_path: Path) -> None:
    app = await _app(tmp_path, (80, 24))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        if app.sidebar.region.width == 0:
            app.action_toggle_sidebar()
            await pilot.pause()
        assert app.sidebar.region.width > 0
        await pilot.press("f9")
        await pilot.pause()
        assert app.panels.side.region.width > 0 and app.sidebar.region.width == 0
        pane = app.pane_for_view(app.current_view)
        assert pane.region.width >= 40
