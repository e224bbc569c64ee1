"""The SDK's ``SessionStore`` protocol on aiosqlite; the app's own data comes from ``app_data``.

One ``SqliteSessionStore`` is one connection. Every write runs inside
``BEGIN IMMEDIATE`` under one asyncio lock, which serialises the per-session
read-fold-write of summaries and metadata inside this process, while SQLite's
own write lock (with a busy timeout) serialises it across processes.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiosqlite

from . import migrations
from .app_data import AppData, ImportState
from .metadata import MetadataFold, derive_title
from .summary import summary_info
from .text import searchable_text

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
LOAD_IN_THREAD_ROWS = 500


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

    # -- opening and closing -------------------------------------------------

    @classmethod
    async def open(cls, path: str | os.PathLike[str]) -> "SqliteSessionStore":
        """Open (creating if needed) and upgrade the database at ``path``.

        A file that is not a claude-tui database, is corrupt, or comes from a
        newer schema raises ``StoreError`` and is left exactly as it was.
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
            await store._prepare()
        except BaseException:
            await conn.close()
            raise
        return store

    async def _prepare(self) -> None:
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
            await self._conn.execute("PRAGMA cache_size = -65536")  # 64 MiB
            await self._conn.execute("PRAGMA foreign_keys = ON")
            if app_id == 0:
                await self._write(
                    lambda: self._conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                )
            await migrations.upgrade(self._conn)
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
        await self._conn.close()

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

    async def _transcript_id(self, key: SessionKey) -> int | None:
        return await self._scalar(
            "SELECT id FROM transcripts WHERE project_key=? AND session_id=? AND subpath=?",
            (key["project_key"], key["session_id"], key.get("subpath") or ""),
        )

    # -- SessionStore protocol -------------------------------------------------

    async def append(self, key: SessionKey, entries: list[SessionStoreEntry]) -> None:
        """Mirror entries; an entry whose uuid is already stored is skipped."""
        if not entries:
            return
        await self.append_lines(key, [(dict(e), None) for e in entries])

    async def append_lines(
        self,
        key: SessionKey,
        items: list[tuple[dict[str, Any], str | None]],
        import_state: ImportState | None = None,
    ) -> int:
        """Append ``(entry, raw JSON line or None)`` pairs; return how many landed.

        The importer passes the raw line, stored as written instead of being
        serialised again, and its new file offset, saved in the same
        transaction so a crash can never land entries twice.
        """

        async def work() -> int:
            landed = await self._append_locked(key, items) if items else 0
            if import_state is not None:
                await self._save_import_state(import_state)
            return landed

        if not items and import_state is None:
            return 0
        return int(await self._write(work))

    async def _append_locked(
        self, key: SessionKey, items: list[tuple[dict[str, Any], str | None]]
    ) -> int:
        mtime = self._next_mtime()
        subpath = key.get("subpath") or ""
        tid = await self._transcript_id(key)
        is_new = tid is None
        if tid is None:
            cur = await self._conn.execute(
                "INSERT INTO transcripts (project_key, session_id, subpath, mtime)"
                " VALUES (?, ?, ?, ?)",
                (key["project_key"], key["session_id"], subpath, mtime),
            )
            tid = cur.lastrowid
        else:
            await self._conn.execute("UPDATE transcripts SET mtime=? WHERE id=?", (mtime, tid))

        fresh = await self._new_items(tid, items, stored=not is_new)
        if not fresh:
            return 0
        next_id = int(await self._scalar("SELECT coalesce(max(id), 0) FROM entries")) + 1
        rows = []
        fts = []
        for offset, (entry, raw) in enumerate(fresh):
            entry_id = next_id + offset
            uuid = entry.get("uuid") if isinstance(entry.get("uuid"), str) else None
            data = raw if raw is not None else json.dumps(entry, ensure_ascii=False)
            rows.append((entry_id, tid, uuid, str(entry.get("type", "")), data))
            if not subpath and entry.get("type") in ("user", "assistant"):
                text = searchable_text(entry)
                if text:
                    fts.append((entry_id, text, tid))
        await self._conn.executemany(
            "INSERT INTO entries (id, transcript_id, uuid, type, data) VALUES (?, ?, ?, ?, ?)",
            rows,
        )
        if fts:
            await self._conn.executemany(
                "INSERT INTO message_fts (rowid, text, transcript_id) VALUES (?, ?, ?)", fts
            )
            await self._conn.executemany(
                "INSERT INTO message_transcripts (entry_id, transcript_id) VALUES (?, ?)",
                [(entry_id, tid) for entry_id, _, tid in fts],
            )
        if not subpath:
            await self._fold_session(key, [e for e, _ in fresh], mtime)
        return len(fresh)

    async def _new_items(
        self, tid: int, items: list[tuple[dict[str, Any], str | None]], *, stored: bool
    ) -> list[tuple[dict[str, Any], str | None]]:
        """Drop items whose uuid is stored already (when the transcript has
        entries: ``stored``) or repeats within the batch."""
        uuids = [e["uuid"] for e, _ in items if isinstance(e.get("uuid"), str)] if stored else []
        seen: set[str] = set()
        for start in range(0, len(uuids), 500):
            chunk = uuids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for (uuid,) in await self._rows(
                f"SELECT uuid FROM entries WHERE transcript_id=? AND uuid IN ({marks})",
                (tid, *chunk),
            ):
                seen.add(uuid)
        fresh = []
        for entry, raw in items:
            uuid = entry.get("uuid")
            if isinstance(uuid, str):
                if uuid in seen:
                    continue
                seen.add(uuid)
            fresh.append((entry, raw))
        return fresh

    async def _fold_session(self, key: SessionKey, entries: list[dict[str, Any]], mtime: int) -> None:
        """Fold new main-transcript entries into the summary sidecar and session row."""
        from claude_agent_sdk import fold_session_summary

        pk, sid = key["project_key"], key["session_id"]
        prev_rows = await self._rows(
            "SELECT mtime, data FROM summaries WHERE project_key=? AND session_id=?", (pk, sid)
        )
        prev = (
            {"session_id": sid, "mtime": prev_rows[0][0], "data": json.loads(prev_rows[0][1])}
            if prev_rows
            else None
        )
        summary = fold_session_summary(prev, key, entries)  # type: ignore[arg-type]
        summary["mtime"] = mtime
        await self._conn.execute(
            "INSERT INTO summaries (project_key, session_id, mtime, data) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (project_key, session_id) DO UPDATE SET mtime=excluded.mtime,"
            " data=excluded.data",
            (pk, sid, mtime, json.dumps(summary["data"], ensure_ascii=False)),
        )
        info = summary_info(summary["data"])

        row = await self._rows(
            "SELECT cwd, model, created_at, updated_at, message_count, last_assistant_id"
            " FROM sessions WHERE project_key=? AND session_id=?",
            (pk, sid),
        )
        fold = MetadataFold(*row[0]) if row else MetadataFold()
        fold.compact_summary = None
        fold.add(entries)
        data = summary["data"]
        # The compaction summary is not exposed by SDKSessionInfo separately.
        compact = fold.compact_summary or data.get("summary_hint")
        title = derive_title(
            info.custom_title if info else None,
            compact if isinstance(compact, str) else None,
            info.first_prompt if info else None,
        )
        last_prompt = data.get("last_prompt") if isinstance(data.get("last_prompt"), str) else None
        await self._conn.execute(
            "INSERT INTO sessions (project_key, session_id, cwd, title, last_prompt, model,"
            " git_branch, created_at, updated_at, message_count, last_assistant_id, tag)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (project_key, session_id) DO UPDATE SET cwd=excluded.cwd,"
            " title=excluded.title, last_prompt=excluded.last_prompt, model=excluded.model,"
            " git_branch=excluded.git_branch, created_at=excluded.created_at,"
            " updated_at=excluded.updated_at, message_count=excluded.message_count,"
            " last_assistant_id=excluded.last_assistant_id, tag=excluded.tag",
            (
                pk,
                sid,
                fold.cwd or (info.cwd if info else None),
                title,
                last_prompt,
                fold.model,
                info.git_branch if info else None,
                fold.created_at,
                fold.updated_at,
                fold.message_count,
                fold.last_assistant_id,
                info.tag if info else None,
            ),
        )

    async def load(self, key: SessionKey) -> list[SessionStoreEntry] | None:
        tid = await self._transcript_id(key)
        if tid is None:
            return None
        rows = await self._rows(
            "SELECT data FROM entries WHERE transcript_id=? ORDER BY id", (tid,)
        )
        if len(rows) > LOAD_IN_THREAD_ROWS:
            # A long transcript decodes in ~100 ms: keep that off the UI's loop.
            return await asyncio.to_thread(_decode_rows, rows)
        return _decode_rows(rows)

    async def load_tail(self, key: SessionKey, limit: int) -> tuple[list[Any], bool] | None:
        """The newest ``limit`` entries, oldest first, and whether they are all of them.

        What a window on the newest messages needs, read in one indexed step
        however long the transcript is (the app reads the rest afterwards).
        """
        tid = await self._transcript_id(key)
        if tid is None:
            return None
        rows = await self._rows(
            "SELECT data FROM entries WHERE transcript_id=? ORDER BY id DESC LIMIT ?", (tid, limit + 1)
        )
        complete = len(rows) <= limit
        return _decode_rows(rows[:limit][::-1]), complete

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
        await self._write(lambda: self._delete_locked(key))

    async def _delete_locked(self, key: SessionKey) -> None:
        pk, sid = key["project_key"], key["session_id"]
        subpath = key.get("subpath")
        if subpath:
            await self._conn.execute(
                "DELETE FROM transcripts WHERE project_key=? AND session_id=? AND subpath=?",
                (pk, sid, subpath),
            )
            return
        await self._conn.execute(
            "DELETE FROM transcripts WHERE project_key=? AND session_id=?", (pk, sid)
        )
        for table in ("summaries", "sessions"):
            await self._conn.execute(
                f"DELETE FROM {table} WHERE project_key=? AND session_id=?", (pk, sid)
            )

    async def list_subkeys(self, key: SessionListSubkeysKey) -> list[str]:
        rows = await self._rows(
            "SELECT subpath FROM transcripts WHERE project_key=? AND session_id=?"
            " AND subpath != '' ORDER BY subpath",
            (key["project_key"], key["session_id"]),
        )
        return [r[0] for r in rows]


def _decode_rows(rows: list[tuple[Any, ...]]) -> list[Any]:
    return [json.loads(data) for (data,) in rows]


async def open_store(path: str | os.PathLike[str]) -> SqliteSessionStore:
    return await SqliteSessionStore.open(path)
