"""The store's SQL, spoken to PostgreSQL: statement translation and two thin
connection wrappers (synchronous for the writer thread, async for reads).

The SQLite store's statements are plain SQL with ``?`` placeholders, and
most of them mean the same on PostgreSQL. Rather than keep a second copy of
the writer and the app-data queries (which other features extend), the
PostgreSQL store runs the same code through these wrappers: ``?`` becomes
``%s``, ``INSERT OR IGNORE`` becomes ``ON CONFLICT DO NOTHING``, and the few
statements that are SQLite's own (``BEGIN IMMEDIATE``, a pragma, the FTS5
delete command, the ``offset`` column) are swapped for their PostgreSQL
meaning in ``EXACT``. Parameters are adapted on the way: booleans become
the 0/1 the integer columns hold, NUL characters (which PostgreSQL text
cannot hold) become U+FFFD, and entry uuids go in as text.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from ..codec import uuid_text

WRITE_LOCK = 0x43545549  # "CTUI": one writer at a time across processes, as SQLite's lock
NOTIFY_CHANNEL = "claude_tui_changes"

ENTRY_INSERT = "INSERT INTO entries (id, transcript_id, uuid, data) VALUES (?, ?, ?, ?)"
UUID_SELECT = "SELECT uuid FROM entries WHERE transcript_id=? AND uuid IN ("
SKIP = ""
"""A statement with no PostgreSQL counterpart (its work is done otherwise)."""

EXACT = {
    "BEGIN IMMEDIATE": f"BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})",
    "PRAGMA defer_foreign_keys = ON": "SET CONSTRAINTS ALL DEFERRED",
    "INSERT INTO message_fts (message_fts, rowid, text) VALUES ('delete', ?, ?)": SKIP,  # cascades
    "INSERT INTO message_transcripts (entry_id, transcript_id) VALUES (?, ?)": SKIP,  # in message_fts
    "INSERT INTO store_meta (name, value) VALUES ('last_entry_id', ?)"
    " ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)": (
        "INSERT INTO store_meta (name, value) VALUES ('last_entry_id', %s)"
        " ON CONFLICT (name) DO UPDATE SET value = GREATEST(store_meta.value, excluded.value)"
    ),
    "INSERT OR REPLACE INTO import_files (path, size, mtime_ns, inode, offset, head_hash, bad_lines)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)": (
        'INSERT INTO import_files (path, size, mtime_ns, inode, "offset", head_hash, bad_lines)'
        " VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (path) DO UPDATE SET size=excluded.size,"
        ' mtime_ns=excluded.mtime_ns, inode=excluded.inode, "offset"=excluded."offset",'
        " head_hash=excluded.head_hash, bad_lines=excluded.bad_lines"
    ),
    "SELECT path, size, mtime_ns, inode, offset, head_hash, bad_lines FROM import_files": (
        'SELECT path, size, mtime_ns, inode, "offset", head_hash, bad_lines FROM import_files'
    ),
    # store/relocate.py finds the tables keyed by session in the schema:
    "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
    " AND name NOT LIKE 'sqlite_%' ORDER BY name": (
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        " AND table_type = 'BASE TABLE' ORDER BY table_name"
    ),
    "INSERT OR REPLACE INTO tombstones (session_id, deleted_at) VALUES (?, ?)": (
        "INSERT INTO tombstones (session_id, deleted_at) VALUES (%s, %s)"
        " ON CONFLICT (session_id) DO UPDATE SET deleted_at=excluded.deleted_at"
    ),
}


@functools.lru_cache(maxsize=512)
def translate(sql: str) -> str:
    """``sql`` as PostgreSQL takes it from psycopg (``SKIP``: nothing to run)."""
    exact = EXACT.get(sql)
    if exact is not None:
        return exact
    text = sql.strip()
    if text.startswith('PRAGMA table_info("') and text.endswith('")'):  # (position, name) of each column
        table = text[len('PRAGMA table_info("') : -2].replace("'", "''")
        return (
            "SELECT ordinal_position, column_name FROM information_schema.columns"
            f" WHERE table_schema = current_schema() AND table_name = '{table}' ORDER BY ordinal_position"
        )
    if text.startswith("INSERT OR IGNORE INTO"):
        text = "INSERT INTO" + text[len("INSERT OR IGNORE INTO") :] + " ON CONFLICT DO NOTHING"
    return text.replace("%", "%%").replace("?", "%s")


def _value(value: Any) -> Any:
    if type(value) is bool:
        return int(value)
    if type(value) is str and "\x00" in value:
        return value.replace("\x00", "\ufffd")
    return value


def adapt(sql: str, params: Sequence[Any] | None) -> tuple[Any, ...] | None:
    """``params`` as PostgreSQL's columns take them (see the module docstring)."""
    if not params:
        return None
    values = [_value(v) for v in params]
    if sql == ENTRY_INSERT:
        values[2] = uuid_text(values[2])
    elif sql.startswith(UUID_SELECT):
        values[1:] = [uuid_text(v) for v in values[1:]]
    return tuple(values)


class SyncConn:
    """A psycopg connection (autocommit: the writer says BEGIN and COMMIT) with
    the sqlite3 calls the writer and importer make."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        text = translate(sql)
        cur = self.raw.cursor()
        if text:
            cur.execute(text, adapt(sql, params))
        return cur

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Any:
        text = translate(sql)
        cur = self.raw.cursor()
        batch = [adapt(sql, row) for row in rows]
        if text and batch:
            cur.executemany(text, batch)
        return cur

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def close(self) -> None:
        self.raw.close()


class AsyncConn:
    """A psycopg ``AsyncConnection`` (autocommit) with the aiosqlite calls the
    store's reads and small writes make; ``commit`` announces the change to
    other processes (``NOTIFY``, delivered when the transaction commits)."""

    def __init__(self, raw: Any, origin: str) -> None:
        self.raw = raw
        self.origin = origin

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        text = translate(sql)
        cur = self.raw.cursor()
        if text:
            await cur.execute(text, adapt(sql, params))
        return cur

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Any:
        text = translate(sql)
        cur = self.raw.cursor()
        batch = [adapt(sql, row) for row in rows]
        if text and batch:
            await cur.executemany(text, batch)
        return cur

    async def execute_fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cur = await self.execute(sql, params)
        return await cur.fetchall() if cur.description is not None else []

    async def commit(self) -> None:
        await self.raw.execute("SELECT pg_notify(%s, %s)", (NOTIFY_CHANNEL, self.origin))
        await self.raw.execute("COMMIT")

    async def rollback(self) -> None:
        await self.raw.execute("ROLLBACK")

    async def close(self) -> None:
        await self.raw.close()

