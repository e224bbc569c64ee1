"""The sidebar list: grouping, relative times, markers, and staying fast at 10,000 sessions."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from claude_tui.store import SessionRow
from claude_tui.widgets.marker import Marker
from claude_tui.widgets.session_list import GroupRow, SessionItem, build_rows, relative_time
from tests.ui.fixtures import (
    FIXED_NOW,
    INFRA,
    SHOP,
    Transcript,
    browsing,
    make_app,
    project_key,
    screen_text,
    session_row,
    settle,
    sid,
    turn_transcript,
    wait_until,
)


def row(n: int, cwd: str | None, updated: str, pinned: bool = False) -> SessionRow:
    return session_row(
        session_id=f"{n:08x}", project_key=f"-p{n}", cwd=cwd, title=f"title {n}", updated_at=updated, pinned=pinned
    )


def test_groups_follow_first_appearance_and_keep_order() -> None:
    rows = [
        row(1, "/a", "2026-03-10T00:00:00Z", pinned=True),
        row(2, "/b", "2026-03-09T00:00:00Z"),
        row(3, "/a", "2026-03-08T00:00:00Z"),
        row(4, None, "2026-03-07T00:00:00Z"),
    ]
    built = build_rows(rows)
    assert [type(r).__name__ for r in built] == [
        "GroupRow", "SessionItem", "SessionItem", "GroupRow", "SessionItem", "GroupRow", "SessionItem",
    ]
    assert [r.label for r in built if isinstance(r, GroupRow)] == ["/a", "/b", "(unknown folder)"]
    assert [r.session.session_id for r in built if isinstance(r, SessionItem)] == ["00000001", "00000003", "00000002", "00000004"]


def test_relative_time() -> None:
    now = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)

    def ago(**kw: float) -> str:
        return (now - timedelta(**kw)).isoformat().replace("+00:00", "Z")

    assert relative_time(ago(seconds=10), now) == "now"
    assert relative_time(ago(minutes=5), now) == "5m"
    assert relative_time(ago(hours=3), now) == "3h"
    assert relative_time(ago(days=2), now) == "2d"
    assert relative_time(ago(days=15), now) == "2w"
    assert relative_time(ago(days=60), now) == "Jan 09"
    assert relative_time(ago(days=400), now) == "Feb 2025"
    assert relative_time(None, now) == ""
    assert relative_time("garbage", now) == ""


async def test_markers_render_from_the_app_dict(tmp_path: Path) -> None:
    async with browsing(tmp_path) as (app, pilot):
        key = turn_transcript().key
        app.set_marker(key, Marker.NEEDS_PERMISSION)
        await pilot.pause()
        line = next(l for l in screen_text(app).splitlines() if "read notes.txt" in l)
        assert line.lstrip().startswith("?")
        app.set_marker(key, None)
        await pilot.pause()
        line = next(l for l in screen_text(app).splitlines() if "read notes.txt" in l)
        assert not line.lstrip().startswith("?")


def _many(n: int) -> list[SessionRow]:
    base = FIXED_NOW
    return [
        session_row(
            session_id=f"{i:08x}-0000", project_key=f"-proj-{i % 40}", cwd=f"/work/proj/{i % 40}",
            title=f"session {i} about something", updated_at=(base - timedelta(minutes=i)).isoformat(),
            message_count=4, pinned=i % 500 == 0,
        )
        for i in range(n)
    ]


async def test_ten_thousand_sessions_stay_fast(tmp_path: Path) -> None:
    app = make_app(tmp_path, import_on_start=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        sessions = _many(10_000)
        started = time.perf_counter()
        app.sidebar.show_rows(build_rows(sessions), "10000 sessions")
        await pilot.pause()
        listed = time.perf_counter() - started
        assert app.session_list.session_count == 10_000
        # Rendering only touches visible rows: paging to the end costs what paging a short list does.
        app.session_list.focus()
        started = time.perf_counter()
        await pilot.press("end")
        await pilot.pause()
        jumped = time.perf_counter() - started
        assert app.session_list.cursor == len(app.session_list.rows) - 1
        assert "session 9999 about" in screen_text(app)
        # Generous bounds (CI machines vary); measured about 0.05 s and 0.09 s.
        assert listed < 1.0, listed
        assert jumped < 1.0, jumped


async def test_a_saved_turn_redraws_only_its_own_row(tmp_path: Path) -> None:
    """After a turn is saved, its row is swapped in place: no rebuild of the list,
    no other row drawn again (at 10,000 sessions a rebuild per reply was slow)."""
    async with browsing(tmp_path) as (app, pilot):
        key = (project_key(SHOP), sid(7))  # "add a dark mode toggle …": keeps its place when renamed
        listing = app.session_list
        rebuilt: list[object] = []
        drawn: set[object] = set()
        show, render = listing.show, listing._render_row_line

        def counting_show(rows):  # type: ignore[no-untyped-def]
            rebuilt.append(rows)
            show(rows)

        def recording_render(row, offset, width, cursor):  # type: ignore[no-untyped-def]
            drawn.add(getattr(row, "key", row))
            return render(row, offset, width, cursor)

        listing.show = counting_show
        listing._render_row_line = recording_render
        before = [r.key for r in app.all_sessions()]
        await app.store.update_session(*key, custom_title="Dark mode, renamed")
        await app.refresh_session_row(key)
        await wait_until(pilot, lambda: "Dark mode, renamed" in screen_text(app), what="row redrawn")
        await pilot.pause()
        assert rebuilt == []
        assert drawn == {key}
        assert [r.key for r in app.all_sessions()] == before
        assert app._by_key[key].display_title == "Dark mode, renamed"


async def test_a_saved_turn_that_moves_its_row_keeps_the_list_in_order(tmp_path: Path) -> None:
    async with browsing(tmp_path) as (app, pilot):
        key = (project_key(INFRA), sid(10))  # the oldest session, last in its group
        listing = app.session_list
        listing.focus()
        assert listing.select_key((project_key(SHOP), sid(6)))
        await app.store.update_session(*key, pinned=True)  # second among the pinned: its group moves up
        await app.refresh_session_row(key)
        stored = await app.store.sessions()
        assert [r.key for r in app.all_sessions()] == [r.key for r in stored]
        assert listing.rows == build_rows(stored)
        t = Transcript(INFRA, sid(10), start=timedelta(minutes=-1))  # a new turn: newest of all
        t.user("rotate the staging database credentials")
        t.reply("Done.")
        t.user("and the production credentials?")  # the first new line (the two above are stored)
        await app.store.append({"project_key": key[0], "session_id": key[1]}, t.entries[2:])  # type: ignore[typeddict-item]
        await app.refresh_session_row(key)
        stored = await app.store.sessions()
        assert stored[0].key == key
        assert [r.key for r in app.all_sessions()] == [r.key for r in stored]
        assert listing.rows == build_rows(stored)
        assert listing.highlighted.key == (project_key(SHOP), sid(6))  # the cursor stayed on its session
        await pilot.pause()
        lines = [line.strip() for line in screen_text(app).splitlines()]
        assert lines.index(next(l for l in lines if "rotate the staging" in l)) < lines.index(
            next(l for l in lines if "why is the cart total" in l)
        )


async def test_a_row_saved_under_a_filter_shows_when_the_filter_is_cleared(tmp_path: Path) -> None:
    async with browsing(tmp_path) as (app, pilot):
        key = (project_key(SHOP), sid(7))
        app.session_list.focus()
        await pilot.press(*"cart")
        await wait_until(pilot, lambda: app.filter_done == "cart", what="filter")
        found = list(app.session_list.rows)
        await app.store.update_session(*key, custom_title="Dark mode, renamed")
        await app.refresh_session_row(key)
        assert app.session_list.rows == found  # the filter's results stay as they were found
        app.filter_text = ""  # the moment a cleared filter's worker has not run yet: its rows are still shown
        await app.refresh_session_row(key)
        assert app.session_list.rows == found
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.filter_done == "", what="cleared")
        assert "Dark mode, renamed" in screen_text(app)
        assert app.session_list.rows == build_rows(await app.store.sessions())
