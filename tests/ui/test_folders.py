"""The sidebar's marks for sessions whose folder is gone (folders.py), and the
"Move project" dialog's answers, on the synthetic browse store (no CLI)."""

from __future__ import annotations

from pathlib import Path

from textual import events

from claude_tui.folders import missing_folders
from claude_tui.screens.move_project import MoveProjectScreen
from claude_tui.widgets.session_list import MISSING_GLYPH
from tests.ui.fixtures import DOCS, INFRA, SHOP, browse_transcripts, build_store, make_app, project_key, screen_text, settle, sid, wait_until


def test_missing_folders_are_the_ones_not_there(tmp_path: Path) -> None:
    there = tmp_path / "here"
    there.mkdir()
    (tmp_path / "file").write_text("x")
    found = missing_folders([str(there), str(tmp_path / "gone"), str(tmp_path / "file"), None, "", str(tmp_path / "gone")])
    assert found == {str(tmp_path / "gone"), str(tmp_path / "file")}


def lines_with(app, text: str) -> list[str]:
    return [line for line in screen_text(app).splitlines() if text in line]


async def test_sessions_in_a_gone_folder_are_marked_from_one_check_per_folder(tmp_path: Path) -> None:
    await build_store(tmp_path / "sessions.db", browse_transcripts())
    asked: list[str] = []

    def exists(path: str) -> bool:
        asked.append(path)
        return path != SHOP

    app = make_app(tmp_path, folder_exists=exists)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: app.folders.checks >= 1, what="checked")
        await pilot.pause()
        assert app.folders.missing == {SHOP}
        folders = {r.cwd for r in app.index.rows}
        assert sorted(asked) == sorted(list(folders) * app.folders.checks)  # each folder once a check
        heading = [line for line in screen_text(app).splitlines() if MISSING_GLYPH.strip() in line and "shop" in line and "folder gone" not in line]
        assert len(heading) == 1  # the project's heading
        shop_sessions = sum(1 for r in app.index.rows if r.cwd == SHOP)
        assert len(lines_with(app, "folder gone")) == shop_sessions
        # Repaints draw from the cached set: no stat.
        before = len(asked)
        app.session_list.refresh_markers()
        app.session_list.scroll_down()
        await pilot.pause()
        assert len(asked) == before
        # Back in the terminal: checked again (the folder may have come back).
        app.folders.exists = lambda path: True
        checks = app.folders.checks
        app.post_message(events.AppFocus())
        await wait_until(pilot, lambda: app.folders.checks > checks, what="checked on focus")
        await pilot.pause()
        assert app.folders.missing == frozenset() and not lines_with(app, "folder gone")


async def test_move_dialog_refuses_what_is_not_a_folder_and_escape_moves_nothing(tmp_path: Path) -> None:
    await build_store(tmp_path / "sessions.db", browse_transcripts())
    app = make_app(tmp_path, folder_exists=lambda path: path != SHOP)
    (tmp_path / "a-file").write_text("x")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        key = (project_key(SHOP), sid(5))
        app.session_list.focus()
        app.session_list.select_key(key)
        await pilot.pause()
        await app.run_action("move_project")
        await wait_until(pilot, lambda: isinstance(app.screen, MoveProjectScreen) and app.screen.query("#move-input"), what="dialog")
        box = app.screen.query_one("#move-input")
        assert box.value == SHOP
        error = app.screen.query_one("#move-error")
        for typed, said in [("", "type the folder"), (str(tmp_path / "a-file"), "is not a directory"), (str(tmp_path / "no"), "does not exist")]:
            box.value = typed
            await pilot.press("enter")
            await pilot.pause()
            assert said in str(error.render()), typed
            assert isinstance(app.screen, MoveProjectScreen)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, MoveProjectScreen), what="closed")
        assert key in app._by_key and app._by_key[key].cwd == SHOP


async def test_move_from_the_palette_moves_the_whole_project(tmp_path: Path) -> None:
    await build_store(tmp_path / "sessions.db", browse_transcripts())
    app = make_app(tmp_path)
    target = tmp_path / "shop-now"
    target.mkdir()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        key = (project_key(SHOP), sid(5))
        shop = sorted(r.session_id for r in app.index.rows if r.project_key == key[0])
        app.session_list.focus()
        app.session_list.select_key(key)
        await pilot.pause()
        names = [name for name, _, _ in app.project_actions.commands()]
        assert names == ["Move project", "Open in Claude Code"]
        app.project_actions.move()
        await wait_until(pilot, lambda: isinstance(app.screen, MoveProjectScreen) and app.screen.query("#move-input"), what="dialog")
        app.screen.query_one("#move-input").value = str(target)
        await pilot.press("enter")
        new_key = project_key(str(target))
        await wait_until(pilot, lambda: (new_key, key[1]) in app._by_key, what="moved")
        assert sorted(r.session_id for r in app.index.rows if r.project_key == new_key) == shop
        assert all(r.cwd == str(target) for r in app.index.rows if r.project_key == new_key)
        assert not any(r.project_key == key[0] for r in app.index.rows)
        assert {r.cwd for r in app.index.rows} >= {DOCS, INFRA}
        await wait_until(pilot, lambda: any("Moved" in str(n.message) for n in app._notifications), what="said")
