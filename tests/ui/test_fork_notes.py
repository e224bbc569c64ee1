"""Forks and notes on stored sessions (no CLI needed): a fork made from the
store is listed and opened at once with its lineage; "Open parent session";
the sidebar's fork mark; "Session note" round-trip, shown literally and found
by the filter; the palette names and help rows."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from claude_tui.screens.fork_pick import ForkPickScreen
from claude_tui.screens.note import NoteScreen
from claude_tui.widgets.session_list import FORK_GLYPH, SessionItem
from tests.ui.fixtures import INFRA, LONG_SESSION, SHOP, browsing, make_app, open_and_settle, project_key, screen_text, settle, sid, wait_until

WIDE = (160, 45)  # the side panels show


def notes(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def palette(app) -> list[str]:
    return [c.title for c in app.get_system_commands(app.screen)]


async def highlight(pilot, key) -> None:
    app = pilot.app
    app.session_list.focus()
    assert app.session_list.select_key(key)
    await pilot.pause()


async def test_fork_of_the_highlighted_row_is_listed_opened_and_says_where_it_came_from(tmp_path: Path) -> None:
    async with browsing(tmp_path, WIDE) as (app, pilot):
        key = (project_key(SHOP), sid(5))
        await highlight(pilot, key)
        assert "Fork session" in palette(app) and "Open parent session" not in palette(app)
        await pilot.press("alt+d")
        await wait_until(
            pilot, lambda: app.current_view is not None and app.current_view.key not in (None, key), what="fork open"
        )
        fork = app.current_view.key
        await wait_until(pilot, lambda: app.focused is app.pane_for(fork).prompt, what="prompt focused")
        assert app.current_view.title == "fix the flaky checkout test (fork)"
        row = app._by_key[fork]
        assert (row.parent_session_id, row.fork_message) == (sid(5), 1)
        assert any(isinstance(r, SessionItem) and r.key == fork for r in app.session_list.rows)  # listed at once
        await wait_until(
            pilot,
            lambda: "forked from fix the flaky checkout test at message 1" in app.panels.side.session.plain,
            what="lineage line",
        )
        assert f"{FORK_GLYPH} fork" in screen_text(app)  # the sidebar marks it
        assert "Open parent session" in palette(app)
        await pilot.press("alt+u")
        await wait_until(pilot, lambda: app.current_view.key == key, what="parent open")
        await pilot.press("alt+u")  # the parent is no fork
        await wait_until(pilot, lambda: any("is not a fork" in n for n in notes(app)), what="said")


async def test_fork_from_message_picked_from_the_list_prefills_its_text(tmp_path: Path) -> None:
    async with browsing(tmp_path, WIDE) as (app, pilot):
        key = (project_key(INFRA), LONG_SESSION)
        await open_and_settle(pilot, key)
        app.action_fork_from_message()
        await wait_until(pilot, lambda: isinstance(app.screen, ForkPickScreen) and app.screen.query("#fork-pick-list"), what="list")
        listed = app.screen.query_one("#fork-pick-list")
        await wait_until(pilot, lambda: listed.highlighted == 59, what="the cursor on the newest")
        assert listed.option_count == 60
        await pilot.press("escape")  # cancelled: nothing made
        await wait_until(pilot, lambda: not isinstance(app.screen, ForkPickScreen), what="closed")
        count = len(app._by_key)
        app.action_fork_from_message()
        await wait_until(pilot, lambda: isinstance(app.screen, ForkPickScreen) and app.screen.query("#fork-pick-list"), what="list")
        await pilot.press("home", "down", "down", "enter")  # message 3
        await wait_until(pilot, lambda: app.current_view.key != key and app.current_view.key is not None, what="fork open")
        fork = app.current_view.key
        pane = app.pane_for(fork)
        await wait_until(pilot, lambda: pane.prompt.text == "question number 2: what about item 2?", what="prefilled")
        assert len(app._by_key) == count + 1 and app._by_key[fork].fork_message == 3
        stored = await app.store.load({"project_key": fork[0], "session_id": fork[1]})
        prompts = [e["message"]["content"] for e in stored if e.get("type") == "user"]
        assert prompts == [f"question number {n}: what about item {n}?" for n in range(3)]


async def test_session_note_round_trip_literal_and_found_by_the_filter(tmp_path: Path) -> None:
    async with browsing(tmp_path, WIDE) as (app, pilot):
        key = (project_key(SHOP), sid(6))
        await open_and_settle(pilot, key)
        assert "Session note" in palette(app)
        app.action_session_note()
        await wait_until(pilot, lambda: isinstance(app.screen, NoteScreen) and app.screen.query("#note-input"), what="note dialog")
        await pilot.press(*"ask [b]Bob[/b] about pennies", "enter")
        await wait_until(pilot, lambda: app._by_key[key].note == "ask [b]Bob[/b] about pennies", what="stored")
        assert (await app.store.session(*key)).note == "ask [b]Bob[/b] about pennies"
        await wait_until(pilot, lambda: "ask [b]Bob[/b] about pennies" in app.panels.side.session.plain, what="shown literally")
        # The filter finds it by a word only the note has.
        app.session_list.focus()
        await pilot.press(*"pennies")
        await wait_until(pilot, lambda: app.filter_done == "pennies", what="filter")
        assert [r.key for r in app.session_list.rows if isinstance(r, SessionItem)] == [key]
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.filter_done == "", what="cleared")
        # Opened again it holds the note; emptied, the note is gone.
        app.pane_for(key).prompt.focus()
        app.action_session_note()
        await wait_until(pilot, lambda: isinstance(app.screen, NoteScreen) and app.screen.query("#note-input"), what="note dialog")
        assert app.screen.query_one("#note-input").value == "ask [b]Bob[/b] about pennies"
        await pilot.press("ctrl+a", "ctrl+k", "enter")
        await wait_until(pilot, lambda: app._by_key[key].note is None, what="removed")
        await wait_until(pilot, lambda: "Bob" not in app.panels.side.session.plain, what="panel")


async def test_keys_and_help_rows(tmp_path: Path) -> None:
    async with browsing(tmp_path) as (app, pilot):
        rows = {binding_id: (keys, words) for keys, words, binding_id in app.key_rows()}
        assert rows["fork_session"][0] == "alt+d"
        assert rows["fork_from_message"][0] == "alt+m"
        assert rows["open_parent_session"][0] == "alt+u"
        assert ("palette", "Session note: a short note, found by the filter") in [(k, w) for k, w, _ in app.key_rows()]


async def test_a_turn_made_in_claude_code_since_the_last_import_is_in_the_fork(tmp_path: Path) -> None:
    data = Path(__file__).resolve().parents[1] / "data" / "claude_home"
    home = tmp_path / "claude"
    shutil.copytree(data, home)
    recorded = "57e0a588-f7e0-5015-a942-a47de28d9346"
    app = make_app(tmp_path, claude_dir=home)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        row = next(r for r in app.index.rows if r.session_id == recorded)
        local = home / "projects" / row.project_key / f"{recorded}.jsonl"
        last = [json.loads(line) for line in local.read_text().splitlines() if '"uuid"' in line][-1]
        later = {
            "type": "user", "uuid": "7d1f3c2a-1111-4222-8333-944455556666", "parentUuid": last["uuid"],
            "timestamp": "2026-12-01T10:00:00.000Z", "cwd": row.cwd, "sessionId": recorded,
            "message": {"role": "user", "content": "asked in Claude Code after the import"},
        }
        with local.open("a") as out:
            out.write(json.dumps(later) + "\n")
        made = await app.fork_actions.apply_fork(row)
        assert made is not None
        forked = await app.store.load({"project_key": made[0], "session_id": made[1]})
        assert any(e.get("message", {}).get("content") == "asked in Claude Code after the import" for e in forked)


async def test_alt_m_in_the_conversation_starts_the_list_on_the_user_message_on_screen(tmp_path: Path) -> None:
    from claude_tui.widgets.message import MessageView

    async with browsing(tmp_path, WIDE) as (app, pilot):
        key = (project_key(INFRA), LONG_SESSION)
        await open_and_settle(pilot, key)
        chat = app.pane_for(key).chat
        chat.focus()
        await pilot.press("pageup", "pageup")
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        shown = [
            w.message.text for w in chat.query(MessageView) if w.message.role == "user" and chat.region.overlaps(w.region)
        ]
        assert shown and shown[-1] != "question number 59: what about item 59?"
        number = int(shown[-1].split()[2].rstrip(":")) + 1
        await pilot.press("alt+m")
        await wait_until(pilot, lambda: isinstance(app.screen, ForkPickScreen) and app.screen.query("#fork-pick-list"), what="list")
        listed = app.screen.query_one("#fork-pick-list")
        await wait_until(pilot, lambda: listed.highlighted == number - 1, what="the cursor on the message on screen")
