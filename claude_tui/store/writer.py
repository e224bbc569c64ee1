"""Every write of transcript entries, as plain synchronous work on one connection.

The store runs a ``Writer`` on its write connection in a worker thread, one
transaction per unit of work (``SqliteSessionStore.write_unit``): an SDK
``append``, a ``delete``, or a batch of transcript files from the importer.
A unit is one thread hop, not one per statement, and keeps the import's
parsing, compression and SQL off the caller's event loop.

What one append writes: the entries (bodies compressed, see ``codec``), a
full-text row for each main-transcript prompt or reply (the index is
contentless: its text is recomputed from the entry to delete it), the
narrow ``message_transcripts`` map, the SDK's summary sidecar and the
session row, all in the caller's transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import lines
from .branches import forks, live_entries
from .codec import EntryCodec, train, uuid_key, uuid_text
from .metadata import MetadataFold, derive_title
from .summary import summary_info
from .text import searchable_text

if TYPE_CHECKING:
    from .app_data import ImportState

Item = tuple[dict[str, Any], bytes]
"""An entry and its line as written (what is stored)."""
Prepared = tuple[dict[str, Any], bytes, str]
"""An entry, its line compressed (``codec``) and its full-text ('' for none)."""

INDEXED_TYPES = ("user", "assistant")

SUMMARY_UPSERT = (
    "INSERT INTO summaries (project_key, session_id, mtime, data) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (project_key, session_id) DO UPDATE SET mtime=excluded.mtime, data=excluded.data"
)
SESSION_UPSERT = (
    "INSERT INTO sessions (project_key, session_id, cwd, title, last_prompt, model,"
    " git_branch, created_at, updated_at, message_count, last_assistant_id, tag)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (project_key, session_id) DO UPDATE SET cwd=excluded.cwd,"
    " title=coalesce(nullif(excluded.title, ''), sessions.title), last_prompt=excluded.last_prompt, model=excluded.model,"
    " git_branch=excluded.git_branch, created_at=excluded.created_at,"
    " updated_at=excluded.updated_at, message_count=excluded.message_count,"
    " last_assistant_id=excluded.last_assistant_id, tag=excluded.tag"
)
IMPORT_STATE_UPSERT = (
    "INSERT OR REPLACE INTO import_files (path, size, mtime_ns, inode, offset, head_hash, bad_lines)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
TRANSCRIPT_INSERT = "INSERT INTO transcripts (id, project_key, session_id, subpath, mtime) VALUES (?, ?, ?, ?, ?)"
MAP_INSERT = "INSERT INTO message_transcripts (entry_id, transcript_id) VALUES (?, ?)"


def index_text(entry: dict[str, Any]) -> str:
    """The text a main-transcript entry puts in the full-text index ('' for none)."""
    return searchable_text(entry) if entry.get("type") in INDEXED_TYPES else ""


class Writer:
    """Appends and deletes inside a transaction the caller opened (``begin``)."""

    def __init__(self, conn: sqlite3.Connection, codec: EntryCodec, clock: Callable[[], int]) -> None:
        self.conn = conn
        self.codec = codec
        self._clock = clock
        self._last_id: int | None = None
        self._held: dict[str, list[tuple[Any, ...]]] | None = None
        self._last_tid: int | None = None

    # -- transaction -------------------------------------------------------------------

    def begin(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        self._last_id = None
        self._held = None
        self._last_tid = None
        newest = self.conn.execute("SELECT max(id) FROM codec_dicts").fetchone()[0]
        if newest is not None and newest > self.codec.current:
            self.load_dictionaries()

    def commit(self) -> None:
        self.release()
        if self._last_id is not None:
            self.conn.execute(
                "INSERT INTO store_meta (name, value) VALUES ('last_entry_id', ?)"
                " ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)",
                (self._last_id,),
            )
        self.conn.execute("COMMIT")
        self._last_id = None

    def rollback(self) -> None:
        self._last_id = None
        self._held = None
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def load_dictionaries(self) -> None:
        self.codec.add_all(self.conn.execute("SELECT id, data FROM codec_dicts"))

    def train_dictionary(self, sample: list[bytes]) -> bool:
        """Store a first dictionary trained on ``sample`` (lines as written), if
        the store has none and the sample is large enough to train one."""
        if self.conn.execute("SELECT count(*) FROM codec_dicts").fetchone()[0]:
            self.load_dictionaries()
            return True
        data = train(sample)
        if data is None:
            return False
        # Used from the next transaction on (``begin``): were this one rolled
        # back, no entry may be compressed with a dictionary the store lacks.
        self.conn.execute("INSERT INTO codec_dicts (id, data) VALUES (1, ?)", (data,))
        return True

    def _next_tid(self) -> int:
        """A new transcript id (counted here: a held transcript is not in the table yet)."""
        if self._last_tid is None:
            self._last_tid = self.conn.execute("SELECT coalesce(max(id), 0) FROM transcripts").fetchone()[0]
        self._last_tid += 1
        return self._last_tid

    def _allocate(self, count: int) -> int:
        """The first of ``count`` new entry ids. Ids are never reused, even after
        a delete: a full-text row left behind by a delete whose text no longer
        matches can then never point at a newer entry."""
        if self._last_id is None:
            stored = self.conn.execute(
                "SELECT value FROM store_meta WHERE name = 'last_entry_id'"
            ).fetchone()
            top = self.conn.execute("SELECT max(id) FROM entries").fetchone()[0]
            self._last_id = max(stored[0] if stored else 0, top or 0)
        first = self._last_id + 1
        self._last_id += count
        return first

    # -- append -----------------------------------------------------------------------

    def transcript_id(self, key: Any) -> int | None:
        row = self.conn.execute(
            "SELECT id FROM transcripts WHERE project_key=? AND session_id=? AND subpath=?",
            (key["project_key"], key["session_id"], key.get("subpath") or ""),
        ).fetchone()
        return row[0] if row else None

    def append(self, key: Any, items: list[Item]) -> int:
        """Append entries not stored yet (by uuid); return how many landed."""
        main = not key.get("subpath")
        encode = self.codec.encode
        return self.append_prepared(
            key, [(entry, encode(raw), index_text(entry) if main else "") for entry, raw in items]
        )

    def hold(self) -> None:
        """Hold back the small rows of new transcripts written by ``append_parsed``
        (transcripts, the full-text map, summaries, sessions, bookmarks) and
        write them together at ``release`` (or commit).

        A first import writes them between the entries of each file, which
        scatters each of those tables over the whole file: the sidebar filter
        then reads them cold a page at a time (150-300 ms against 40-150 ms
        for the same tables in one piece, 10,000 sessions). Written a batch
        at a time they come in runs of pages that the OS reads ahead whole.
        """
        if self._held is None:
            self.conn.execute("PRAGMA defer_foreign_keys = ON")  # entries land before their transcript
            self._held = {TRANSCRIPT_INSERT: [], MAP_INSERT: [], SUMMARY_UPSERT: [], SESSION_UPSERT: [], IMPORT_STATE_UPSERT: []}

    def release(self) -> None:
        held, self._held = self._held, None
        if held:
            for sql, rows in held.items():
                if rows:
                    self.conn.executemany(sql, rows)

    def _write(self, sql: str, row: tuple[Any, ...], held: bool) -> None:
        if held and self._held is not None:
            self._held[sql].append(row)
        else:
            self.conn.execute(sql, row)

    def restart(self) -> None:
        """Roll back the transaction and open a new one."""
        self.rollback()
        self.begin()

    def append_prepared(self, key: Any, items: list[Prepared]) -> int:
        """``append`` for entries compressed and indexed already (the importer
        does that in its reading thread)."""
        if not items:
            return 0
        mtime = self._clock()
        subpath = key.get("subpath") or ""
        tid = self.transcript_id(key)
        stored = tid is not None
        if tid is None:
            tid = self._next_tid()
            self.conn.execute(TRANSCRIPT_INSERT, (tid, key["project_key"], key["session_id"], subpath, mtime))
        else:
            self.conn.execute("UPDATE transcripts SET mtime=? WHERE id=?", (mtime, tid))
        fresh = self._new_items(tid, items, stored=stored)
        if not fresh:
            return 0
        forked = not subpath and forks((item[0] for item in fresh), self._last_uuid(tid) if stored else None)
        first = self._allocate(len(fresh))
        rows = []
        fts = []
        for entry_id, (entry, blob, text) in enumerate(fresh, start=first):
            rows.append((entry_id, tid, uuid_key(entry.get("uuid")), blob))
            if text:
                fts.append((entry_id, text))
        self.conn.executemany(
            "INSERT INTO entries (id, transcript_id, uuid, data) VALUES (?, ?, ?, ?)", rows
        )
        if fts:
            self.conn.executemany("INSERT INTO message_fts (rowid, text) VALUES (?, ?)", fts)
            self.conn.executemany(
                "INSERT INTO message_transcripts (entry_id, transcript_id) VALUES (?, ?)",
                [(entry_id, tid) for entry_id, _ in fts],
            )
        if not subpath:
            self._fold_session(key, [item[0] for item in fresh], mtime, recount=tid if forked else None)
        return len(fresh)

    def _last_uuid(self, tid: int) -> str | None:
        """The uuid of the transcript's newest stored entry that has one."""
        row = self.conn.execute(
            "SELECT uuid FROM entries WHERE transcript_id=? AND uuid IS NOT NULL ORDER BY id DESC LIMIT 1", (tid,)
        ).fetchone()
        return uuid_text(row[0]) if row else None

    def _live_message_count(self, tid: int) -> int:
        """The transcript's message count without the branches a later prompt
        replaced (store/branches.py): read whole, only after such a fork."""
        rows = self.conn.execute("SELECT data FROM entries WHERE transcript_id=? ORDER BY id", (tid,))
        fold = MetadataFold()
        fold.add(live_entries([lines.loads(self.codec.decode(data)) for (data,) in rows]))
        return fold.message_count

    def is_new(self, key: Any) -> bool:
        """No trace of ``key`` in the store yet: no transcript and, for a main
        transcript, no session row or summary (``append_parsed`` may take it)."""
        if self.transcript_id(key) is not None:
            return False
        if key.get("subpath"):
            return True
        pk, sid = key["project_key"], key["session_id"]
        return not any(
            self.conn.execute(f"SELECT 1 FROM {table} WHERE project_key=? AND session_id=?", (pk, sid)).fetchone()
            for table in ("sessions", "summaries")
        )

    def append_parsed(
        self, key: Any, rows: list[tuple[Any, bytes, str]], data: dict[str, Any] | None, fold: MetadataFold | None
    ) -> int:
        """A new transcript (``is_new``) read whole elsewhere (``parse_worker``):
        its rows (uuid key, compressed line, full-text) deduplicated already,
        and its summary and metadata folds."""
        if not rows:
            return 0
        mtime = self._clock()
        subpath = key.get("subpath") or ""
        held = self._held is not None
        tid = self._next_tid()
        self._write(TRANSCRIPT_INSERT, (tid, key["project_key"], key["session_id"], subpath, mtime), held)
        first = self._allocate(len(rows))
        self.conn.executemany(
            "INSERT INTO entries (id, transcript_id, uuid, data) VALUES (?, ?, ?, ?)",
            [(entry_id, tid, uuid, blob) for entry_id, (uuid, blob, _) in enumerate(rows, start=first)],
        )
        fts = [(entry_id, text) for entry_id, (_, _, text) in enumerate(rows, start=first) if text]
        if fts:
            self.conn.executemany("INSERT INTO message_fts (rowid, text) VALUES (?, ?)", fts)
            if held:
                self._held[MAP_INSERT].extend((entry_id, tid) for entry_id, _ in fts)  # type: ignore[index]
            else:
                self.conn.executemany(MAP_INSERT, [(entry_id, tid) for entry_id, _ in fts])
        if not subpath and data is not None and fold is not None:
            self.write_session(key, data, fold, mtime, held=held)
        return len(rows)

    def _new_items(self, tid: int, items: list[Prepared], *, stored: bool) -> list[Prepared]:
        """Drop items whose uuid is stored already (when the transcript has
        entries: ``stored``) or repeats within the batch."""
        seen: set[str] = set()
        if stored:
            uuids = [item[0]["uuid"] for item in items if isinstance(item[0].get("uuid"), str)]
            for start in range(0, len(uuids), 500):
                chunk = [uuid_key(u) for u in uuids[start : start + 500]]
                marks = ",".join("?" * len(chunk))
                seen.update(
                    uuid_text(r[0])  # type: ignore[misc]
                    for r in self.conn.execute(
                        f"SELECT uuid FROM entries WHERE transcript_id=? AND uuid IN ({marks})",
                        (tid, *chunk),
                    )
                )
        fresh = []
        for item in items:
            uuid = item[0].get("uuid")
            if isinstance(uuid, str):
                if uuid in seen:
                    continue
                seen.add(uuid)
            fresh.append(item)
        return fresh

    def _fold_session(self, key: Any, entries: list[dict[str, Any]], mtime: int, recount: int | None = None) -> None:
        """Fold new main-transcript entries into the summary sidecar and session row
        (``recount``: the transcript id whose messages are counted again, after a fork)."""
        from claude_agent_sdk import fold_session_summary

        pk, sid = key["project_key"], key["session_id"]
        prev_row = self.conn.execute(
            "SELECT mtime, data FROM summaries WHERE project_key=? AND session_id=?", (pk, sid)
        ).fetchone()
        prev = {"session_id": sid, "mtime": prev_row[0], "data": json.loads(prev_row[1])} if prev_row else None
        data = fold_session_summary(prev, key, entries)["data"]  # type: ignore[arg-type]
        row = self.conn.execute(
            "SELECT cwd, model, created_at, updated_at, message_count, last_assistant_id"
            " FROM sessions WHERE project_key=? AND session_id=?",
            (pk, sid),
        ).fetchone()
        fold = MetadataFold(*row) if row else MetadataFold()
        fold.compact_summary = None
        fold.add(entries)
        if recount is not None:
            fold.message_count = self._live_message_count(recount)
        self.write_session(key, data, fold, mtime)

    def write_session(
        self, key: Any, data: dict[str, Any], fold: MetadataFold, mtime: int, *, held: bool = False
    ) -> None:
        """Store a session's summary sidecar (the SDK's fold, ``data``) and its row."""
        pk, sid = key["project_key"], key["session_id"]
        self._write(SUMMARY_UPSERT, (pk, sid, mtime, json.dumps(data, ensure_ascii=False)), held)
        info = summary_info(data)
        # The compaction summary is not exposed by SDKSessionInfo separately.
        compact = fold.compact_summary or data.get("summary_hint")
        custom = info.custom_title if info else None
        compact = compact if isinstance(compact, str) else None
        # The SDK's first prompt is the first text block: only the attached files
        # when the prompt carried some (engine/context.py): then the prompt's own
        # text, from this fold; on a later append (no first prompt in it) the
        # stored title stays (the upsert keeps a title over an empty one).
        title = derive_title(custom, compact, info.first_prompt if info else None) or derive_title(
            None, None, fold.first_prompt
        )
        last_prompt = data.get("last_prompt") if isinstance(data.get("last_prompt"), str) else None
        self._write(
            SESSION_UPSERT,
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
            held,
        )

    # -- delete -------------------------------------------------------------------------

    def delete(self, key: Any) -> None:
        """Delete a transcript; a main key takes its subkeys and app data along."""
        pk, sid = key["project_key"], key["session_id"]
        subpath = key.get("subpath")
        if subpath:
            self.conn.execute(
                "DELETE FROM transcripts WHERE project_key=? AND session_id=? AND subpath=?",
                (pk, sid, subpath),
            )
            return
        tid = self.transcript_id({"project_key": pk, "session_id": sid})
        if tid is not None:
            self._unindex(tid)
        self.conn.execute("DELETE FROM transcripts WHERE project_key=? AND session_id=?", (pk, sid))
        for table in ("summaries", "sessions", "context_sent"):  # context_sent: no foreign key (a draft marks before its row)
            self.conn.execute(f"DELETE FROM {table} WHERE project_key=? AND session_id=?", (pk, sid))

    def _unindex(self, tid: int) -> None:
        """Remove a transcript's rows from the contentless full-text index: each
        needs the text it was indexed with, recomputed from its entry."""
        indexed = self.conn.execute(
            "SELECT e.id, e.data FROM entries e JOIN message_transcripts m ON m.entry_id = e.id"
            " WHERE e.transcript_id = ?",
            (tid,),
        ).fetchall()
        rows = []
        for entry_id, data in indexed:
            text = index_text(lines.stored_entry(self.codec.decode(data)))
            if text:
                rows.append((entry_id, text))
        self.conn.executemany(
            "INSERT INTO message_fts (message_fts, rowid, text) VALUES ('delete', ?, ?)", rows
        )

    # -- the importer's bookmarks ---------------------------------------------------------

    def uuidless_lines(self, key: Any) -> list[bytes]:
        """Stored entries without a uuid, as written (for re-import dedup)."""
        tid = self.transcript_id(key)
        if tid is None:
            return []
        rows = self.conn.execute(
            "SELECT data FROM entries WHERE transcript_id=? AND uuid IS NULL ORDER BY id", (tid,)
        )
        return [self.codec.decode(data) for (data,) in rows]

    def save_import_state(self, state: ImportState, *, held: bool = False) -> None:
        self._write(
            IMPORT_STATE_UPSERT,
            (state.path, state.size, state.mtime_ns, state.inode, state.offset, state.head_hash, state.bad_lines),
            held,
        )
