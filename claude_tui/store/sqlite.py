"""The SDK's ``SessionStore`` protocol on SQLite; the app's own data comes from ``app_data``.

One ``SqliteSessionStore`` holds two connections to its file: an aiosqlite
one for reads and the app's small writes, and a plain one on which every
write of transcript entries runs as one unit of synchronous work in a
worker thread (``write_unit``, see ``writer.py``). Every write, on either
connection, runs inside ``BEGIN IMMEDIATE`` under one asyncio lock, which
serialises the per-session read-fold-write of summaries and metadata inside
this process, while SQLite's own write lock (with a busy timeout) serialises
it across processes.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import aiosqlite

from . import lines, migrations
from .app_data import AppData
from .codec import CodecError, EntryCodec
from .writer import Writer

if TYPE_CHECKING:
    from claude_agent_sdk.types import (
        SessionKey,
        SessionListSubkeysKey,
        SessionStoreEntry,
        SessionStoreListEntry,
        SessionSummaryEntry,
    )

APPLICATION_ID = 0x43545549  # "CTUI": marks a database as ours
BUSY_TIMEOUT_S = 30.0
CACHE_KIB = 65536
WAL_CHECKPOINT_PAGES = 8192
LOAD_IN_THREAD_ROWS = 500

T = TypeVar("T")


class StoreError(Exception):
    """A database problem worded for the user: it names the file and what to do."""


def _create_private(path: Path) -> None:
    """Create the database file with mode 0600 before SQLite touches it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)


