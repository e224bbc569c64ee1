"""The session list at scale (schema 8, store/listing.py): the same output and
rows as the queries it replaced, from an index in list order and the title index.

The "old" queries below are the ones the store ran before (a scan of every
session, sorted): every new path must give their rows, byte for byte.
"""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
from pathlib import Path

import pytest

from claude_tui.store import SqliteSessionStore
from claude_tui.store import listing
from claude_tui.store.metadata import DISPLAY_TITLE_SQL, SessionRow
from claude_tui.store.search import fts_query

WORDS = ["alpha", "beta", "gamma", "delta", "quetzal", "zip", "Ünïcode", "naïve", "x", "q%", "a_b", 'say"hi', "ÉCOLE"]


def entry(sid: str, n: int, text: str, ts: str) -> dict:
    kind = "user" if n % 2 == 0 else "assistant"
    message: dict = {"role": kind, "content": text}
    if kind == "assistant":
        message = {"id": f"m{sid}{n}", "role": "assistant", "model": "m", "content": [{"type": "text", "text": text}]}
    return {"type": kind, "uuid": f"{sid}-{n}", "timestamp": ts, "cwd": f"/tmp/p{int(sid[:2]) % 3}",
            "sessionId": sid, "message": message}


async def fill(store: SqliteSessionStore, count: int = 120, seed: int = 3) -> None:
    """Sessions with random titles and texts, some pinned, archived, renamed,
    with equal times, without a time, or without messages."""
    rng = random.Random(seed)
    for i in range(count):
        sid = f"{i:02d}{rng.getrandbits(64):016x}"
        key = {"project_key": f"-tmp-p{i % 3}", "session_id": sid}
        minute = rng.choice([1, 2, 2, 3, 4, 5, 6, 7])  # ties: the id breaks them
        ts = f"2026-01-0{rng.randint(1, 9)}T10:{minute:02d}:00.000Z"
        texts = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4))) for _ in range(rng.randint(1, 4))]
        await store.append(key, [entry(sid, n, t, ts) for n, t in enumerate(texts)])
        fields: dict = {}
        if rng.random() < 0.1:
            fields["pinned"] = True
        if rng.random() < 0.15:
            fields["archived"] = True
        if rng.random() < 0.2:
            fields["custom_title"] = rng.choice(["  ", "Renamed " + rng.choice(WORDS), "ÉCOLE zip"])
        if fields:
            await store.update_session(key["project_key"], sid, **fields)
    await store.ensure_session("-tmp-p0", "empty-session", "/tmp/p0")  # no messages: never listed
    # Replies only: no title, listed as "(untitled session)" (once renamed to blanks too).
    for n, sid in enumerate(("99untitled0000001", "99untitled0000002")):
        await store.append({"project_key": "-tmp-p1", "session_id": sid}, [entry(sid, 1, "alpha reply", "2026-01-05T10:00:00.000Z")])
        if n:
            await store.update_session("-tmp-p1", sid, custom_title="   ")
    await store._write(lambda: store._conn.execute("UPDATE sessions SET updated_at = NULL WHERE rowid % 17 = 0"))


def old_rows(db: Path, select: str, search: str | None, *, archived: bool | None, cwd: str | None = None,
             limit: int | None = None) -> list[tuple]:
    """The list as the store read it before schema 8."""
    where, params = ["s.message_count > 0"], []
    if archived is not None:
        where.append("s.archived = 1" if archived else "s.archived = 0")
    if cwd is not None:
        where.append("s.cwd = ?")
        params.append(cwd)
    if search is not None:
        words = search.split()
        title_like = " AND ".join(f"{DISPLAY_TITLE_SQL} LIKE ? ESCAPE '\\'" for _ in words)
        where.append(
            f"(({title_like}) OR (SELECT t.id FROM transcripts t WHERE t.project_key = s.project_key"
            " AND t.session_id = s.session_id AND t.subpath = '') IN (SELECT m.transcript_id FROM message_fts f"
            " JOIN message_transcripts m ON m.entry_id = f.rowid WHERE f.message_fts MATCH ?))"
        )
        params += [f"%{listing.like_escape(w)}%" for w in words] + [fts_query(search)]
    sql = (f"SELECT {select} FROM sessions s NOT INDEXED WHERE {' AND '.join(where)}"
           " ORDER BY s.pinned DESC, s.updated_at DESC, s.session_id")
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.fixture
async def filled(tmp_path: Path):
    async with await SqliteSessionStore.open(tmp_path / "s.db") as store:
        await fill(store)
        yield store, tmp_path / "s.db"


