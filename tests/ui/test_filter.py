"""Filter-as-you-type over titles and full text, and opening a full-text hit."""

from __future__ import annotations

from pathlib import Path

from claude_tui.widgets.chat_view import ChatView
from claude_tui.widgets.message import MessageView
from claude_tui.widgets.session_list import HitItem, SessionItem
from tests.ui.fixtures import (
    browsing,
    LONG_SESSION,
    build_store,
    browse_transcripts,
    long_transcript,
    make_app,
    settle,
    wait_until,
)


def listed_titles(app) -> list[str]:
    return [r.session.display_title for r in app.session_list.rows if isinstance(r, SessionItem)]


async def test_filter_narrows_the_list_and_escape_restores_it(tmp_path: Path) -> None:
    async with browsing(tmp_path) as (app, pilot):
        assert len(listed_titles(app)) == 10
        app.session_list.focus()  # the launch draft's prompt has focus at first
        await pilot.press(*"cart")  # typed in the list: goes to the filter box
        await wait_until(pilot, lambda: app.filter_done == "cart", what="filter")
        assert listed_titles(app) == ["why is the cart total off by one cent?"]
        await pilot.press("backspace", "backspace", "backspace", "backspace", *"Release")
        await wait_until(pilot, lambda: app.filter_done == "Release", what="title filter")
        assert listed_titles(app) == ["Release notes 2.0"]
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.filter_done == "", what="cleared")
        assert len(listed_titles(app)) == 10


async def test_typing_fast_runs_one_query(tmp_path: Path) -> None:
    await build_store(tmp_path / "sessions.db", browse_transcripts())
    app = make_app(tmp_path, debounce=1.0)  # long enough that no pause between keys reaches it
    seen: list[str] = []

    def hook(message: object) -> None:
        if type(message).__name__ == "FilterChanged":
            seen.append(message.text)  # type: ignore[attr-defined]

    async with app.run_test(size=(120, 36), message_hook=hook) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await pilot.press(*"terraform")
        await wait_until(pilot, lambda: app.filter_done == "terraform", what="filter")
        assert seen.count("terraform") >= 1
        assert len(set(seen)) == 1  # the debounce let only the settled text through


async def test_full_text_hit_opens_session_at_the_message(tmp_path: Path) -> None:
    async with browsing(tmp_path) as (app, pilot):
        app.session_list.focus()
        await pilot.press(*"unicor")  # a prefix: full text matches words as they are typed
        await wait_until(pilot, lambda: app.filter_done == "unicor", what="filter")
        hits = [r for r in app.session_list.rows if isinstance(r, HitItem)]
        assert [h.session.session_id for h in hits] == [LONG_SESSION]
        await pilot.press("down", "down", "enter")
        key = long_transcript().key
        await wait_until(pilot, lambda: app.view_for(key) is not None, what="open")
        await wait_until(pilot, lambda: not any(w.is_running for w in app.workers), what="idle")
        await pilot.pause()
        chat = app.pane_for(key).chat
        assert isinstance(chat, ChatView)
        marked = [v for v in chat.query(MessageView) if v.has_class("-hit")]
        assert len(marked) == 1
        assert "unicorn" in marked[0].message.text
        # The older part of the 120-message transcript was mounted to reach it ...
        assert chat.start <= chat.index_of(marked[0].message.uuid)
        # ... and it is on screen.
        await wait_until(pilot, lambda: chat.region.overlaps(marked[0].region), what="hit visible")
        assert "Answer 3: item 3 is fine. unicorn" in "\n".join(s.text for s in app.screen._compositor.render_strips())


async def test_filtered_row_shows_the_sessions_latest_counts(tmp_path: Path) -> None:
    """A session saved while the filter is on keeps its place there, but its
    line counts the session's messages (not what they were when found)."""
    from dataclasses import replace

    async with browsing(tmp_path) as (app, pilot):
        app.session_list.focus()
        await pilot.press(*"cart")
        await wait_until(pilot, lambda: app.filter_done == "cart", what="filter")
        [item] = [r for r in app.session_list.rows if isinstance(r, SessionItem)]
        app._put_row(replace(item.session, message_count=23))  # a turn was saved
        await pilot.pause()
        [item] = [r for r in app.session_list.rows if isinstance(r, SessionItem)]
        assert item.session.message_count == 23
        await wait_until(pilot, lambda: "23 msgs" in "\n".join(s.text for s in app.screen._compositor.render_strips()), what="drawn")


async def test_a_filter_matching_more_than_a_page_lists_the_first_and_says_so(tmp_path: Path, monkeypatch) -> None:
    """At 100,000 sessions a word in every title listed them all; now the first
    FILTER_LIMIT in list order, and the status says there are more."""
    import claude_tui.session_index as session_index

    monkeypatch.setattr(session_index, "FILTER_LIMIT", 2)
    async with browsing(tmp_path) as (app, pilot):
        everything = [r.display_title for r in app.all_sessions()]  # list order (the sidebar groups by folder)
        app.session_list.focus()
        await pilot.press(*"e")  # in nearly every title
        await wait_until(pilot, lambda: app.filter_done == "e", what="filter")
        found = listed_titles(app)
        assert len(found) == 2 and set(found) == set([t for t in everything if "e" in t.lower()][:2])
        status = str(app.sidebar.query_one("#sidebar-status").render())
        assert status.startswith("2+ sessions"), status