class SqliteSessionStore(AppData):
    """Durable archive and index of Claude Code transcripts.

    Implements ``claude_agent_sdk.types.SessionStore`` completely (``append``,
    ``load``, ``list_sessions``, ``list_session_summaries``, ``delete``,
    ``list_subkeys``) and adds the queries the UI and CLI need.
    """

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()
        self._last_mtime = 0
        self.codec = EntryCodec()
        self._writer: Writer | None = None
        self._unit_lock = threading.Lock()

    # -- opening and closing -------------------------------------------------

    @classmethod
    async def open(
        cls, path: str | os.PathLike[str], progress: migrations.UpgradeCallback | None = None
    ) -> "SqliteSessionStore":
        """Open (creating if needed) and upgrade the database at ``path``.

        A file that is not a claude-tui database, is corrupt, or comes from a
        newer schema raises ``StoreError`` and is left exactly as it was.
        A long upgrade reports to ``progress`` between its batches (an
        exception from it stops the upgrade; the next open resumes it).
        """
        db_path = Path(path).expanduser()
        if db_path.is_dir():
            raise StoreError(f"{db_path} is a directory, not a database file; pass --db FILE")
        try:
            _create_private(db_path)
        except OSError as exc:
            raise StoreError(f"cannot create database {db_path}: {exc.strerror or exc}") from exc
        try:
            conn = await aiosqlite.connect(db_path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {db_path}: {exc}") from exc
        store = cls(conn, db_path)
        try:
            await store._prepare(progress)
        except BaseException:
            await conn.close()
            raise
        return store

    async def _prepare(self, progress: migrations.UpgradeCallback | None) -> None:
        where = f"{self.path}"
        try:
            app_id = await self._scalar("PRAGMA application_id")
            version = await self._scalar("PRAGMA user_version")
            tables = await self._scalar("SELECT count(*) FROM sqlite_master")
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{where} is not a usable SQLite database ({exc}). It was not modified;"
                " move it aside or pass --db with another path."
            ) from exc
        if app_id not in (0, APPLICATION_ID) or (app_id == 0 and tables):
            raise StoreError(
                f"{where} is an SQLite database of another program, not claude-tui's."
                " It was not modified; pass --db with another path."
            )
        if version > migrations.latest_version():
            raise StoreError(
                f"{where} was written by a newer claude-tui (schema {version}, this"
                f" version knows up to {migrations.latest_version()}). Upgrade claude-tui."
            )
        try:
            await self._conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            await self._enable_wal()
            await self._conn.execute("PRAGMA synchronous = NORMAL")
            await self._conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            await self._conn.execute("PRAGMA foreign_keys = ON")
            if app_id == 0:
                await self._write(
                    lambda: self._conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                )
            await migrations.upgrade(self._conn, progress=progress)
            await self._load_dictionaries()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{where}: cannot prepare the database ({exc})") from exc

    async def _enable_wal(self) -> None:
        """Switch to WAL; the switch can report "locked" without waiting while
        another process opens the same new database, so it is retried briefly."""
        for attempt in range(100):
            try:
                await self._conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == 99:
                    raise
                await asyncio.sleep(0.05)

    async def close(self) -> None:
        async with self._write_lock:
            await asyncio.to_thread(self._close_writer)
        await self._conn.close()

    def _close_writer(self) -> None:
        with self._unit_lock:  # after a unit whose caller was cancelled
            writer, self._writer = self._writer, None
            if writer is not None:
                writer.conn.close()

    async def __aenter__(self) -> "SqliteSessionStore":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- small helpers ---------------------------------------------------------

    async def _scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        async with self._conn.execute(sql, params) as cur:
            row = await cur.fetchone()
        return row[0] if row else None

    async def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return list(await self._conn.execute_fetchall(sql, params))

    def _next_mtime(self) -> int:
        """Storage write time in epoch ms, strictly increasing within the process."""
        now = int(time.time() * 1000)
        self._last_mtime = max(now, self._last_mtime + 1)
        return self._last_mtime

    async def _write(self, work: Any) -> Any:
        """Run ``await work()`` in one immediate transaction under the write lock."""
        async with self._write_lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                result = await work()
                await self._conn.commit()
            except BaseException:
                await self._conn.rollback()
                raise
            return result

    async def write_unit(self, work: Callable[[Writer], T]) -> T:
        """Run ``work(writer)`` in a worker thread, in one immediate transaction
        on the write connection: committed if it returns, rolled back if it
        raises. One thread hop for a whole append, delete or import batch."""
        async with self._write_lock:
            return await asyncio.to_thread(self._run_unit, work)

    def _run_unit(self, work: Callable[[Writer], T]) -> T:
        with self._unit_lock:  # a cancelled caller leaves its thread running
            writer = self._writer or self._open_writer()
            writer.begin()
            try:
                result = work(writer)
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            return result

    def _open_writer(self) -> Writer:
        conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        conn.execute("PRAGMA foreign_keys = ON")
        # Checkpoint every 32 MB of WAL rather than every 4: an import writes
        # the same index pages again and again, and copies each once a checkpoint.
        conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
        self._writer = Writer(conn, self.codec, self._next_mtime)
        return self._writer

    async def _transcript_id(self, key: SessionKey) -> int | None:
        return await self._scalar(
            "SELECT id FROM transcripts WHERE project_key=? AND session_id=? AND subpath=?",
            (key["project_key"], key["session_id"], key.get("subpath") or ""),
        )

    async def _load_dictionaries(self) -> None:
        self.codec.add_all(await self._rows("SELECT id, data FROM codec_dicts"))

    async def _decode(self, rows: list[tuple[Any, ...]]) -> list[Any]:
        """Entries from ``(data,)`` rows; a long transcript decodes in a thread
        (tens of ms) to keep it off the caller's loop."""
        for attempt in range(2):
            try:
                if len(rows) > LOAD_IN_THREAD_ROWS:
                    return await asyncio.to_thread(self._decode_rows, rows)
                return self._decode_rows(rows)
            except CodecError:
                if attempt:
                    raise
                await self._load_dictionaries()  # another process trained one since
        raise AssertionError("unreachable")

    def _decode_rows(self, rows: list[tuple[Any, ...]]) -> list[Any]:
        decode = self.codec.decode
        return [lines.loads(decode(data)) for (data, *_) in rows]

    # -- SessionStore protocol -------------------------------------------------

    async def append(self, key: SessionKey, entries: list[SessionStoreEntry]) -> None:
        """Mirror entries; an entry whose uuid is already stored is skipped."""
        if not entries:
            return
        items = [(dict(e), lines.dumps(e)) for e in entries]
        await self.write_unit(lambda writer: writer.append(key, items))

    async def load(self, key: SessionKey) -> list[SessionStoreEntry] | None:
        tid = await self._transcript_id(key)
        if tid is None:
            return None
        rows = await self._rows("SELECT data FROM entries WHERE transcript_id=? ORDER BY id", (tid,))
        return await self._decode(rows)

    async def load_tail(self, key: SessionKey, limit: int) -> tuple[list[Any], bool] | None:
        """The newest ``limit`` entries, oldest first, and whether they are all of them.

        What a window on the newest messages needs, read in one indexed step
        however long the transcript is (the app reads the rest afterwards).
        """
        tid = await self._transcript_id(key)
        if tid is None:
            return None
        # The newest ids from the (transcript_id, uuid) index alone, then their rows.
        rows = await self._rows(
            "SELECT data FROM entries WHERE id IN (SELECT id FROM entries WHERE transcript_id=?"
            " ORDER BY id DESC LIMIT ?) ORDER BY id DESC",
            (tid, limit + 1),
        )
        complete = len(rows) <= limit
        return await self._decode(rows[:limit][::-1]), complete

    async def list_sessions(self, project_key: str) -> list[SessionStoreListEntry]:
        rows = await self._rows(
            "SELECT session_id, mtime FROM transcripts WHERE project_key=? AND subpath=''",
            (project_key,),
        )
        return [{"session_id": sid, "mtime": mtime} for sid, mtime in rows]

    async def list_session_summaries(self, project_key: str) -> list[SessionSummaryEntry]:
        rows = await self._rows(
            "SELECT session_id, mtime, data FROM summaries WHERE project_key=?", (project_key,)
        )
        return [{"session_id": s, "mtime": m, "data": json.loads(d)} for s, m, d in rows]

    async def delete(self, key: SessionKey) -> None:
        """Delete a transcript; a main key cascades to subkeys and app data."""
        await self.write_unit(lambda writer: writer.delete(key))

    async def list_subkeys(self, key: SessionListSubkeysKey) -> list[str]:
        rows = await self._rows(
            "SELECT subpath FROM transcripts WHERE project_key=? AND session_id=?"
            " AND subpath != '' ORDER BY subpath",
            (key["project_key"], key["session_id"]),
        )
        return [r[0] for r in rows]


async def open_store(path: str | os.PathLike[str]) -> SqliteSessionStore:
    return await SqliteSessionStore.open(path)
