"""``PgSessionStore``: the store on a PostgreSQL server, for one archive shared
by several machines.

It is the SQLite store's code run on PostgreSQL (see ``sql.py``): the SDK's
``SessionStore`` protocol, the app's data and every transcript write
(``Writer``, in a worker thread on its own synchronous connection) are
inherited, and only what PostgreSQL says differently lives here: opening
(the server, its errors worded for the user with the password masked, the
schema in ``schema.py``), the session filter and message search on
PostgreSQL's text search, and the change feed (``watch``: ``LISTEN`` on the
channel every committed write ``NOTIFY``s).

psycopg is imported here only, so a user of the SQLite store never loads it.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import psycopg

from ..app_data import SearchHit
from ..codec import CodecError, EntryCodec, uuid_text
from ..metadata import DISPLAY_TITLE_SQL, SessionRow
from ..search import _TOKEN, _fold
from ..sqlite import SqliteSessionStore, StoreError
from ..writer import Writer
from . import schema
from .sql import NOTIFY_CHANNEL, AsyncConn, SyncConn
from .url import masked, scrub

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 5
WATCH_RETRY_S = (0.5, 1, 2, 5, 10)
RECONNECT_BACKOFF_S = (0.5, 1, 2, 4, 8, 15)
SEARCH_CAP = 2000
"""Up to this many hits a message search sorts them itself (see ``search_messages``)."""


def _connect_kwargs(url: str) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"autocommit": True, "application_name": "claude-tui"}
    if "connect_timeout" not in url:
        kwargs["connect_timeout"] = CONNECT_TIMEOUT_S
    return kwargs


def describe_error(url: str, exc: BaseException) -> str:
    """A connection or server error worded for the user, the password masked."""
    where = masked(url)
    reason = " ".join(scrub(str(exc).strip() or type(exc).__name__, url).split()).rstrip(".")
    stop = "" if reason.endswith(("?", "!")) else "."
    low = reason.lower()
    if "password authentication failed" in low or "no password supplied" in low:
        return (
            f"the PostgreSQL server at {where} refused the login ({reason.split('FATAL:')[-1].strip()})."
            " Check the user and password (in the URL, PGPASSWORD or ~/.pgpass)."
        )
    if isinstance(exc, psycopg.OperationalError):
        return (
            f"cannot reach the PostgreSQL store at {where}: {reason}{stop}"
            " Check that the server runs and the URL is right, or use the SQLite store (no --store-url)."
        )
    return f"the PostgreSQL store at {where} failed: {reason}"


class PgWriter(Writer):
    """The SQLite store's ``Writer`` on a PostgreSQL connection; it announces
    each committed change to the other processes watching the store."""

    def __init__(self, conn: SyncConn, codec: EntryCodec, clock: Callable[[], int], origin: str) -> None:
        super().__init__(conn, codec, clock)  # type: ignore[arg-type]
        self._origin = origin
        self._changed = False

    def write_session(self, key: Any, data: dict[str, Any], fold: Any, mtime: int, *, held: bool = False) -> None:
        self._changed = True
        super().write_session(key, data, fold, mtime, held=held)

    def delete(self, key: Any) -> None:
        self._changed = True
        super().delete(key)

    def _unindex(self, tid: int) -> None:
        """Nothing to do: an entry's full-text row goes with it (a foreign key)."""

    def commit(self) -> None:
        if self._changed:
            self.conn.raw.execute("SELECT pg_notify(%s, %s)", (NOTIFY_CHANNEL, self._origin))  # type: ignore[attr-defined]
            self._changed = False
        super().commit()

    def rollback(self) -> None:
        self._changed = False
        super().rollback()


