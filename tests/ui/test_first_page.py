"""The newest sessions in the first frame (store/first_page.py), before the store opens."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from claude_tui.store import SqliteSessionStore
from claude_tui.store import first_page
from claude_tui.store import migrations
from claude_tui.widgets.session_list import SessionItem
from tests.ui.fixtures import browse_transcripts, build_store, make_app, settle, wait_until


async def test_the_first_frame_lists_the_newest_sessions_before_the_store_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await build_store(tmp_path / "sessions.db", browse_transcripts())
    async with await SqliteSessionStore.open(tmp_path / "sessions.db") as store:
        newest = await store.sessions(archived=False)
    opened = asyncio.Event()

    async def never(cls, *args, **kwargs):  # the store's open, held back: only the first page can list
        opened.set()
        await asyncio.Event().wait()

    monkeypatch.setattr(SqliteSessionStore, "open", classmethod(never))
    app = make_app(tmp_path)
    first_frame: dict[str, object] = {}
    painted = app._first_frame_painted

    def record() -> None:
        first_frame["titles"] = [r.session.display_title for r in app.session_list.rows if isinstance(r, SessionItem)]
        first_frame["status"] = str(app.sidebar.query_one("#sidebar-status").render())
        painted()

    app._first_frame_painted = record
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: first_frame and opened.is_set(), what="first frame")
        assert sorted(first_frame["titles"]) == sorted(r.display_title for r in newest)
        assert first_frame["status"] == f"{len(newest)} sessions"
        assert not app.sessions_loaded  # the whole list still comes from the store


async def test_a_page_is_one_page_in_list_order(tmp_path: Path) -> None:
    await build_store(tmp_path / "sessions.db", browse_transcripts())
    async with await SqliteSessionStore.open(tmp_path / "sessions.db") as store:
        rows = await store.sessions(archived=False)
    page = first_page.read_first_page(tmp_path / "sessions.db", limit=3)
    assert page is not None and page.rows == rows[:3] and page.count == len(rows)


async def test_no_page_from_a_missing_store_or_another_schema(tmp_path: Path) -> None:
    assert first_page.read_first_page(tmp_path / "none.db") is None
    assert not (tmp_path / "none.db").exists()  # never created by a read
    old = tmp_path / "old.db"
    import aiosqlite

    async with aiosqlite.connect(old) as conn:
        await migrations.upgrade(conn, target=5)
    assert first_page.read_first_page(old) is None  # the store's open upgrades it, with progress
    with sqlite3.connect(tmp_path / "junk.db") as conn:
        conn.execute("CREATE TABLE t (x)")
    assert first_page.read_first_page(tmp_path / "junk.db") is None
    (tmp_path / "text.db").write_text("not a database")
    assert first_page.read_first_page(tmp_path / "text.db") is None


def test_the_schema_version_read_from_file_names_is_the_migrations_own() -> None:
    assert first_page.schema_version() == migrations.latest_version()


async def test_a_large_list_is_built_in_a_thread_and_shown_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import claude_tui.app as app_module
    import claude_tui.store.app_data as app_data

    import threading

    monkeypatch.setattr(app_module, "BIG_LIST", 0)
    monkeypatch.setattr(app_data, "ROWS_PER_STEP", 2)  # the conversion yields between steps
    built_in: list[str] = []

    def build(rows, *args, **kwargs):
        built_in.append(threading.current_thread().name)
        return build_rows(rows, *args, **kwargs)

    from claude_tui.widgets.session_list import build_rows

    monkeypatch.setattr(app_module, "build_rows", build)
    await build_store(tmp_path / "sessions.db", browse_transcripts())
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        # The first page (all ten here) is built on the main thread, the whole list in another.
        await wait_until(pilot, lambda: app.sessions_loaded and len(built_in) >= 2, what="list")
        await settle(pilot)
        assert built_in[0] == threading.main_thread().name and built_in[1] != threading.main_thread().name
        assert app.session_list.session_count == len(app.all_sessions())
        assert [r.session.key for r in app.session_list.rows if isinstance(r, SessionItem)]
        assert len(app.all_sessions()) == 10


async def test_rows_share_the_texts_many_rows_hold(tmp_path: Path) -> None:
    await build_store(tmp_path / "sessions.db", browse_transcripts())
    async with await SqliteSessionStore.open(tmp_path / "sessions.db") as store:
        rows = await store.sessions(archived=None)
    by_cwd: dict[str, object] = {}
    for row in rows:
        assert by_cwd.setdefault(row.cwd, row.cwd) is row.cwd  # one object per folder
        if row.display_title == row.title:
            assert row.display_title is row.title
    assert not hasattr(rows[0], "__dict__")  # slots


async def test_clearing_a_filter_reuses_the_lists_rows_until_the_list_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Building the sidebar's rows of 100,000 sessions takes a quarter of a
    second: an Escape in the filter shows the ones built before."""
    import claude_tui.app as app_module
    from claude_tui.widgets.session_list import build_rows

    calls: list[int] = []

    def build(rows, *args, **kwargs):
        calls.append(len(rows))
        return build_rows(rows, *args, **kwargs)

    monkeypatch.setattr(app_module, "build_rows", build)
    await build_store(tmp_path / "sessions.db", browse_transcripts())
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: app.sessions_loaded, what="list")
        await settle(pilot)
        app.session_list.focus()
        before = list(calls)
        for _ in range(2):
            await pilot.press(*"cart")
            await wait_until(pilot, lambda: app.filter_done == "cart", what="filter")
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.filter_done == "", what="cleared")
        assert [n for n in calls[len(before):] if n == 10] == []  # the whole list: not built again
        assert app.session_list.session_count == 10
        row = app.all_sessions()[0]
        from dataclasses import replace

        app._put_row(replace(row, display_title="renamed"))
        await pilot.press(*"cart")
        await wait_until(pilot, lambda: app.filter_done == "cart", what="filter")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.filter_done == "", what="cleared")
        assert calls[-1] == 10  # the list changed: built again
        assert "renamed" in [r.session.display_title for r in app.session_list.rows if isinstance(r, SessionItem)]
