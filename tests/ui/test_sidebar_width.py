"""The sidebar grows with the terminal, can be widened and narrowed from the keyboard, and keeps its width."""

from __future__ import annotations

from pathlib import Path

from claude_tui.config import load_settings
from claude_tui.sidebar_width import AUTO_MIN, STEP, sidebar_width
from tests.ui.fixtures import browsing, wait_until


def test_width_is_a_share_of_the_terminal_with_bounds() -> None:
    assert sidebar_width(120) == AUTO_MIN  # as before on an ordinary terminal
    assert sidebar_width(200) > 50  # titles get room on a wide one
    assert sidebar_width(400) == sidebar_width(1000)  # and it stops growing
    assert sidebar_width(200, 90) == 90  # a chosen width is kept
    assert sidebar_width(110, 90) == 70  # but the chat keeps its room


async def test_wide_terminal_sidebar_grows_and_keys_resize_it_and_the_width_is_saved(tmp_path: Path) -> None:
    async with browsing(tmp_path, size=(200, 50)) as (app, pilot):
        sidebar = app.sidebar
        await wait_until(pilot, lambda: sidebar.outer_size.width == sidebar_width(200), what="auto width")
        start = sidebar.outer_size.width
        assert start > 50
        await pilot.press("f8")
        await wait_until(pilot, lambda: sidebar.outer_size.width == start + STEP, what="widened")
        await pilot.press("f7", "f7")
        await wait_until(pilot, lambda: sidebar.outer_size.width == start - STEP, what="narrowed")
        assert app.settings.ui.sidebar_width == start - STEP
        await wait_until(pilot, lambda: app.config_path.exists() and app._save_timer is None, what="saved")
        await app.workers.wait_for_complete()
    assert load_settings(app.config_path).settings.ui.sidebar_width == start - STEP


async def test_a_terminal_made_narrow_gives_the_sidebar_its_narrow_width(tmp_path: Path) -> None:
    """Seen in tmux: 160 columns, then 80: the sidebar kept its 44 columns and the
    chat got 35 (a fresh start at 80 columns gives the sidebar 33)."""
    async with browsing(tmp_path, size=(80, 24)) as (app, pilot):
        await pilot.pause()
        narrow = app.sidebar.outer_size.width
    async with browsing(tmp_path, size=(160, 45)) as (app, pilot):
        sidebar = app.sidebar
        await wait_until(pilot, lambda: sidebar.outer_size.width == sidebar_width(160), what="auto width")
        await pilot.resize_terminal(80, 24)
        await wait_until(pilot, lambda: sidebar.outer_size.width == narrow, what=f"narrow width {narrow}")
