"""The key bar: the bindings that work now, kept current, and clickable."""

from __future__ import annotations

from pathlib import Path

from claude_tui.widgets.key_bar import KeyBar
from tests.ui.fixtures import browsing, build_store, browse_transcripts, make_app, settle, wait_until


def shown(bar: KeyBar) -> list[str]:
    return [item.description for item in bar.items]


async def test_key_bar_follows_the_bindings_and_the_keymap(tmp_path: Path) -> None:
    await build_store(tmp_path / "sessions.db", browse_transcripts())
    app = make_app(tmp_path, keymap={"toggle_sidebar": "ctrl+s"})
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        # The launch draft's prompt has focus: its session's keys are there.
        assert {"Quit", "New", "Directory"} <= set(shown(bar))
        assert bar.palette is not None and bar.palette.display == "^p"
        assert next(i for i in bar.items if i.description == "Sidebar").display == "^s"
        line = bar.render().plain
        assert " ^q Quit " in line and line.endswith("▏^p Palette ") and len(line) == bar.size.width
        await pilot.press("tab", "enter")  # open a stored session: its directory is fixed
        await wait_until(pilot, lambda: app.current_view.key is not None, what="stored session open")
        await wait_until(pilot, lambda: "Directory" not in shown(bar), what="the bar follows the bindings")
        assert {"Quit", "New", "Mode"} <= set(shown(bar))


async def test_clicking_a_key_presses_it(tmp_path: Path) -> None:
    async with browsing(tmp_path) as (app, pilot):
        bar = app.screen.query_one(KeyBar)
        start, _end, item = next(s for s in bar.spans(bar.size.width) if s[2].description == "New")
        before = len(app.open_views)
        await pilot.click(KeyBar, offset=(start + 2, 0))
        await wait_until(pilot, lambda: len(app.open_views) == before + 1, what="a new draft")
        start, _end, palette = bar.spans(bar.size.width)[-1]
        assert palette is bar.palette and start + palette.width == bar.size.width


async def test_at_80_columns_keys_are_left_out_whole_and_help_stays(tmp_path: Path) -> None:
    """Seen in tmux: a draft at 80 columns cut the bar to "f1 He"."""
    await build_store(tmp_path / "sessions.db", browse_transcripts())
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)  # the launch draft's prompt: its keys include ^o Directory
        bar = app.screen.query_one(KeyBar)
        await wait_until(pilot, lambda: "Directory" in shown(bar), what="keys")
        line = bar.render().plain
        assert " f1 Help " in line and line.endswith("▏^p Palette ")
        for _start, _end, item in bar.spans(bar.size.width):
            assert f"{item.display}" in line and (item.description in line)
        assert bar.palette is not None
        assert sum(i.width for i in bar.items) > bar.size.width - bar.palette.width  # some were left out
