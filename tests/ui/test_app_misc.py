"""Theme persistence, start-up cost, palette provider and what Enter in the prompt hands over."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from tests.ui.fixtures import browsing, build_store, browse_transcripts, make_app, screen_text, settle, wait_until


async def test_theme_choice_is_saved_with_a_backup(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[ui]\ntheme = "textual-dark"\n')
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.theme = "nord"
        await wait_until(pilot, lambda: "nord" in config.read_text(), what="saved")
    assert tomllib.loads(config.read_text())["ui"]["theme"] == "nord"
    assert 'theme = "textual-dark"' in (tmp_path / "config.toml.bak").read_text()


def test_ui_does_not_import_the_agent_sdk() -> None:
    code = "import sys, claude_tui.app; print('claude_agent_sdk' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_start_up_leaves_heavy_modules_for_later() -> None:
    """What the first frame does not need is imported after it (start-up time)."""
    later = [
        "markdown_it", "pygments", "textual.widgets._markdown", "aiosqlite", "claude_tui.store.sqlite",
        "claude_tui.engine.events", "claude_tui.live.renderer", "claude_agent_sdk",
    ]
    code = f"import sys, claude_tui.cli, claude_tui.app; print([m for m in {later!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


FIRST_FRAME = """
import asyncio, sys
from pathlib import Path
from claude_tui.app import ClaudeTUI
from claude_tui.config import LoadedSettings, Settings

tmp, later = Path(sys.argv[1]), sys.argv[2:]

class FirstFrameOnly(ClaudeTUI):
    async def _startup(self):  # no store: only what the first frame needs
        pass

async def main():
    app = FirstFrameOnly(
        db_path=tmp / "sessions.db", loaded=LoadedSettings(Settings(), tmp / "config.toml", []),
        config_path=tmp / "config.toml", claude_config_dir=tmp / "claude", cwd=tmp,
    )
    async with app.run_test(size=(120, 36)) as pilot:
        while app.current_view is None or app.focused is None:
            await pilot.pause()
        await pilot.pause()
        print([m for m in later if m in sys.modules])

asyncio.run(main())
"""


def test_first_frame_leaves_the_engine_for_later(tmp_path: Path) -> None:
    """Showing the launch draft imports none of the engine, the store or Markdown (start-up time)."""
    later = [
        "markdown_it", "textual.widgets._markdown", "aiosqlite", "claude_tui.store.sqlite", "claude_tui.engine",
        "claude_tui.screens.permission", "claude_tui.live.renderer", "claude_agent_sdk",
    ]
    out = subprocess.run([sys.executable, "-c", FIRST_FRAME, str(tmp_path), *later], capture_output=True,
                         text=True, check=True, timeout=60)
    assert out.stdout.strip().splitlines()[-1] == "[]"


async def test_palette_provider_matches_titles_literally(tmp_path: Path) -> None:
    async with browsing(tmp_path) as (app, pilot):
        from textual.command import CommandPalette

        app.action_switch_session()
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), what="palette")
        await pilot.press(*"bold")
        palette = app.screen
        await wait_until(pilot, lambda: palette.query_one("CommandList").option_count > 0, what="hits")
        await wait_until(pilot, lambda: not any(w.is_running for w in palette.workers), what="done")
        prompts = [str(o.prompt) for o in palette.query_one("CommandList").options]
        assert any("show [bold]x[/] and" in p for p in prompts)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.current_view is not None, what="switched")
        assert "show [bold]x[/]" in app.current_view.title


async def test_enter_submits_and_shift_enter_breaks_the_line(tmp_path: Path) -> None:
    await build_store(tmp_path / "sessions.db", browse_transcripts())
    app = make_app(tmp_path)
    sent: list[tuple[object, str]] = []

    def submit(view, text):
        sent.append((view.key, text))
        return True

    app.live.submit = submit  # no engine here: only what the prompt hands over
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("h", "i", "shift+enter", "y", "o", "enter")
        await wait_until(pilot, lambda: sent, what="sent")
        assert sent == [(None, "hi\nyo")]
        assert app.pane_for_view(app.current_view).prompt.text == ""


def test_claude_tui_starts_with_the_collector_off(monkeypatch, tmp_path: Path) -> None:
    """cli.run_tui turns garbage collection off before importing the app (start-up time)."""
    import gc

    from claude_tui import cli
    from claude_tui.app import ClaudeTUI

    seen: list[bool] = []
    monkeypatch.setattr(ClaudeTUI, "run", lambda self, *a, **k: seen.append(gc.isenabled()))
    (tmp_path / "c.toml").write_text("")
    args = cli.build_parser().parse_args(["--db", str(tmp_path / "s.db"), "--config", str(tmp_path / "c.toml")])
    ctx = cli.Context(args, tmp_path / "s.db", cli._load_config(args.config))
    try:
        assert cli.run_tui(ctx, None) == 0
    finally:
        gc.enable()
    assert seen == [False]


async def test_the_app_turns_the_collector_back_on_after_its_first_frame(tmp_path: Path) -> None:
    import gc

    app = make_app(tmp_path)
    gc.disable()
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await wait_until(pilot, gc.isenabled, what="collector back on")
            assert gc.get_freeze_count() > 0  # start-up's objects are out of later collections
    finally:
        gc.unfreeze()
        gc.enable()


async def test_the_import_box_is_mounted_only_when_an_import_reports(tmp_path: Path) -> None:
    """Until an import starts (after the first frame), the sidebar has no progress box: fewer widgets to lay out."""
    app = make_app(tmp_path, import_on_start=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert not app.query("#import-box")
        app.sidebar.show_import(1, 4, "Importing 1/4 transcripts")
        await wait_until(pilot, lambda: bool(app.query("#import-label")), what="box mounted")
        assert "Importing 1/4" in str(app.query_one("#import-label").render())
        app.sidebar.show_import(4, 4, "done")
        assert not app.query_one("#import-box").display


async def test_title_bar_follows_the_open_session(tmp_path: Path) -> None:
    from claude_tui.widgets.title_bar import TitleBar

    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(TitleBar)
        assert str(bar.render()) == "claude-tui — New session"
        app.sub_title = "[bold]x[/]"  # markup in a title is shown as text
        await pilot.pause()
        assert str(bar.render()) == "claude-tui — [bold]x[/]"
        assert "claude-tui — [bold]x[/]" in screen_text(app).splitlines()[0]
