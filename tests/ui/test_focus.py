"""Focus after opening a session: however it is opened, typing goes to its prompt.

A prompt typed after opening a session must never land in the sidebar's
filter (or any widget out of sight) and be lost when Enter is pressed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.ui.fixtures import browsing, markup_transcript, open_and_settle, turn_transcript, wait_until


def prompt_of(app: Any, key: Any) -> Any:
    return app.pane_for(key).prompt


async def focus_list_on(pilot: Any, key: Any) -> None:
    """Focus the sidebar's list with its cursor on session ``key``."""
    app = pilot.app
    listing = app.session_list
    listing.focus()
    listing.cursor = next(i for i, r in enumerate(listing.rows) if getattr(r, "key", None) == key)
    await pilot.pause()
    assert app.focused is listing


async def typed_lands_in(pilot: Any, key: Any) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: app.focused is prompt_of(app, key), what="the prompt focused")
    await pilot.press(*"hello")
    assert prompt_of(app, key).text == "hello"
    assert app.sidebar.filter_input.value == ""


async def test_sidebar_enter_on_a_session_not_open_focuses_its_prompt(tmp_path: Path) -> None:
    async with browsing(tmp_path) as (app, pilot):
        key = turn_transcript().key
        await focus_list_on(pilot, key)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.view_for(key) is not None, what="opened")
        await typed_lands_in(pilot, key)


async def test_sidebar_enter_on_a_session_already_open_focuses_its_prompt(tmp_path: Path) -> None:
    async with browsing(tmp_path) as (app, pilot):
        key, other = turn_transcript().key, markup_transcript().key
        await open_and_settle(pilot, key)
        await open_and_settle(pilot, other)
        await focus_list_on(pilot, key)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.current_view.key == key, what="switched")
        await typed_lands_in(pilot, key)


async def test_sidebar_click_on_a_session_already_open_focuses_its_prompt(tmp_path: Path) -> None:
    async with browsing(tmp_path) as (app, pilot):
        key, other = turn_transcript().key, markup_transcript().key
        await open_and_settle(pilot, key)
        await open_and_settle(pilot, other)
        listing = app.session_list
        listing.focus()
        row = next(i for i, r in enumerate(listing.rows) if getattr(r, "key", None) == key)
        await pilot.click(listing, offset=(5, listing._starts[row]))
        await wait_until(pilot, lambda: app.current_view.key == key, what="switched")
        await typed_lands_in(pilot, key)


async def test_palette_switch_to_session_focuses_its_prompt(tmp_path: Path) -> None:
    async with browsing(tmp_path) as (app, pilot):
        key, other = turn_transcript().key, markup_transcript().key
        await open_and_settle(pilot, key)
        await open_and_settle(pilot, other)
        app.session_list.focus()
        app.action_switch_session()
        await pilot.pause()
        await pilot.press(*"read notes")
        from textual.command import CommandList

        await wait_until(pilot, lambda: app.screen.query_one(CommandList).option_count > 0, what="a hit")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is app._main and app.current_view.key == key, what="switched")
        await typed_lands_in(pilot, key)


async def test_alt_digit_and_ctrl_page_keys_from_the_sidebar_focus_the_prompt(tmp_path: Path) -> None:
    async with browsing(tmp_path) as (app, pilot):
        key, other = turn_transcript().key, markup_transcript().key
        await open_and_settle(pilot, key)
        await open_and_settle(pilot, other)
        app.session_list.focus()
        await pilot.pause()
        await pilot.press("alt+2")  # the launch draft is tab 1
        await wait_until(pilot, lambda: app.current_view.key == key, what="switched")
        await typed_lands_in(pilot, key)
        app.sidebar.filter_input.focus()
        await pilot.pause()
        await pilot.press("ctrl+pagedown")
        await wait_until(pilot, lambda: app.current_view.key == other, what="switched")
        await typed_lands_in(pilot, other)
        app.session_list.focus()
        await pilot.press("ctrl+pageup")
        await wait_until(pilot, lambda: app.current_view.key == key, what="switched back")
        assert app.focused is prompt_of(app, key) and prompt_of(app, key).text == "hello"


async def test_tab_click_focuses_the_prompt(tmp_path: Path) -> None:
    async with browsing(tmp_path) as (app, pilot):
        key, other = turn_transcript().key, markup_transcript().key
        await open_and_settle(pilot, key)
        await open_and_settle(pilot, other)
        app.session_list.focus()
        await pilot.pause()
        await pilot.click(f"#{app.view_for(key).tab_id}")
        await wait_until(pilot, lambda: app.current_view.key == key, what="switched")
        await typed_lands_in(pilot, key)


async def test_keys_never_go_to_a_hidden_sidebar(tmp_path: Path) -> None:
    async with browsing(tmp_path) as (app, pilot):
        key = turn_transcript().key
        await open_and_settle(pilot, key)
        app.sidebar.filter_input.focus()
        await pilot.pause()
        app.sidebar.set_shown(hidden=True)  # hidden while the filter still has focus
        await pilot.pause()
        await pilot.press(*"hi")
        assert app.sidebar.filter_input.value == ""
        assert prompt_of(app, key).text == "hi" and app.focused is prompt_of(app, key)
