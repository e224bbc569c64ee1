"""The session list's query: sessions in list order, all of them or those a
filter finds, built so that its cost follows what is shown, not the archive.

At 100,000 sessions the filter scanned every row (each title matched with
``LIKE``, each session probing the full-text hits) and sorted them all. Now:

- The order ``pinned DESC, updated_at DESC, session_id`` is an index
  (``sessions_order``, schema 8): SQLite walks it, sorts nothing, and a
  ``LIMIT`` stops the walk early.
- A filter is answered one of two ways, the same rows either way (the
  literal ``LIKE`` over the display title, or every word in one message of
  the session's transcript):

  * **candidates**, when both sides are small: the title index
    (``title_fts``, trigrams: a word's trigrams as a phrase find every title
    holding it anywhere, case folded, so it over-finds and never misses) and
    the message index each give at most ``CANDIDATES`` sessions; only those
    rows are read, checked with ``LIKE`` and ordered. A rare word costs
    milliseconds whatever the archive's size.
  * **walk**, otherwise: the rows in list order, each checked as before (the
    title first; the message hits, computed once, only for rows whose title
    does not match), stopping at ``limit`` matches. A word in many titles or
    many messages finds its first page near the top of the list.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .metadata import DISPLAY_TITLE_SQL
from .search import fts_query

CANDIDATES = 2_000
"""Above this many sessions on either side, walking the list in order is cheaper."""
MESSAGE_HITS = 5_000
"""Above this many matching messages, the walk (the hits are read once either way)."""

ORDER = " ORDER BY s.pinned DESC, s.updated_at DESC, s.session_id"
TRIGRAM = 3  # the title index's token length: shorter words cannot use it

_MESSAGE_TRANSCRIPTS = (
    "SELECT m.transcript_id FROM message_fts f JOIN message_transcripts m ON m.entry_id = f.rowid"
    " WHERE f.message_fts MATCH ?"
)
_OWN_TRANSCRIPT = (
    "(SELECT t.id FROM transcripts t WHERE t.project_key = s.project_key"
    " AND t.session_id = s.session_id AND t.subpath = '')"
)

# The display title (DISPLAY_TITLE_SQL), its common case first: a session
# never renamed, with a title, shows that title. A third cheaper per row than
# the general rule when a short word is looked for in every title.
_TITLE = f"CASE WHEN s.custom_title IS NULL AND s.title <> '' THEN s.title ELSE {DISPLAY_TITLE_SQL} END"

Rows = Callable[[str, Sequence[Any]], Awaitable[list[tuple[Any, ...]]]]


def like_escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def title_phrase(words: Sequence[str]) -> str:
    """The title index query for the words it can look up (all of them must match)."""
    return " AND ".join('"' + w.replace('"', '""') + '"' for w in words if len(w) >= TRIGRAM)


@dataclass
class ListQuery:
    """Where clauses every listing shares (empty sessions, archived, folder)."""

    where: list[str]
    params: list[Any]

    def sql(self, select: str, extra: str = "", limit: int | None = None) -> tuple[str, list[Any]]:
        where = " AND ".join(self.where + ([extra] if extra else []))
        sql = f"SELECT {select} FROM sessions s WHERE {where}{ORDER}"
        params = list(self.params)
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return sql, params


def base_query(cwd: str | None, include_empty: bool, archived: bool | None) -> ListQuery:
    where = ["1=1"] if include_empty else ["s.message_count > 0"]
    params: list[Any] = []
    if archived is not None:
        where.append("s.archived = 1" if archived else "s.archived = 0")
    if cwd is not None:
        where.append("s.cwd = ?")
        params.append(cwd)
    return ListQuery(where, params)


async def _noted(rows: Rows, words: Sequence[str]) -> list[set[int] | None]:
    """Per word, the sessions whose note holds it (None: more than ``CANDIDATES``).

    Notes are few (a user writes them); the partial index ``sessions_noted``
    (schema 8) reads only those rows."""
    found: list[set[int] | None] = []
    for word in words:
        noted = await rows(
            "SELECT rowid FROM sessions WHERE note IS NOT NULL AND note <> '' AND note LIKE ? ESCAPE '\\' LIMIT ?",
            (f"%{like_escape(word)}%", CANDIDATES + 1),
        )
        found.append({r[0] for r in noted} if len(noted) <= CANDIDATES else None)
    return found


def _title_or_note(words: Sequence[str], noted: Sequence[set[int] | None]) -> tuple[str, list[Any]]:
    """The test "each word in the display title or in the note", and its params.

    The sessions whose note holds a word are named by rowid: the test then
    reads only columns of ``sessions_order``, and SQLite checks a row without
    reading it from the table. A short word, which the title index cannot
    look up, is checked in every title: 50 ms at 100,000 sessions when each
    row was read for its note, 30 ms now. Past ``CANDIDATES`` noted sessions
    for a word, that word's note is checked row by row as before.
    """
    tests: list[str] = []
    params: list[Any] = []
    for word, rowids in zip(words, noted):
        like = f"%{like_escape(word)}%"
        if rowids is not None:
            tests.append(f"({_TITLE} LIKE ? ESCAPE '\\' OR s.rowid IN (SELECT value FROM json_each(?)))")
            params += [like, json.dumps(sorted(rowids))]
        else:
            tests.append(f"({_TITLE} LIKE ? ESCAPE '\\' OR s.note LIKE ? ESCAPE '\\')")
            params += [like, like]
    return " AND ".join(tests), params


async def search_rows(
    rows: Rows, base: ListQuery, select: str, search: str, limit: int | None
) -> list[tuple[Any, ...]]:
    """Rows of sessions matching ``search`` in list order (see the module docstring)."""
    words = search.split()
    match = fts_query(search)
    if not match:
        return []
    # Each word in the title or in the user's note (schema 6; notes are few, and
    # the partial index sessions_noted, schema 8, finds those that match).
    noted = await _noted(rows, words)
    title_like, likes = _title_or_note(words, noted)
    phrase = title_phrase(words)
    titled: set[int] | None = None  # every session whose title or note may match (None: too many, or unknown)
    if phrase:
        found = await rows("SELECT rowid FROM title_fts WHERE title_fts MATCH ? LIMIT ?", (phrase, CANDIDATES + 1))
        titled = {r[0] for r in found} if len(found) <= CANDIDATES else None
    if titled is not None:
        # A session matching by its note holds at least one word in its note
        # (the others may be in its title): every word's noted sessions.
        if any(n is None for n in noted) or len(extra := set().union(*noted)) > CANDIDATES:
            titled = None
        else:
            titled |= extra
    by_message: list[int] | None = None  # every session with a matching message (None: too many, or unasked)
    # Words in many titles: the walk finds its page near the top, without the message hits.
    hits = await rows(f"{_MESSAGE_TRANSCRIPTS} LIMIT ?", (match, MESSAGE_HITS + 1)) if titled is not None or not phrase else []
    if (titled is not None or not phrase) and len(hits) <= MESSAGE_HITS:
        mapped = await rows(
            "SELECT s2.rowid FROM transcripts t JOIN sessions s2 ON s2.project_key = t.project_key"
            " AND s2.session_id = t.session_id WHERE t.subpath = ''"
            " AND t.id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted({r[0] for r in hits})),),
        )
        by_message = sorted(r[0] for r in mapped)
    at = len(base.params)  # the search's params: after the base's, before the LIMIT
    if titled is not None and by_message is not None and len(by_message) <= CANDIDATES:
        # Candidates: only these rows are read.
        extra = (
            "s.rowid IN (SELECT value FROM json_each(?))"
            f" AND (({title_like}) OR s.rowid IN (SELECT value FROM json_each(?)))"
        )
        sql, params = base.sql(select, extra, limit)
        params[at:at] = [json.dumps(sorted(titled.union(by_message))), *likes, json.dumps(by_message)]
        return await rows(sql, params)
    if by_message is not None:
        # The walk, with the sessions found by message known.
        extra = f"(({title_like}) OR s.rowid IN (SELECT value FROM json_each(?)))"
        sql, params = base.sql(select, extra, limit)
        params[at:at] = [*likes, json.dumps(by_message)]
        return await rows(sql, params)
    # The walk over a word in many messages. The MATCH is a non-correlated
    # IN: SQLite runs it once, the first time a row's title does not match,
    # into a temporary index (a correlated EXISTS re-ran it per session). It
    # reads only matching rowids from the full-text index and maps them
    # through the narrow message_transcripts table.
    extra = f"(({title_like}) OR {_OWN_TRANSCRIPT} IN ({_MESSAGE_TRANSCRIPTS}))"
    sql, params = base.sql(select, extra, limit)
    params[at:at] = [*likes, match]
    return await rows(sql, params)
