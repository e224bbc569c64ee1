"""Schema version 4: the store holds what it must, once (it was 1.6x its transcripts).

- Entry bodies are compressed (zstd with a store-wide dictionary kept in
  ``codec_dicts``; see ``store/codec.py``).
- The full-text index is contentless: it kept a second copy of every
  message's text. Search snippets are computed from the hit's entry, and a
  row is deleted with the text recomputed from its entry.
- An entry's uuid, when it is a canonical UUID, is stored as its 16 bytes
  (``codec.uuid_key``), and ``entries.type`` (read from the line when
  needed) is dropped.
- One unique index on ``(transcript_id, uuid)`` (NULLs are distinct in it)
  both finds a transcript's entries and deduplicates appends; it replaces
  the partial unique index on uuids and the index on ``(transcript_id, id)``
  (entries of a transcript are sorted by id after they are found).
- ``store_meta`` holds the newest entry id ever given (ids are never reused)
  and this upgrade's bookmark.

``upgrade`` (one transaction, seconds at most) makes the new tables, drops
the old index and trains the dictionary on a sample of the stored lines; it
leaves the bookmark ``upgrade4_after`` (the last entry rewritten). ``finish``
then compresses and re-indexes the entries in batches, each committed with
the bookmark, so a crash or quit mid-way loses at most one batch and the
next open resumes; then it compacts the file (VACUUM), which gives the freed
space back to the file system.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
from typing import Any

import aiosqlite

from .. import lines
from ..codec import TRAIN_MAX_BYTES, EntryCodec, train, uuid_key
from . import UpgradeCallback, UpgradeProgress

VERSION = 4

BATCH_ROWS = 2000
BATCH_BYTES = 16 * 1024 * 1024
SAMPLE_LINES = 4000
VACUUM_BUSY_MS = 2000
STEP = "Compressing the archive"
COMPACT_STEP = "Compacting the database file"

SCHEMA = [
    "CREATE TABLE store_meta (name TEXT PRIMARY KEY, value) WITHOUT ROWID",
    "CREATE TABLE codec_dicts (id INTEGER PRIMARY KEY, data BLOB NOT NULL)",
    "DROP TRIGGER IF EXISTS entries_fts_delete",
    "DROP TABLE message_fts",
    """
    CREATE VIRTUAL TABLE message_fts USING fts5 (
        text,
        content = '',
        columnsize = 0,
        tokenize = 'unicode61 remove_diacritics 2'
    )
    """,
]


FINAL = [  # once every entry is rewritten (at once for an empty store)
    "ALTER TABLE entries DROP COLUMN type",
    "DROP INDEX entries_uuid",
    "DROP INDEX entries_transcript",
    "CREATE UNIQUE INDEX entries_key ON entries (transcript_id, uuid)",
]


async def upgrade(conn: aiosqlite.Connection) -> None:
    for statement in SCHEMA:
        await conn.execute(statement)
    async with conn.execute("SELECT min(id), max(id) FROM entries") as cur:
        low, top = await cur.fetchone()  # type: ignore[misc]
    if top is None:
        for statement in FINAL:
            await conn.execute(statement)
        return
    # Entries at random: every n-th would pick one kind of line (turns repeat
    # the same kinds in the same order).
    ids = sorted(random.Random(4).sample(range(low, top + 1), min(SAMPLE_LINES, top - low + 1)))
    sample: list[bytes] = []
    size = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for (data,) in await conn.execute_fetchall(f"SELECT data FROM entries WHERE id IN ({marks})", chunk):
            raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
            sample.append(raw)
            size += len(raw)
        if size >= TRAIN_MAX_BYTES:
            break
    dictionary = await asyncio.to_thread(train, sample)
    if dictionary is not None:
        await conn.execute("INSERT INTO codec_dicts (id, data) VALUES (1, ?)", (dictionary,))
    await conn.executemany(
        "INSERT INTO store_meta (name, value) VALUES (?, ?)",
        [("upgrade4_after", low - 1), ("upgrade4_total", top), ("last_entry_id", top)],
    )


async def finish(conn: aiosqlite.Connection, progress: UpgradeCallback | None) -> None:
    """Rewrite the entries left after the bookmark, then compact the file."""
    pending = await conn.execute_fetchall(
        "SELECT name FROM store_meta WHERE name IN ('upgrade4_after', 'upgrade4_vacuum')"
    )
    if not pending:
        return
    path = next(row[2] for row in await conn.execute_fetchall("PRAGMA database_list") if row[1] == "main")
    sync = await asyncio.to_thread(_connect, path)
    try:
        codec = EntryCodec()
        codec.add_all(await asyncio.to_thread(lambda: sync.execute("SELECT id, data FROM codec_dicts").fetchall()))
        while True:
            done, total, finished = await asyncio.to_thread(_batch, sync, codec)
            if progress is not None:
                progress(UpgradeProgress(VERSION, STEP, done, total))
            if finished:
                break
        if progress is not None:
            progress(UpgradeProgress(VERSION, COMPACT_STEP, 0, 1))
        if await asyncio.to_thread(_compact, sync) and progress is not None:
            progress(UpgradeProgress(VERSION, COMPACT_STEP, 1, 1))
    finally:
        await asyncio.to_thread(sync.close)


def _connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 30000")
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def _meta(conn: sqlite3.Connection, name: str) -> Any:
    row = conn.execute("SELECT value FROM store_meta WHERE name = ?", (name,)).fetchone()
    return row[0] if row else None


def _batch(conn: sqlite3.Connection, codec: EntryCodec) -> tuple[int, int, bool]:
    """Compress and index the next batch of entries in one transaction with the
    bookmark; return (last entry id done, last entry id to do, finished).

    Entries after ``upgrade4_total`` were written by schema 4 already."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        after = _meta(conn, "upgrade4_after")
        total = int(_meta(conn, "upgrade4_total") or 0)
        if after is None:  # finished, by us or by another process
            conn.execute("COMMIT")
            return total, total, True
        cursor = conn.execute(
            "SELECT e.id, e.uuid, e.data, m.entry_id IS NOT NULL FROM entries e"
            " LEFT JOIN message_transcripts m ON m.entry_id = e.id"
            " WHERE e.id > ? AND e.id <= ? ORDER BY e.id",
            (after, total),
        )
        batch: list[tuple[int, Any, Any, int]] = []
        size = 0
        for row in cursor:
            batch.append(row)
            size += len(row[2])
            if len(batch) >= BATCH_ROWS or size >= BATCH_BYTES:
                break
        cursor.close()
        if not batch:
            for statement in FINAL:
                conn.execute(statement)
            conn.execute("DELETE FROM store_meta WHERE name IN ('upgrade4_after', 'upgrade4_total')")
            conn.execute("INSERT OR REPLACE INTO store_meta (name, value) VALUES ('upgrade4_vacuum', 1)")
            conn.execute("COMMIT")
            return total, total, True
        updates = []
        index = []
        for entry_id, uuid, data, indexed in batch:
            if not isinstance(data, str):
                continue  # compressed and indexed already
            raw = data.encode("utf-8", "surrogatepass")
            updates.append((codec.encode(raw), uuid_key(uuid), entry_id))
            if indexed:
                text = _index_text(raw)
                if text:
                    index.append((entry_id, text))
        conn.executemany("UPDATE entries SET data = ?, uuid = ? WHERE id = ?", updates)
        conn.executemany("INSERT INTO message_fts (rowid, text) VALUES (?, ?)", index)
        last = batch[-1][0]
        conn.execute("UPDATE store_meta SET value = ? WHERE name = 'upgrade4_after'", (last,))
        conn.execute("COMMIT")
        return last, total, False
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _index_text(raw: bytes) -> str:
    from ..writer import index_text

    try:
        return index_text(lines.stored_entry(raw))
    except (ValueError, RecursionError):
        return ""


def _compact(conn: sqlite3.Connection) -> bool:
    """VACUUM once the entries are rewritten; if other connections keep it from
    running now, the next open tries again."""
    if _meta(conn, "upgrade4_vacuum") is None:
        return False
    conn.execute(f"PRAGMA busy_timeout = {VACUUM_BUSY_MS}")
    try:
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.OperationalError:
        return False
    conn.execute("DELETE FROM store_meta WHERE name = 'upgrade4_vacuum'")
    return True
