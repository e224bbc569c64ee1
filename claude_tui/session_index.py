"""Every stored session in list order, looked up by key, and the filter over them.

Data only, no widgets: the app asks the store through it and hands what it
returns to the sidebar. The order is the store's (``store.metadata.
session_order`` mirrors its SQL), so a row changed in memory is moved by a
bisect instead of a sort, and the filter's merged results sort the same way.
The store's modules load with the store, after the first frame: they are
imported where first needed.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .words import plural, plural_word

if TYPE_CHECKING:
    from .store import SearchHit, SessionRow, SqliteSessionStore
    from .widgets.session_rows import SessionKey

MESSAGE_HITS = 50  # full-text hits asked for per filter
PREFIX_CHARS = 3  # a last word this long or longer also matches words it begins
FILTER_LIMIT = 200
"""Sessions a filter lists: the first matches in list order. At 100,000
sessions a word in every title made 100,000 rows per keystroke (a second);
the status says when there are more ("200+ sessions")."""


def count_status(count: int, *, importing: bool, archived: bool = False) -> str:
    """The sidebar's status line for the unfiltered list (``archived``: the archived view)."""
    if archived:
        return plural(count, "archived session")
    if not count:
        return "importing …" if importing else "no sessions yet"
    return plural(count, "session")


def split_tag_words(text: str) -> tuple[list[str], str]:
    """(the NAMEs of ``tag:NAME`` words, the rest of the filter text)."""
    tags, rest = [], []
    for word in text.split():
        if word.lower().startswith("tag:") and len(word) > 4:
            tags.append(word[4:])
        else:
            rest.append(word)
    return tags, " ".join(rest)


@dataclass
class FilterResult:
    """What a filter found: sessions in list order, and message hits under them."""

    text: str
    sessions: list[SessionRow]
    hits: dict[SessionKey, list[SearchHit]]
    hit_count: int
    more: bool = False
    """More sessions match than are listed (the first ``FILTER_LIMIT``)."""

    @property
    def status(self) -> str:
        status = plural(len(self.sessions), "session")
        if self.more:
            status = f"{len(self.sessions):,}+ sessions"  # the first ones; typing more narrows
        if self.hit_count:
            more = "+" if self.hit_count >= MESSAGE_HITS else ""
            status += f", {self.hit_count}{more} {plural_word(self.hit_count, 'text hit')}"
        return status


@dataclass
class SessionIndex:
    """The unfiltered list (``rows``, pinned first, newest first), by key, and
    the filter: what was typed (``filter_text``) and whose result is on screen
    (``filter_done``)."""

    rows: list[SessionRow] = field(default_factory=list)
    by_key: dict[SessionKey, SessionRow] = field(default_factory=dict)
    loaded: bool = False
    filter_text: str = ""
    filter_done: str | None = None
    archived: bool = False
    """The archived view ("Show archived"): only archived sessions; else only the others."""
    version: int = 0
    """Changes whenever ``rows`` do: the sidebar's rows built for a version are kept for it."""

    async def reload(self, store: SqliteSessionStore) -> None:
        """Read every row again (at start, and while an import adds sessions)."""
        rows = await store.sessions(archived=self.archived, brief=True)  # (no last prompts: not shown)
        self.rows = rows
        self.by_key = {row.key: row for row in rows}
        self.loaded = True
        self.version += 1

    def put(self, row: SessionRow) -> bool:
        """List ``row`` (new, or in place of its session's row); True when it
        was new or moved, False when it kept its place."""
        from .store.metadata import session_order

        self.version += 1
        old = self.by_key.get(row.key)
        self.by_key[row.key] = row
        rows = self.rows
        at = None
        if old is not None:
            at = bisect_left(rows, session_order(old), key=session_order)
            if at >= len(rows) or rows[at] is not old:
                # Ties the SQL leaves open (one session id in two projects) may
                # be listed either way round: look for it.
                at = next((i for i, r in enumerate(rows) if r is old), None)
            if at is not None:
                del rows[at]
        place = bisect_left(rows, session_order(row), key=session_order)
        rows.insert(place, row)
        return place != at

    def remove(self, key: SessionKey) -> bool:
        """Take ``key``'s row out of the list (it left this view); False if it was not in it."""
        from .store.metadata import session_order

        old = self.by_key.pop(key, None)
        if old is None:
            return False
        rows = self.rows
        at = bisect_left(rows, session_order(old), key=session_order)
        if at >= len(rows) or rows[at] is not old:
            at = next((i for i, r in enumerate(rows) if r is old), None)
        if at is not None:
            del rows[at]
        return True

    async def search(self, store: SqliteSessionStore, text: str) -> FilterResult:
        """Sessions whose title or text matches ``text``, with the matching
        messages under them (a session found only by a message is listed too).
        ``tag:NAME`` words keep only sessions tagged NAME (every one named)."""
        tags, words = split_tag_words(text)
        if tags:
            tagged = {r.key for r in self.rows if set(tags) <= set((r.tag or "").split())}
            if not words:
                return FilterResult(text, [r for r in self.rows if r.key in tagged], {}, 0)
            found = await self._search(store, words, limit=None)  # (tagged ones may be past the first page)
            kept = {k: v for k, v in found.hits.items() if k in tagged}
            return FilterResult(
                text, [r for r in found.sessions if r.key in tagged], kept, sum(len(v) for v in kept.values())
            )
        return await self._search(store, text, FILTER_LIMIT)

    async def _search(self, store: SqliteSessionStore, text: str, limit: int | None) -> FilterResult:
        from .store.metadata import session_order

        sessions = await store.sessions(search=text, archived=self.archived, limit=None if limit is None else limit + 1)
        more = limit is not None and len(sessions) > limit
        if more:
            del sessions[limit:]
        # The last word as a prefix from PREFIX_CHARS on: "r*" merges the
        # index's list of every word starting with r (a third of a second at
        # 10,000 sessions); shorter, it matches as a whole word.
        prefix = len(text.split()[-1]) >= PREFIX_CHARS if text.split() else False
        found = await store.search_messages(text, limit=MESSAGE_HITS, prefix=prefix)
        hits: dict[SessionKey, list[SearchHit]] = {}
        for hit in found:
            hits.setdefault((hit.project_key, hit.session_id), []).append(hit)
        listed = {s.key for s in sessions}
        for key in hits:
            if key not in listed:
                row = self.by_key.get(key) or await store.session(*key)
                if row is not None and row.archived == self.archived:
                    sessions.append(row)
                    listed.add(key)
        sessions.sort(key=session_order)
        if more:
            # The first ``limit`` of (matches ∪ sessions of message hits)
            # are among these: the list is the whole result's first page.
            del sessions[limit:]
            listed = {s.key for s in sessions}
            hits = {k: v for k, v in hits.items() if k in listed}
        return FilterResult(text, sessions, hits, len(found), more)
