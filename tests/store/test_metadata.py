"""One rule each: the list order (Python key = the store's SQL), ISO timestamps, new rows."""

from __future__ import annotations

import random
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

from claude_tui.store import SqliteSessionStore
from claude_tui.store.metadata import SessionRow, iso_utc, session_order
from claude_tui.timestamps import parse_iso


async def test_python_order_is_the_stores_sql_order_with_ties(store_location) -> None:
    from claude_tui.store.select import open_store

    db = store_location()
    stamps = ["2026-03-10T12:00:00.000Z", "2026-03-10T12:00:00.000Z", "2026-03-09T08:00:00.000Z", "", None]
    rows = [
        (f"-p{n % 2}", f"{n % 7:02d}-session-{n}", stamps[n % len(stamps)], int(n % 3 == 0))
        for n in range(40)  # ties on pinned and on updated_at; empty and NULL stamps
    ]
    random.Random(3).shuffle(rows)
    async with await open_store(db) as store:
        await store._write(lambda: store._conn.executemany(
            "INSERT INTO sessions (project_key, session_id, updated_at, pinned, title, message_count)"
            " VALUES (?, ?, ?, ?, 't', 1)",
            rows,
        ))
        listed = await store.sessions()
    assert len(listed) == 40
    mine = sorted(listed, key=session_order)
    assert [r.key for r in mine] == [r.key for r in listed]
    # The order the store gave, shuffled and sorted again, comes back the same.
    shuffled = listed[:]
    random.Random(4).shuffle(shuffled)
    assert [r.key for r in sorted(shuffled, key=session_order)] == [r.key for r in listed]


def test_parse_iso_reads_every_stamp_the_same_way() -> None:
    utc = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)
    assert parse_iso("2026-03-10T12:00:00.000Z") == utc
    assert parse_iso("2026-03-10T12:00:00+00:00") == utc
    assert parse_iso("2026-03-10T14:00:00+02:00") == utc
    assert parse_iso("2026-03-10T12:00:00") == utc  # no zone: UTC, the store's convention
    assert parse_iso("2026-03-10T12:00:00").tzinfo is not None
    for bad in (None, "", "garbage", 5):
        assert parse_iso(bad) is None
    assert iso_utc("2026-03-10T14:00:00.5+02:00") == "2026-03-10T12:00:00.500Z"


def test_a_provisional_row_is_what_the_store_would_list() -> None:
    now = iso_utc((datetime(2026, 3, 10, tzinfo=timezone.utc) - timedelta(minutes=1)).isoformat())
    row = SessionRow.provisional(("-w", "abc"), cwd="/w", title="hello", updated_at=now)
    assert row.key == ("-w", "abc")
    assert (row.display_title, row.last_prompt, row.message_count, row.pinned) == ("hello", "hello", 1, False)
    assert row.created_at == row.updated_at == "2026-03-09T23:59:00.000Z"
