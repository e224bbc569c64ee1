"""Session actions: rename, pin, tag (and the sidebar's marks), on stored sessions."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest

from claude_tui.screens.rename import RenameScreen, TagScreen
from claude_tui.widgets.session_list import SessionItem
from tests.ui.fixtures import DOCS, PINNED_SESSION, SHOP, browsing, make_app, project_key, settle, sid, wait_until

DATA = Path(__file__).resolve().parents[1] / "data" / "claude_home"
RECORDED = "57e0a588-f7e0-5015-a942-a47de28d9346"


def listed(app) -> list[SessionItem]:
    return [r for r in app.session_list.rows if isinstance(r, SessionItem)]


def titles(app) -> list[str]:
    return [r.session.display_title for r in listed(app)]


def notes(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def highlight(pilot, key) -> None:
    app = pilot.app
    app.session_list.focus()
    assert app.session_list.select_key(key)
    await pilot.pause()


async def test_rename_reaches_the_store_ls_and_the_sdk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "claude"
    shutil.copytree(DATA, home)
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(home))  # the SDK finds transcripts here
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    app = make_app(tmp_path, claude_dir=home)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        row = next(r.session for r in listed(app) if r.session.session_id == RECORDED)
        await highlight(pilot, row.key)
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, RenameScreen) and app.screen.query("#rename-input"), what="rename dialog")
        assert app.screen.query_one("#rename-input").value == row.display_title
        await pilot.press("ctrl+a", "ctrl+k", *"Zebra [b]memo[/b]", "enter")
        await wait_until(pilot, lambda: any("Renamed to" in n for n in notes(app)), what="renamed")
        assert "Zebra [b]memo[/b]" in titles(app)
        assert not any("no local transcript" in n for n in notes(app))
    from claude_tui.cli import main
    from claude_tui.logs import teardown_logging

    try:
        # ``main`` runs its own event loop: in a thread, as the command line would.
        assert await asyncio.to_thread(main, ["--db", str(tmp_path / "sessions.db"), "ls", "--json"]) == 0
    finally:
        teardown_logging()
    rows = {r["session_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows[RECORDED]["title"] == "Zebra [b]memo[/b]"
    from claude_agent_sdk import get_session_info

    info = get_session_info(RECORDED, directory=row.cwd)
    assert info is not None and info.custom_title == "Zebra [b]memo[/b]"


async def test_rename_of_a_session_without_local_transcript_is_stored_and_says_so(tmp_path: Path) -> None:
    async with browsing(tmp_path) as (app, pilot):
        key = (project_key(SHOP), sid(5))
        await highlight(pilot, key)
        await app.run_action("rename_session")
        await wait_until(pilot, lambda: isinstance(app.screen, RenameScreen) and app.screen.query("#rename-input"), what="rename dialog")
        await pilot.press("ctrl+a", "ctrl+k", "enter")  # empty: refused in the dialog
        assert isinstance(app.screen, RenameScreen)
        assert "Type a title" in str(app.screen.query_one("#rename-error").render())
        await pilot.press(*"Checkout flake", "enter")
        await wait_until(pilot, lambda: any("Renamed to" in n for n in notes(app)), what="renamed")
        assert "no local transcript" in notes(app)[-1]
        stored = await app.store.session(*key)
        assert stored.custom_title == "Checkout flake"
        await pilot.press("f2", "escape")  # escape keeps it
        assert not isinstance(app.screen, RenameScreen)


async def test_pin_and_unpin_move_the_row_in_place(tmp_path: Path) -> None:
    async with browsing(tmp_path) as (app, pilot):
        key = (project_key(SHOP), sid(7))  # the oldest shop session
        await highlight(pilot, key)
        names = [c[0] for c in app.session_actions.commands()]
        assert "Pin session" in names and "Unpin session" not in names
        shop = [r.key for r in listed(app) if r.session.cwd == SHOP]
        assert shop[-1] == key
        await pilot.press("alt+p")
        await wait_until(pilot, lambda: app._by_key[key].pinned, what="pinned")
        shop = [r.key for r in listed(app) if r.session.cwd == SHOP]
        assert shop[0] == key  # pinned first in its folder
        assert app.session_list.highlighted.key == key  # the cursor went with it
        assert (await app.store.session(*key)).pinned
        names = [c[0] for c in app.session_actions.commands()]
        assert "Unpin session" in names and "Pin session" not in names
        await pilot.press("alt+p")
        await wait_until(pilot, lambda: not app._by_key[key].pinned, what="unpinned")
        assert [r.key for r in listed(app) if r.session.cwd == SHOP][-1] == key


async def test_marked_rows_are_pinned_together(tmp_path: Path) -> None:
    async with browsing(tmp_path) as (app, pilot):
        first, second = (project_key(SHOP), sid(6)), (project_key(SHOP), sid(7))
        await highlight(pilot, first)
        await pilot.press("space")  # marks and moves down
        assert app.session_list.highlighted.key == second
        await pilot.press("space")
        assert set(app.session_list.marked) == {first, second}
        app.session_actions.pin(True)
        await wait_until(pilot, lambda: app._by_key[first].pinned and app._by_key[second].pinned, what="both")
        assert not app.session_list.marked
        assert "Pinned 2 sessions" in notes(app)[-1]


async def test_tags_complete_are_stored_and_filter_the_sidebar(tmp_path: Path) -> None:
    async with browsing(tmp_path) as (app, pilot):
        one, two = (project_key(SHOP), sid(5)), (project_key(DOCS), PINNED_SESSION)
        await highlight(pilot, one)
        await app.run_action("tag_session")
        await wait_until(pilot, lambda: isinstance(app.screen, TagScreen) and app.screen.query("#tag-input"), what="tag dialog")
        await pilot.press(*"urgent, frontend", "enter")
        await wait_until(pilot, lambda: app._by_key[one].tag == "urgent frontend", what="tagged")
        await highlight(pilot, two)
        await app.run_action("tag_session")
        await wait_until(pilot, lambda: isinstance(app.screen, TagScreen) and app.screen.query("#tag-input"), what="tag dialog")
        await pilot.press(*"urg")
        await wait_until(
            pilot, lambda: app.screen.query_one("#tag-input")._suggestion == "urgent", what="completion"
        )
        await pilot.press("right", "enter")
        await wait_until(pilot, lambda: app._by_key[two].tag == "urgent", what="tagged")
        assert (await app.store.session(*two)).tag == "urgent"
        await pilot.press("ctrl+f", *"tag:urgent")
        await wait_until(pilot, lambda: app.filter_done == "tag:urgent", what="tag filter")
        assert sorted(titles(app)) == ["Release notes 2.0", "fix the flaky checkout test"]
        await pilot.press(*" tag:frontend")
        await wait_until(pilot, lambda: app.filter_done == "tag:urgent tag:frontend", what="two tags")
        assert titles(app) == ["fix the flaky checkout test"]
        await pilot.press("ctrl+a", "ctrl+k", *"tag:urgent release")
        await wait_until(pilot, lambda: app.filter_done == "tag:urgent release", what="tag and words")
        assert titles(app) == ["Release notes 2.0"]


async def test_actions_without_a_session_say_so(tmp_path: Path) -> None:
    async with browsing(tmp_path) as (app, pilot):
        assert app.current_view is not None and app.current_view.key is None  # the launch draft
        await pilot.press("f2")
        assert "No session" in notes(app)[-1]
        assert not isinstance(app.screen, RenameScreen)


async def test_archive_hides_marked_rows_show_archived_lists_them_and_undo_brings_them_back(tmp_path: Path) -> None:
    async with browsing(tmp_path) as (app, pilot):
        first, second = (project_key(SHOP), sid(6)), (project_key(SHOP), sid(7))
        await highlight(pilot, first)
        await pilot.press("space", "space", "alt+a")
        await wait_until(pilot, lambda: first not in app._by_key and second not in app._by_key, what="archived")
        assert len(titles(app)) == 8 and "Undo archive" in notes(app)[-1]
        assert (await app.store.session(*first)).archived
        assert "Undo archive" in [c[0] for c in app.session_actions.general_commands()]
        # "Show archived": only the archived ones, then back.
        app.session_actions.toggle_archived_view()
        await wait_until(pilot, lambda: len(titles(app)) == 2, what="archived view")
        assert "2 archived sessions" in str(app.sidebar.query_one("#sidebar-status").render())
        await highlight(pilot, first)
        names = [c[0] for c in app.session_actions.commands()]
        assert "Unarchive session" in names and "Archive session" not in names
        await pilot.press("alt+a")  # unarchive the highlighted one
        await wait_until(pilot, lambda: len(titles(app)) == 1, what="unarchived")
        app.session_actions.toggle_archived_view()
        await wait_until(pilot, lambda: len(titles(app)) == 9, what="back to the others")
        app.session_actions.undo_archive()  # the rest of the last archive
        await wait_until(pilot, lambda: len(titles(app)) == 10, what="undone")
        assert not (await app.store.session(*second)).archived
        assert "Brought back" in notes(app)[-1]
        assert "Undo archive" not in [c[0] for c in app.session_actions.general_commands()]


async def test_delete_closes_the_session_and_removes_it_from_the_store_and_claude_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claude_tui.screens.confirm import ConfirmScreen

    home = tmp_path / "claude"
    shutil.copytree(DATA, home)
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(home))
    local = home / "projects" / "-tmp-claude-tui-rec-alpha" / f"{RECORDED}.jsonl"
    app = make_app(tmp_path, claude_dir=home)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        row = next(r.session for r in listed(app) if r.session.session_id == RECORDED)
        Path(row.cwd).mkdir(parents=True, exist_ok=True)  # the SDK finds the file from the cwd
        from tests.ui.fixtures import open_and_settle

        await open_and_settle(pilot, row.key)
        await highlight(pilot, row.key)
        await pilot.press("delete")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen.query("#confirm-no"), what="confirmation")
        assert row.display_title in str(app.screen.query_one(".modal-body").render())
        await pilot.press("n")  # kept
        assert row.key in app._by_key and local.exists()
        await pilot.press("delete", "y")
        await wait_until(pilot, lambda: any("Deleted" in n for n in notes(app)), what="deleted")
        assert app.view_for(row.key) is None  # closed first
        assert row.key not in app._by_key
        assert await app.store.session(*row.key) is None
        assert RECORDED in await app.store.tombstoned([RECORDED])
        assert not local.exists()


async def test_export_markdown_and_json_hold_what_was_chosen_and_never_overwrite_silently(tmp_path: Path) -> None:
    from claude_tui.screens.confirm import ConfirmScreen
    from claude_tui.screens.export import ExportScreen
    from tests.ui.fixtures import open_and_settle, turn_transcript

    async with browsing(tmp_path) as (app, pilot):
        key = turn_transcript().key
        await app.store._write(lambda: app.store._conn.execute("UPDATE sessions SET last_prompt = 'the last ask'"))
        await open_and_settle(pilot, key)
        await app.run_action("export_session")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen) and app.screen.query("#export-path"), what="export dialog")
        box = app.screen.query_one("#export-path")
        assert box.value.endswith("-00000001.md") and box.value.startswith("read-notes-txt")
        target = tmp_path / "out.md"
        box.value = str(target)
        await pilot.press("enter")
        await wait_until(pilot, lambda: target.exists(), what="markdown written")
        text = target.read_text()
        assert "**Tool: Read**" in text and "<summary>Thinking</summary>" in text and "kiwi" in text
        # JSON, tools and thinking left out.
        await app.run_action("export_session")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen) and app.screen.query("#export-path"), what="export dialog")
        await pilot.click("#format-json")
        assert app.screen.query_one("#export-path").value.endswith(".json")  # the default follows the format
        await pilot.click("#export-tools")
        await pilot.click("#export-thinking")
        json_target = tmp_path / "out.json"
        app.screen.query_one("#export-path").value = str(json_target)
        await pilot.click("#export-go")
        await wait_until(pilot, lambda: json_target.exists(), what="json written")
        data = json.loads(json_target.read_text())
        assert data["session"]["session_id"] == key[1]
        # The stored row's last prompt, though the sidebar's rows hold none (SessionRow.LIST_COLUMNS).
        stored = await app.store.session(*key)
        assert stored is not None and data["session"]["last_prompt"] == stored.last_prompt == "the last ask"
        assert all(not m["tool_uses"] for m in data["messages"])
        kinds = {b.get("type") for e in data["entries"] for b in (e.get("message", {}).get("content") or []) if isinstance(b, dict)}
        assert not kinds & {"tool_use", "tool_result", "thinking"} and "text" in kinds
        # An existing file: asked; "n" keeps it as it was.
        await app.run_action("export_session")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen) and app.screen.query("#export-path"), what="export dialog")
        app.screen.query_one("#export-path").value = str(target)
        target.write_text("mine")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen.query("#confirm-no"), what="replace question")
        await pilot.press("n")
        await wait_until(pilot, lambda: "was kept" in notes(app)[-1], what="kept")
        assert target.read_text() == "mine"


async def test_copy_last_reply_message_and_code_block(tmp_path: Path) -> None:
    from datetime import timedelta

    from tests.ui.fixtures import Transcript, build_store, open_and_settle

    t = Transcript(SHOP, sid(42), start=timedelta(minutes=5))
    t.user("show me two snippets")
    t.reply("First:\n\n```python\nprint('one')\n```\n\nSecond:\n\n```sh\necho two\n```\n")
    t.user("thanks")
    t.reply("You're welcome.")
    await build_store(tmp_path / "sessions.db", [t])
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_and_settle(pilot, t.key)
        await pilot.press("alt+c")
        assert app.clipboard == "You're welcome."
        await wait_until(pilot, lambda: "Copied the last reply" in notes(app)[-1], what="said")
        copy = app.session_actions.export_copy
        copy.copy_code_block()  # the newest message with a code block
        assert app.clipboard == "echo two"
        await wait_until(pilot, lambda: "Copied a code block" in notes(app)[-1], what="said")
        copy.copy_message()  # the last message on screen
        assert app.clipboard == "You're welcome."
        names = [c[0] for c in app.session_actions.general_commands()]
        assert {"Copy last reply", "Copy message", "Copy code block"} <= set(names)


async def test_session_keys_do_nothing_under_a_dialog(tmp_path: Path) -> None:
    async with browsing(tmp_path) as (app, pilot):
        key = (project_key(SHOP), sid(7))
        await highlight(pilot, key)
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, RenameScreen) and app.screen.query("#rename-input"), what="rename")
        await pilot.press("alt+p", "alt+a", "f2")
        await pilot.pause()
        assert not (await app.store.session(*key)).pinned and not app._by_key[key].archived
        assert len(app.screen_stack) == 2  # one dialog, not two


async def test_marked_rows_are_deleted_together_after_one_question(tmp_path: Path) -> None:
    from claude_tui.screens.confirm import ConfirmScreen

    async with browsing(tmp_path) as (app, pilot):
        first, second = (project_key(SHOP), sid(6)), (project_key(SHOP), sid(7))
        await highlight(pilot, first)
        await pilot.press("space", "space", "delete")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen.query("#confirm-no"), what="confirmation")
        body = str(app.screen.query_one(".modal-body").render())
        assert "why is the cart total off by one cent?" in body and "add a dark mode toggle" in body
        await pilot.press("y")
        await wait_until(pilot, lambda: first not in app._by_key and second not in app._by_key, what="deleted")
        assert len(titles(app)) == 8 and "Deleted 2 sessions" in notes(app)[-1]
        assert await app.store.session(*first) is None and await app.store.session(*second) is None
