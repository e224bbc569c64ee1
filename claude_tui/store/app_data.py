"""The app's own data in the store: session rows for the sidebar and ``ls``,
full-text search, pins and titles, context files, per-session overrides, and
the importer's bookmarks.

A mixin of ``SqliteSessionStore``, kept apart from the SDK's ``SessionStore``
protocol (``sqlite.py``) because it changes with the app's features while the
protocol changes with the SDK. It uses the store's connection helpers
(``_rows``, ``_write``, ``write_unit``, ``_transcript_id``).
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, TextIO

from .codec import CodecError, uuid_text
from .metadata import SessionRow
from .search import fts_query, snippet

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence
    from pathlib import Path

    import aiosqlite
    from claude_agent_sdk.types import SessionKey

    from .codec import EntryCodec
    from .writer import Writer

MIN_PREFIX = 8
ROWS_PER_STEP = 2_000
BUSY_TIMEOUT_S = 30.0  # as the store's own connections (sqlite.py)


@dataclass
class SearchHit:
    """A full-text match: the session and the entry (message) that matched."""

    session_id: str
    project_key: str
    entry_id: int
    uuid: str | None
    snippet: str


@dataclass
class ImportState:
    """Where the importer stopped in one transcript file."""

    path: str
    size: int
    mtime_ns: int
    inode: int
    offset: int
    head_hash: str
    bad_lines: int = 0


def _now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class AppData:
    """Queries and writes of the app's own session data (see the module docstring)."""

    _conn: aiosqlite.Connection
    codec: EntryCodec
    path: Path

    if TYPE_CHECKING:

        async def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...
        async def _write(self, work: Callable[[], Awaitable[Any]]) -> Any: ...
        async def write_unit(self, work: Callable[[Writer], Any]) -> Any: ...
        async def _transcript_id(self, key: SessionKey) -> int | None: ...
        async def _load_dictionaries(self) -> None: ...

    # -- sessions for the UI and CLI ---------------------------------------------

    async def sessions(
        self,
        *,
        search: str | None = None,
        cwd: str | None = None,
        limit: int | None = None,
        include_empty: bool = False,
        archived: bool | None = None,
        brief: bool = False,
    ) -> list[SessionRow]:
        """Sessions, pinned first, then newest ``updated_at`` first.

        ``search`` matches every word literally, in titles or message text;
        ``archived`` True or False keeps only (un)archived sessions (None: all);
        ``brief`` rows have no ``last_prompt`` (the app's whole list,
        ``SessionRow.LIST_COLUMNS``).
        """
        columns = SessionRow.LIST_COLUMNS if brief else SessionRow.COLUMNS
        if search is not None:
            rows = await self._session_query(columns, search, cwd, limit, include_empty, archived)
            return [SessionRow.from_row(r) for r in rows]
        from .listing import base_query

        sql, params = base_query(cwd, include_empty, archived).sql(columns, limit=limit)
        return await asyncio.to_thread(self._read_list, sql, params)

    def _read_list(self, sql: str, params: Sequence[Any]) -> list[SessionRow]:
        """The whole list (100,000 rows in a large archive), on a connection of
        its own in a thread, a step at a time: SQLite's rows for all of them at
        once would take more memory than the SessionRows made of them, and
        making those on the loop, a third of a second of it. One statement: one
        snapshot of the list, whatever is written meanwhile."""
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
        try:
            made: list[SessionRow] = []
            cursor = conn.execute(sql, params)
            while chunk := cursor.fetchmany(ROWS_PER_STEP):
                made.extend(SessionRow.from_row(r) for r in chunk)
            return made
        finally:
            conn.close()

    async def sessions_json(
        self, *, search: str | None = None, cwd: str | None = None, limit: int | None = None
    ) -> list[str]:
        """``sessions()`` as JSON object texts made by SQLite (fast for ``ls --json``)."""
        rows = await self._session_query(SessionRow.JSON_SQL, search, cwd, limit, False)
        return [r[0] for r in rows]

    async def sessions_json_text(
        self, *, search: str | None = None, cwd: str | None = None, limit: int | None = None
    ) -> str:
        """The whole ``ls --json`` array as one text (``write_sessions_json``'s)."""
        import io

        out = io.StringIO()
        await self.write_sessions_json(out, search=search, cwd=cwd, limit=limit)
        return out.getvalue()

    async def write_sessions_json(
        self, out: TextIO, *, search: str | None = None, cwd: str | None = None, limit: int | None = None
    ) -> None:
        """Write the ``ls --json`` array to ``out``: ``[]``, or the
        ``sessions_json`` objects one a line between ``[`` and ``]``.

        Without a search (100,000 sessions, 55 MB of JSON in a large archive)
        it is written as SQLite makes it, 2,000 objects a step, on a connection
        of its own in a thread: no list of 100,000 strings and no 55 MB join
        (together a third of a second and 400 MB at that size).
        """
        if search is not None:
            objects = await self.sessions_json(search=search, cwd=cwd, limit=limit)
            out.write("[\n" + ",\n".join(objects) + "\n]" if objects else "[]")
            return
        from .listing import base_query

        sql, params = base_query(cwd, False, None).sql(SessionRow.JSON_SQL, limit=limit)
        await asyncio.to_thread(self._write_json_list, out, sql, params)

    def _write_json_list(self, out: TextIO, sql: str, params: Sequence[Any]) -> None:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
        try:
            cursor = conn.execute(sql, params)
            sep = "[\n"
            while chunk := cursor.fetchmany(ROWS_PER_STEP):
                out.write(sep + ",\n".join(r[0] for r in chunk))
                sep = ",\n"
            out.write("[]" if sep == "[\n" else "\n]")
        finally:
            conn.close()

    async def _session_query(
        self,
        select: str,
        search: str | None,
        cwd: str | None,
        limit: int | None,
        include_empty: bool,
        archived: bool | None = None,
    ) -> list[tuple[Any, ...]]:
        from .listing import base_query, search_rows

        base = base_query(cwd, include_empty, archived)
        if search is not None:
            return await search_rows(self._rows, base, select, search, limit)
        sql, params = base.sql(select, limit=limit)
        return await self._rows(sql, params)

    async def find_sessions(self, id_or_prefix: str) -> list[SessionRow]:
        """Sessions whose id is ``id_or_prefix`` or starts with it (>= 8 chars)."""
        text = id_or_prefix.strip().lower()
        if len(text) < MIN_PREFIX:
            return []
        rows = await self._rows(
            f"SELECT {SessionRow.COLUMNS} FROM sessions WHERE session_id = ?", (text,)
        )
        if not rows:
            rows = await self._rows(
                f"SELECT {SessionRow.COLUMNS} FROM sessions WHERE session_id >= ?"
                " AND session_id < ? ORDER BY session_id LIMIT 20",
                (text, text + "\uffff"),
            )
        return [SessionRow.from_row(r) for r in rows]

    async def session(self, project_key: str, session_id: str) -> SessionRow | None:
        rows = await self._rows(
            f"SELECT {SessionRow.COLUMNS} FROM sessions WHERE project_key=? AND session_id=?",
            (project_key, session_id),
        )
        return SessionRow.from_row(rows[0]) if rows else None

    async def ensure_session(self, project_key: str, session_id: str, cwd: str) -> None:
        """Record a new session as soon as its CLI reports it (before its first
        transcript line lands), so it is known to the store at once."""
        now = _now_iso()

        async def work() -> None:
            await self._conn.execute(
                "INSERT OR IGNORE INTO sessions (project_key, session_id, cwd, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?)",
                (project_key, session_id, cwd, now, now),
            )

        await self._write(work)

    async def update_session(self, project_key: str, session_id: str, **fields: Any) -> None:
        """Set app-owned fields: custom_title, pinned, archived, tag, last_error,
        and (schema 6) a fork's parent_session_id and fork_message, the note."""
        allowed = {"custom_title", "pinned", "archived", "tag", "last_error", "parent_session_id", "fork_message", "note"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"not app-owned session fields: {sorted(unknown)}")
        if not fields:
            return
        assignments = ", ".join(f"{name}=?" for name in fields)

        async def work() -> None:
            await self._conn.execute(
                f"UPDATE sessions SET {assignments} WHERE project_key=? AND session_id=?",
                (*fields.values(), project_key, session_id),
            )

        await self._write(work)

    async def delete_session(self, project_key: str, session_id: str) -> None:
        """Delete a session for good: a tombstone keeps the importer from reviving it."""
        deleted_at = _now_iso()

        def work(writer: Writer) -> None:
            writer.delete({"project_key": project_key, "session_id": session_id})
            writer.conn.execute(
                "INSERT OR REPLACE INTO tombstones (session_id, deleted_at) VALUES (?, ?)",
                (session_id, deleted_at),
            )

        await self.write_unit(work)

    async def tombstoned(self, session_ids: Iterable[str]) -> set[str]:
        ids = list(session_ids)
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = await self._rows(
                f"SELECT session_id FROM tombstones WHERE session_id IN ({marks})", chunk
            )
            found.update(r[0] for r in rows)
        return found

    async def search_messages(
        self, text: str, *, limit: int = 50, prefix: bool = False
    ) -> list[SearchHit]:
        """Newest messages whose text holds every word of ``text`` (literally),
        each with a snippet of its text around the words."""
        match = fts_query(text, prefix=prefix)
        if not match:
            return []
        if prefix:
            from .prefix_terms import expanded_query

            expanded = await expanded_query(self._rows, text.split())
            if expanded == "":
                return []  # no word of the index starts with the last word
            match = expanded or match
        rows = await self._rows(
            "SELECT t.session_id, t.project_key, e.id, e.uuid, e.data"
            " FROM message_fts f JOIN entries e ON e.id = f.rowid"
            " JOIN transcripts t ON t.id = e.transcript_id"
            " WHERE f.message_fts MATCH ? ORDER BY f.rowid DESC LIMIT ?",
            (match, limit),
        )
        for attempt in range(2):
            try:
                return [
                    SearchHit(sid, pk, entry_id, uuid_text(uuid), self._snippet(data, text, prefix))
                    for sid, pk, entry_id, uuid, data in rows
                ]
            except CodecError:
                if attempt:
                    raise
                await self._load_dictionaries()  # another process trained one since
        return []

    def _snippet(self, data: Any, text: str, prefix: bool) -> str:
        from .lines import stored_entry
        from .text import searchable_text

        try:
            body = searchable_text(stored_entry(self.codec.decode(data)))
        except (ValueError, RecursionError):
            return ""
        return snippet(body, text, prefix=prefix)

    # -- context files and overrides ---------------------------------------------

    async def context_files(self, project_key: str, session_id: str) -> list[tuple[str, str]]:
        return [
            (p, a)
            for p, a in await self._rows(
                "SELECT path, added_at FROM context_files WHERE project_key=? AND session_id=?"
                " ORDER BY added_at, path",
                (project_key, session_id),
            )
        ]

    async def set_context_file(
        self, project_key: str, session_id: str, path: str, *, attached: bool = True
    ) -> None:
        async def work() -> None:
            if attached:
                await self._conn.execute(
                    "INSERT OR IGNORE INTO context_files (project_key, session_id, path, added_at)"
                    " VALUES (?, ?, ?, ?)",
                    (project_key, session_id, path, _now_iso()),
                )
            else:
                await self._conn.execute(
                    "DELETE FROM context_files WHERE project_key=? AND session_id=? AND path=?",
                    (project_key, session_id, path),
                )

        await self._write(work)

    async def overrides(self, project_key: str, session_id: str) -> dict[str, Any]:
        rows = await self._rows(
            "SELECT model, system_prompt, timeouts FROM session_overrides"
            " WHERE project_key=? AND session_id=?",
            (project_key, session_id),
        )
        if not rows:
            return {}
        model, system_prompt, timeouts = rows[0]
        result: dict[str, Any] = {"timeouts": json.loads(timeouts) if timeouts else {}}
        if model:
            result["model"] = model
        if system_prompt:
            result["system_prompt"] = system_prompt
        return result

    async def set_overrides(
        self,
        project_key: str,
        session_id: str,
        *,
        model: str | None = None,
        system_prompt: str | None = None,
        timeouts: dict[str, float] | None = None,
    ) -> None:
        async def work() -> None:
            await self._conn.execute(
                "INSERT INTO session_overrides (project_key, session_id, model, system_prompt,"
                " timeouts) VALUES (?, ?, ?, ?, ?) ON CONFLICT (project_key, session_id)"
                " DO UPDATE SET model=excluded.model, system_prompt=excluded.system_prompt,"
                " timeouts=excluded.timeouts",
                (project_key, session_id, model, system_prompt, json.dumps(timeouts or {})),
            )

        await self._write(work)

    # -- importer bookkeeping ------------------------------------------------------

    async def import_states(self) -> dict[str, ImportState]:
        rows = await self._rows(
            "SELECT path, size, mtime_ns, inode, offset, head_hash, bad_lines FROM import_files"
        )
        return {r[0]: ImportState(*r) for r in rows}