async def test_ls_json_text_is_byte_for_byte_the_old_output(filled) -> None:
    store, db = filled
    for cwd, limit in ((None, None), (None, 7), ("/tmp/p1", None), (None, 0)):
        old = [r[0] for r in old_rows(db, SessionRow.JSON_SQL, None, archived=None, cwd=cwd, limit=limit)]
        expected = "[\n" + ",\n".join(old) + "\n]" if old else "[]"
        assert await store.sessions_json_text(cwd=cwd, limit=limit) == expected
    assert await store.sessions_json_text(search="alpha", limit=5) == "[\n" + ",\n".join(
        r[0] for r in old_rows(db, SessionRow.JSON_SQL, "alpha", archived=None, limit=5)) + "\n]"
    parsed = json.loads(await store.sessions_json_text())
    assert parsed == [r.to_json() for r in await store.sessions(archived=None)]
    assert any(o["pinned"] for o in parsed) and any(o["archived"] for o in parsed)


async def test_ls_json_prints_the_text_once(filled, capsys: pytest.CaptureFixture[str]) -> None:
    from claude_tui.cli import main

    store, db = filled
    expected = "[\n" + ",\n".join(r[0] for r in old_rows(db, SessionRow.JSON_SQL, None, archived=None)) + "\n]\n"
    assert await asyncio.to_thread(main, ["--db", str(db), "ls", "--json"]) == 0
    assert capsys.readouterr().out == expected


SEARCHES = ["alpha", "ALPHA", "alp", "a", "q", "x", "zip alpha", "ünï", "ÜNÏ", "école", "ÉCOLE", "q%", "a_b", "%",
            'say"hi', "renamed", "Renamed zip", "untitled", "nothing-here", "al ph", "b"]


@pytest.mark.parametrize("archived", [False, True, None])
async def test_filter_rows_are_the_old_rows_in_the_old_order(filled, archived) -> None:
    store, db = filled
    for search in SEARCHES:
        for limit in (None, 3, 50):
            new = await store._session_query(SessionRow.COLUMNS, search, None, limit, False, archived)
            assert new == old_rows(db, SessionRow.COLUMNS, search, archived=archived, limit=limit), (search, limit)


async def test_each_way_of_filtering_gives_the_old_rows(filled, monkeypatch: pytest.MonkeyPatch) -> None:
    """Candidates, the walk with known message hits, the walk over many hits: forced one by one."""
    store, db = filled
    for candidates, hits in ((10_000, 10_000), (0, 10_000), (10_000, 0), (0, 0)):
        monkeypatch.setattr(listing, "CANDIDATES", candidates)
        monkeypatch.setattr(listing, "MESSAGE_HITS", hits)
        for search in SEARCHES:
            new = await store._session_query(SessionRow.COLUMNS, search, None, 10, False, False)
            assert new == old_rows(db, SessionRow.COLUMNS, search, archived=False, limit=10), (candidates, hits, search)