class PgSessionStore(SqliteSessionStore):
    """The archive on a PostgreSQL server (see the module docstring)."""

    def __init__(self, conn: Any, url: str) -> None:
        self.url = url
        self.origin = secrets.token_hex(8)
        super().__init__(AsyncConn(conn, self.origin), Path(masked(url)))  # type: ignore[arg-type]
        self._watchers: list[asyncio.Task[None]] = []
        self._failures = 0
        self._retry_at = 0.0

    @property
    def location(self) -> str:
        """Where the store is, safe to show (the password masked)."""
        return masked(self.url)

    @classmethod
    async def open(  # type: ignore[override]
        cls, url: str, progress: Any = None
    ) -> "PgSessionStore":
        try:
            raw = await psycopg.AsyncConnection.connect(url, **_connect_kwargs(url))
        except psycopg.Error as exc:
            raise StoreError(describe_error(url, exc)) from None
        store = cls(raw, url)
        try:
            await store._prepare(progress)
        except BaseException:
            await raw.close()
            raise
        return store

    async def _prepare(self, progress: Any) -> None:
        raw = self._conn.raw  # type: ignore[attr-defined]
        try:
            try:
                await schema.upgrade(raw)
            except schema.NewerPgSchema as exc:
                raise StoreError(
                    f"the PostgreSQL store at {self.location} was written by a newer claude-tui"
                    f" (schema {exc.version}, this version knows up to {schema.latest_version()})."
                    " Upgrade claude-tui."
                ) from None
            await self._load_dictionaries()
        except psycopg.Error as exc:
            raise StoreError(describe_error(self.url, exc)) from None

    async def close(self) -> None:
        for task in self._watchers:
            task.cancel()
        for task in self._watchers:
            try:
                await task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001 - closing anyway
                pass
        self._watchers.clear()
        async with self._write_lock:
            await asyncio.to_thread(self._close_writer)
        await self._conn.close()

    async def _scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        rows = await self._rows(sql, params)
        return rows[0][0] if rows else None

    # -- a lost connection: reconnect with backoff, report it worded ------------------

    async def _reconnect(self) -> None:
        """A new reader connection after the old one broke (server restarted,
        network lost). Tries again only after a growing pause: meanwhile a
        call fails at once with ``StoreError`` rather than hanging."""
        loop = asyncio.get_running_loop()
        if loop.time() < self._retry_at:
            raise StoreError(f"the PostgreSQL store at {self.location} is unreachable; retrying shortly")
        try:
            raw = await psycopg.AsyncConnection.connect(self.url, **_connect_kwargs(self.url))
            await raw.execute(f"SET search_path TO {schema.SCHEMA_NAME}")
        except psycopg.Error as exc:
            delay = RECONNECT_BACKOFF_S[min(self._failures, len(RECONNECT_BACKOFF_S) - 1)]
            self._failures += 1
            self._retry_at = loop.time() + delay
            raise StoreError(describe_error(self.url, exc)) from None
        old, self._conn.raw = self._conn.raw, raw  # type: ignore[attr-defined]
        self._failures = 0
        try:
            await old.close()
        except Exception:  # noqa: BLE001 - it is broken already
            pass
        log.warning("reconnected to the PostgreSQL store at %s", self.location)

    async def _with_connection(self, call: Callable[[], Any]) -> Any:
        """``await call()``, once more on a new connection if the old one is gone."""
        if self._conn.raw.closed:  # type: ignore[attr-defined]
            await self._reconnect()
        try:
            return await call()
        except psycopg.OperationalError as exc:
            if not self._conn.raw.closed and not self._conn.raw.broken:  # type: ignore[attr-defined]
                raise StoreError(describe_error(self.url, exc)) from None
            log.warning("store connection lost: %s", describe_error(self.url, exc))
        await self._reconnect()
        try:
            return await call()
        except psycopg.OperationalError as exc:
            raise StoreError(describe_error(self.url, exc)) from None

    async def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return await self._with_connection(lambda: SqliteSessionStore._rows(self, sql, params))  # type: ignore[no-any-return]

    async def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of a PostgreSQL statement (``%s`` placeholders, not translated)."""

        async def run() -> list[tuple[Any, ...]]:
            cur = await self._conn.raw.execute(sql, params)  # type: ignore[attr-defined]
            return list(await cur.fetchall())

        return await self._with_connection(run)  # type: ignore[no-any-return]

    async def _write(self, work: Any) -> Any:
        return await self._with_connection(lambda: SqliteSessionStore._write(self, work))

    async def write_unit(self, work: Callable[[Writer], Any]) -> Any:
        try:
            return await super().write_unit(work)
        except psycopg.OperationalError as exc:
            raise StoreError(describe_error(self.url, exc)) from None

    def _open_writer(self) -> Writer:
        raw = psycopg.connect(self.url, **_connect_kwargs(self.url))
        raw.execute(f"SET search_path TO {schema.SCHEMA_NAME}")
        self._writer = PgWriter(SyncConn(raw), self.codec, self._next_mtime, self.origin)
        return self._writer

    def _run_unit(self, work: Callable[[Writer], Any]) -> Any:
        try:
            return super()._run_unit(work)
        except psycopg.OperationalError:
            self._drop_broken_writer()
            raise

    def _drop_broken_writer(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None:
            try:
                writer.conn.close()
            except Exception:  # noqa: BLE001 - it is broken already
                pass

    # -- the session filter and message search on PostgreSQL's text search -----------

    async def _session_query(
        self,
        select: str,
        search: str | None,
        cwd: str | None,
        limit: int | None,
        include_empty: bool,
        archived: bool | None = None,
    ) -> list[tuple[Any, ...]]:
        where = ["1=1"] if include_empty else ["s.message_count > 0"]
        params: list[Any] = []
        if archived is not None:
            where.append("s.archived = 1" if archived else "s.archived = 0")
        if cwd is not None:
            where.append("s.cwd = %s")
            params.append(cwd)
        if search is not None:
            words = search.split()
            query, query_params = ts_query(search)
            if not words:
                return []
            # Each word in the title or in the user's note.
            title_like = " AND ".join(
                f"({DISPLAY_TITLE_SQL} ILIKE %s ESCAPE '\\' OR s.note ILIKE %s ESCAPE '\\')" for _ in words
            )
            params.extend(p for w in words for p in (f"%{_like_escape(w)}%",) * 2)
            if query:
                # Not correlated: the GIN index is read once for the whole
                # list and its sessions hashed (a per-session EXISTS re-ran it).
                where.append(
                    f"(({title_like}) OR (s.project_key, s.session_id) IN (SELECT t.project_key, t.session_id"
                    " FROM transcripts t WHERE t.subpath = '' AND t.id IN"
                    f" (SELECT f.transcript_id FROM message_fts f WHERE f.tsv @@ ({query}))))"
                )
                params.extend(query_params)
            else:
                where.append(f"({title_like})")
        sql = (
            f"SELECT {select} FROM sessions s WHERE {' AND '.join(where)}"
            " ORDER BY s.pinned DESC, s.updated_at DESC NULLS LAST, s.session_id"
        )
        if limit is not None:
            sql += " LIMIT %s"
            params.append(limit)
        return await self._query(sql, params)

    async def sessions_json(
        self, *, search: str | None = None, cwd: str | None = None, limit: int | None = None
    ) -> list[str]:
        """``sessions()`` as JSON object texts made by the server (``ls --json``)."""
        rows = await self._session_query(JSON_SQL, search, cwd, limit, False)
        return [r[0] for r in rows]

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
        """The SQLite store reads its whole list on a file connection of its own;
        here every listing is one query to the server."""
        columns = SessionRow.LIST_COLUMNS if brief else SessionRow.COLUMNS  # (brief: see the SQLite store's)
        rows = await self._session_query(columns, search, cwd, limit, include_empty, archived)
        return [SessionRow.from_row(r) for r in rows]

    async def write_sessions_json(
        self, out: Any, *, search: str | None = None, cwd: str | None = None, limit: int | None = None
    ) -> None:
        """``ls --json``: the server's objects one a line between ``[`` and ``]``
        (the SQLite store streams its own file; here the server makes the text)."""
        objects = await self.sessions_json(search=search, cwd=cwd, limit=limit)
        out.write("[\n" + ",\n".join(objects) + "\n]" if objects else "[]")

    async def find_sessions(self, id_or_prefix: str) -> list[SessionRow]:
        text = id_or_prefix.strip().lower()
        if len(text) < 8:
            return []
        rows = await self._rows(f"SELECT {SessionRow.COLUMNS} FROM sessions WHERE session_id = ?", (text,))
        if not rows:
            rows = await self._query(
                f"SELECT {SessionRow.COLUMNS} FROM sessions WHERE session_id LIKE %s"
                " ORDER BY session_id LIMIT 20",
                (_like_escape(text) + "%",),
            )
        return [SessionRow.from_row(r) for r in rows]

    async def search_messages(self, text: str, *, limit: int = 50, prefix: bool = False) -> list[SearchHit]:
        query, query_params = ts_query(text, prefix=prefix)
        if not query:
            return []
        # The hits, newest first, then their entries. A rare word is read from
        # the GIN index (the planner, left alone, walks every row newest
        # first: 400 ms at 10,000 sessions); a common one newest first by key,
        # which stops at ``limit`` hits (reading every hit from the index and
        # sorting them would be slower).
        found = await self._query(
            f"SELECT rowid FROM message_fts WHERE tsv @@ ({query}) LIMIT %s", (*query_params, SEARCH_CAP)
        )
        if len(found) < SEARCH_CAP:
            ids = sorted((r[0] for r in found), reverse=True)[:limit]
        else:
            ids = [r[0] for r in await self._query(
                f"SELECT rowid FROM message_fts WHERE tsv @@ ({query}) ORDER BY rowid DESC LIMIT %s",
                (*query_params, limit),
            )]
        rows = await self._query(
            "SELECT t.session_id, t.project_key, e.id, e.uuid, e.data"
            " FROM entries e JOIN transcripts t ON t.id = e.transcript_id"
            " WHERE e.id = ANY(%s) ORDER BY e.id DESC",
            (ids,),
        ) if ids else []
        for attempt in range(2):
            try:
                return [
                    SearchHit(sid, pk, entry_id, uuid_text(uuid), self._snippet(data, text, prefix))
                    for sid, pk, entry_id, uuid, data in rows
                ]
            except CodecError:
                if attempt:
                    raise
                await self._load_dictionaries()
        return []

    # -- live across machines ----------------------------------------------------------

    def watch(self, changed: Callable[[], Any], back: Callable[[], Any] | None = None) -> Callable[[], None]:
        """Call ``changed()`` (in this event loop) whenever another process
        commits a change to the store's sessions; return a function that stops.

        One listening connection per watch, idle until the server sends a
        notification (``LISTEN``, no polling); if it drops, it reconnects
        with backoff and, once back, calls ``changed()`` (what was missed)
        and ``back()`` (e.g. to write what was held locally meanwhile).
        """
        task = asyncio.get_running_loop().create_task(self._listen(changed, back))
        self._watchers.append(task)

        def stop() -> None:
            task.cancel()

        return stop

    async def _listen(self, changed: Callable[[], Any], back: Callable[[], Any] | None) -> None:
        failures = 0
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(self.url, **_connect_kwargs(self.url))
            except psycopg.Error as exc:
                delay = WATCH_RETRY_S[min(failures, len(WATCH_RETRY_S) - 1)]
                log.warning("store watch: %s; again in %ss", describe_error(self.url, exc), delay)
                failures += 1
                await asyncio.sleep(delay)
                continue
            try:
                await conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                if failures:
                    changed()  # what happened while the connection was away
                    if back is not None:
                        back()
                failures = 0
                async for note in conn.notifies():
                    if note.payload != self.origin:
                        changed()
            except psycopg.Error as exc:
                log.warning("store watch lost its connection: %s", describe_error(self.url, exc))
                failures += 1
            finally:
                await conn.close()
            await asyncio.sleep(WATCH_RETRY_S[min(failures, len(WATCH_RETRY_S) - 1)])


JSON_SQL = (  # the keys of SessionRow.to_json, in its order
    "json_build_object("
    + ", ".join(f"'{name}', {name}" for name in SessionRow.JSON_FIELDS)
    + f", 'title', {DISPLAY_TITLE_SQL}, 'pinned', pinned <> 0, 'archived', archived <> 0)::text"
)


def _like_escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def ts_query(text: str, *, prefix: bool = False) -> tuple[str, list[str]]:
    """A tsquery expression (SQL with ``%s``) matching every word of ``text``
    literally; with ``prefix`` the last may be a prefix. ('', []) when no
    word holds anything the index could match."""
    parts: list[str] = []
    params: list[str] = []
    words = text.split()
    for number, word in enumerate(words):
        tokens = [_fold(m.group()) for m in _TOKEN.finditer(word)]
        if not tokens:
            continue
        if prefix and number == len(words) - 1:
            quoted = ["'" + t.replace("'", "''").replace("\\", "\\\\") + "'" for t in tokens]
            parts.append(f"to_tsquery('{schema.FTS_CONFIG}', %s)")
            params.append(" <-> ".join(quoted) + ":*")
        else:
            parts.append(f"phraseto_tsquery('{schema.FTS_CONFIG}', %s)")
            params.append(word)
    return " && ".join(parts), params
