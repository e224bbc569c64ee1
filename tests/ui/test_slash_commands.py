"""Slash commands: completion from what the CLI reported (a recorded init message
and initialize answer), the app's own commands run as palette actions, the
CLI's sent as typed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from claude_tui.slash_commands import APP_COMMANDS, SlashCatalog, parse
from tests.ui.fixtures import browse_transcripts, build_store, make_app, open_and_settle, settle, turn_transcript, wait_until
from tests.ui.scenes_slash import recorded_commands, recorded_init

SIZE = (120, 36)


def test_the_recorded_init_message_names_the_cli_commands() -> None:
    started = recorded_init()
    assert "compact" in started.slash_commands and "context" in started.slash_commands
    catalog = SlashCatalog()
    catalog.heard(started)
    names = [e.name for e in catalog.matches("/co")]
    assert names[:6] == ["code-review", "color", "compact", "config", "context", "copy"]
    assert "__remote-workflow" not in catalog.cli_names  # internal ones are not offered
    assert [e.name for e in catalog.matches("/compact now")] == []  # a space: the name is done


def test_descriptions_come_from_the_initialize_answer_and_app_commands_win() -> None:
    catalog = SlashCatalog()
    catalog.heard(recorded_init())
    catalog.heard(recorded_commands())
    by_name = {e.name: e for e in catalog.entries()}
    assert "Clear conversation history" in by_name["clear"].description or by_name["clear"].description
    assert by_name["rename"].own  # the CLI has /rename too; the app's runs (and is listed once)
    assert [e.name for e in catalog.entries()].count("rename") == 1
    assert by_name["design"].argument_hint == "consent | revoke"
    assert "__remote-workflow" not in by_name  # internal ones are not offered, whichever report names them


def test_app_commands_are_parsed_and_cli_ones_are_not() -> None:
    assert parse("/rename new title") == ("rename", "new title")
    assert parse("  /pin ") == ("pin", "")
    assert parse("/compact") is None and parse("hello /pin") is None
    assert set(APP_COMMANDS) >= {"rename", "fork", "export", "pin", "archive", "tag", "copy", "delete"}


async def test_the_prompt_completes_and_runs_app_commands(tmp_path: Path) -> None:
    await build_store(tmp_path / "sessions.db", browse_transcripts())
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        key = turn_transcript().key
        await open_and_settle(pilot, key)
        app.live.feed(recorded_init())
        pane = app.pane_for_view(app.current_view)
        menu = pane.prompt.menu
        pane.prompt.focus()
        await pilot.press(*"/comp")
        await wait_until(pilot, lambda: menu.is_open, what="menu")
        assert [c.insert for c in menu.choices] == ["/compact ", "/autocompact "]  # starts with, then contains
        await pilot.press("tab")
        assert pane.prompt.text == "/compact " and not menu.display
        pane.prompt.clear()
        await pilot.press(*"/co")
        await wait_until(pilot, lambda: menu.is_open, what="menu again")
        await pilot.press("escape")
        assert not menu.display and pane.prompt.text == "/co"
        pane.prompt.clear()
        await pilot.press(*"/pi")
        await wait_until(pilot, lambda: menu.is_open, what="pin offered")
        await pilot.press("enter")  # takes the highlighted "/pin " (the name was not whole yet)
        assert pane.prompt.text == "/pin "
        await pilot.press("enter")  # runs "Pin session"
        await wait_until(pilot, lambda: app._by_key[key].pinned, what="pinned by /pin")
        assert pane.prompt.text == ""
        await pilot.press(*"/cost")  # a whole name closes the menu: Enter would send it
        await wait_until(pilot, lambda: not menu.display, what="menu closed on a whole name")
        pane.prompt.clear()
        await pilot.press(*"/rename Slash title", "enter")
        await wait_until(pilot, lambda: app._by_key[key].display_title == "Slash title", what="renamed by /rename TITLE")
        views = len(app.open_views)
        await pilot.press(*"/fork", "enter")
        if callable(getattr(app, "action_fork_session", None)):  # "Fork session" (fork_actions.py)
            await wait_until(pilot, lambda: len(app.open_views) == views + 1 and app.current_view.title.endswith("(fork)"), 20, "/fork opened the fork")
        else:
            await wait_until(pilot, lambda: any("/fork is not available" in str(n.message) for n in app._notifications), what="fork not available")


async def test_an_app_command_without_its_action_says_so(tmp_path: Path) -> None:
    from claude_tui.slash_commands import AppCommand, run_app_command

    await build_store(tmp_path / "sessions.db", browse_transcripts())
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        APP_COMMANDS["gone"] = AppCommand("no_such_action", "a command whose action is missing", "No such action")
        try:
            await run_app_command(app, "gone", "")
        finally:
            del APP_COMMANDS["gone"]
        await wait_until(pilot, lambda: any('/gone is not available in this version of claude-tui (no "No such action" action).' == str(n.message) for n in app._notifications), what="said")