async def test_the_title_index_follows_renames_and_deletes(filled) -> None:
    store, db = filled
    row = (await store.sessions(limit=1))[0]
    await store.update_session(row.project_key, row.session_id, custom_title="Xylophone recital")
    assert [r.key for r in await store.sessions(search="lophone")] == [row.key]
    await store.update_session(row.project_key, row.session_id, custom_title=None)
    assert await store.sessions(search="lophone") == []
    await store.delete_session(row.project_key, row.session_id)
    with sqlite3.connect(db) as conn:
        (indexed,) = conn.execute("SELECT count(*) FROM title_fts WHERE title_fts MATCH ?",
                                  (json.dumps(row.display_title[:20]),)).fetchone()
        (stored,) = conn.execute(f"SELECT count(*) FROM sessions WHERE instr({DISPLAY_TITLE_SQL}, ?)",
                                 (row.display_title[:20],)).fetchone()
    assert indexed == stored


async def test_the_list_is_read_from_its_index(filled) -> None:
    store, _ = filled
    sql, params = listing.base_query(None, False, False).sql(SessionRow.COLUMNS, limit=50)
    plan = " ".join(str(r) for r in await store._rows("EXPLAIN QUERY PLAN " + sql, params))
    assert "sessions_order" in plan and "TEMP B-TREE" not in plan


def old_rows_with_notes(db: Path, search: str, limit: int) -> list[tuple]:
    """The filter as the store read it with notes (schema 6): each word in the title or the note."""
    words = search.split()
    title_like = " AND ".join(f"({DISPLAY_TITLE_SQL} LIKE ? ESCAPE '\\' OR note LIKE ? ESCAPE '\\')" for _ in words)
    params = [p for w in words for p in (f"%{listing.like_escape(w)}%",) * 2]
    sql = (
        f"SELECT {SessionRow.COLUMNS} FROM sessions s NOT INDEXED WHERE s.message_count > 0 AND s.archived = 0"
        f" AND (({title_like}) OR (SELECT t.id FROM transcripts t WHERE t.project_key = s.project_key"
        " AND t.session_id = s.session_id AND t.subpath = '') IN (SELECT m.transcript_id FROM message_fts f"
        " JOIN message_transcripts m ON m.entry_id = f.rowid WHERE f.message_fts MATCH ?))"
        f" ORDER BY s.pinned DESC, s.updated_at DESC, s.session_id LIMIT {int(limit)}"
    )
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, [*params, fts_query(search)]).fetchall()


NOTE_SEARCHES = ["zebra", "ze", "z", "alpha zebra", "zebra crossing", "cro", "q% zebra", "x"]


async def test_notes_are_matched_the_old_way_in_every_path(filled, monkeypatch: pytest.MonkeyPatch) -> None:
    """The notes' sessions are read first and named by rowid; past CANDIDATES
    of them (forced here with 0), a word's note is checked row by row."""
    store, db = filled
    rows = await store.sessions(limit=60)
    for n, row in enumerate(rows[::4]):
        await store.update_session(row.project_key, row.session_id, note=["zebra crossing", "a zebra", "q% zebra"][n % 3])
    for candidates, hits in ((10_000, 10_000), (0, 10_000), (10_000, 0), (0, 0), (2, 10_000)):
        monkeypatch.setattr(listing, "CANDIDATES", candidates)
        monkeypatch.setattr(listing, "MESSAGE_HITS", hits)
        for search in NOTE_SEARCHES:
            new = await store._session_query(SessionRow.COLUMNS, search, None, 10, False, False)
            assert new == old_rows_with_notes(db, search, 10), (candidates, hits, search)


async def test_a_short_word_is_checked_without_reading_each_rows_note(filled) -> None:
    """A word under 3 characters is looked for in every title: the check uses
    only the columns of the list's index (the noted sessions by rowid), so
    SQLite need not read each row from the table (50 -> 30 ms at 100,000)."""
    store, _ = filled
    seen: list[str] = []
    real = store._rows

    async def recording(sql, params):
        seen.append(sql)
        return await real(sql, params)

    store._rows = recording  # type: ignore[method-assign]
    await store._session_query(SessionRow.COLUMNS, "ze", None, 10, False, False)
    walk = [sql for sql in seen if "sessions_order" in sql or " ORDER BY s.pinned" in sql]
    assert walk and all("s.note LIKE" not in sql for sql in walk)
