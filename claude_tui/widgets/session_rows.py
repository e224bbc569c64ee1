"""The session list's rows as data: grouping by project, line offsets, one-row edits.

No widget here: ``SessionList`` draws a ``RowLayout`` and this module says
what its rows are. A rebuild (``build_rows``) makes one small dataclass per
row; after a turn is saved only that session's row changes, and ``put``
edits the layout where ``build_rows`` would have put it, leaving every other
row (and its drawn lines) alone: at ten thousand sessions a rebuild after
every reply is what made the list slow.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TYPE_CHECKING, Any, ClassVar, Union

if TYPE_CHECKING:
    from ..store import SearchHit, SessionRow

SessionKey = tuple[str, str]
"""(project_key, session_id): how the UI names a stored session."""

UNKNOWN_FOLDER = "(unknown folder)"


@dataclass(frozen=True, slots=True)
class GroupRow:
    """A project heading: the working directory its sessions ran in."""

    label: str
    count: int
    height: ClassVar[int] = 1


@dataclass(frozen=True, slots=True)
class SessionItem:
    session: SessionRow
    height: ClassVar[int] = 2

    @property
    def key(self) -> SessionKey:
        return self.session.key  # (the row's own tuple: no new one per row in the positions by key)


@dataclass(frozen=True, slots=True)
class HitItem:
    """A full-text match shown under its session; opening it jumps to the message."""

    session: SessionRow
    hit: SearchHit
    height: ClassVar[int] = 1

    @property
    def key(self) -> SessionKey:
        return self.session.key  # (the row's own tuple: no new one per row in the positions by key)


ListRow = Union[GroupRow, SessionItem, HitItem]


def key_of(row: SessionRow) -> SessionKey:
    return row.key


def group_label(session: SessionRow) -> str:
    return session.cwd or UNKNOWN_FOLDER


def build_rows(
    sessions: Sequence[SessionRow],
    hits: Mapping[SessionKey, Sequence[SearchHit]] | None = None,
    *,
    max_hits: int = 3,
) -> list[ListRow]:
    """Group ``sessions`` by working directory, keeping their order inside a group.

    ``sessions`` come from the store pinned first, newest first; a group is
    placed where its first session is, so a project with a pinned or recent
    session comes first. Up to ``max_hits`` message hits follow their session.
    """
    groups: dict[str, list[SessionRow]] = {}
    for session in sessions:
        groups.setdefault(group_label(session), []).append(session)
    rows: list[ListRow] = []
    for label, members in groups.items():
        rows.append(GroupRow(label, len(members)))
        for session in members:
            rows.append(SessionItem(session))
            if hits:
                for hit in list(hits.get(key_of(session), ()))[:max_hits]:
                    rows.append(HitItem(session, hit))
    return rows


Order = Callable[["SessionRow"], Any]
"""The list's sort key (``store.metadata.session_order``), passed in: the rows
need not know the store."""


@dataclass
class RowLayout:
    """Rows, the first line of each (``starts``) and where each session's row is."""

    rows: list[ListRow] = field(default_factory=list)
    starts: array[int] = field(default_factory=lambda: array("q"))
    """Machine integers, not a list of int objects: 0.8 MB at 100,000 rows, not 3.6."""
    total: int = 0  # lines
    _at: dict[SessionKey, int] | None = None  # each session's row, made when first asked (not per keystroke)

    @classmethod
    def of(cls, rows: list[ListRow]) -> RowLayout:
        layout = cls(rows)
        layout._renumber(0)
        return layout

    def index_of(self, key: SessionKey) -> int | None:
        return self._positions().get(key)

    def _positions(self) -> dict[SessionKey, int]:
        if self._at is None:
            self._at = {row.key: i for i, row in enumerate(self.rows) if isinstance(row, SessionItem)}
        return self._at

    def _renumber(self, start: int) -> None:
        """Line offsets and session positions from row ``start`` on (rows before it did not move)."""
        rows = self.rows
        first = self.starts[start - 1] + rows[start - 1].height if start else 0
        del self.starts[start:]
        if start < len(rows):
            self.starts.extend(accumulate((r.height for r in rows[start:-1]), initial=first))
        self.total = self.starts[-1] + rows[-1].height if rows else 0
        if self._at is not None:
            # (One comprehension, no ``key`` property per row: 10,000 rows
            # renumbered after an archive cost 13 ms that way, about 4 now.)
            self._at.update(
                {
                    row.session.key: index  # (the row's own tuple, shared with the index by key)
                    for index, row in enumerate(rows[start:], start)
                    if type(row) is SessionItem
                }
            )

    # -- one session changed ---------------------------------------------------------

    def put(self, session: SessionRow, order: Order) -> range:
        """List ``session`` (new, or changed) where ``build_rows`` of the ordered
        sessions would put it, editing only the rows that change.

        For the unfiltered list (no hits). Returns the indexes whose row
        changed; rows after it keep their index, row and lines.
        """
        key = key_of(session)
        positions = self._positions()
        at = positions.get(key)
        if at is not None and self._stays(at, session, order):
            self.rows[at] = SessionItem(session)
            return range(at, at + 1)
        before = self.rows.copy()
        if at is not None:
            del positions[key]
            self._take_out(at, order)
        self._insert(session, order)
        rows = self.rows
        low = next((i for i, (a, b) in enumerate(zip(before, rows)) if a is not b), min(len(before), len(rows)))
        self._renumber(low)
        if len(before) != len(rows):
            return range(low, len(rows))
        high = len(rows)
        while high > low and before[high - 1] is rows[high - 1]:
            high -= 1
        return range(low, high)

    def remove(self, key: SessionKey, order: Order) -> range | None:
        """Take ``key``'s row out (archived, or unarchived in the archived view) without
        rebuilding the rest; the rows from the returned index on changed (None: not listed)."""
        positions = self._positions()
        at = positions.pop(key, None)
        if at is None:
            return None
        start, _ = self._group_span(at)
        self._take_out(at, order)
        self._renumber(start)
        return range(start, len(self.rows))

    def _group_span(self, index: int) -> tuple[int, int]:
        """The first and past-the-last row of the group holding row ``index``."""
        start = index
        while not isinstance(self.rows[start], GroupRow):
            start -= 1
        end = index + 1
        while end < len(self.rows) and not isinstance(self.rows[end], GroupRow):
            end += 1
        return start, end

    def _stays(self, at: int, session: SessionRow, order: Order) -> bool:
        """Whether ``session`` belongs exactly where its row is: same group, and
        between its neighbours in the group and (as a group's first) between
        the groups before and after."""
        start, end = self._group_span(at)
        group = self.rows[start]
        assert isinstance(group, GroupRow)
        if group.label != group_label(session):
            return False
        mine = order(session)
        if at + 1 < end and not mine < self._key(at + 1, order):
            return False
        if at - 1 > start:
            return self._key(at - 1, order) < mine
        previous = self._group_span(start - 1)[0] if start else None
        if previous is not None and not self._key(previous + 1, order) < mine:
            return False
        return end >= len(self.rows) or mine < self._key(end + 1, order)

    def _key(self, index: int, order: Order) -> Any:
        row = self.rows[index]
        assert isinstance(row, SessionItem)
        return order(row.session)

    def _take_out(self, at: int, order: Order) -> None:
        start, end = self._group_span(at)
        group = self.rows[start]
        assert isinstance(group, GroupRow)
        if group.count == 1:
            del self.rows[start:end]
            return
        del self.rows[at]
        self.rows[start] = GroupRow(group.label, group.count - 1)
        if at == start + 1:  # the group's first session left: the group may move down
            self._place_group(start, order)

    def _insert(self, session: SessionRow, order: Order) -> None:
        label = group_label(session)
        start = next((i for i in self._group_starts() if self.rows[i].label == label), None)  # type: ignore[union-attr]
        item = SessionItem(session)
        if start is None:
            self.rows.append(GroupRow(label, 1))
            self.rows.append(item)
            self._place_group(len(self.rows) - 2, order)
            return
        _, end = self._group_span(start)
        mine = order(session)
        at = bisect_left(range(start + 1, end), mine, key=lambda i: self._key(i, order)) + start + 1
        self.rows.insert(at, item)
        group = self.rows[start]
        assert isinstance(group, GroupRow)
        self.rows[start] = GroupRow(label, group.count + 1)
        if at == start + 1:  # the group's first session changed: the group may move up
            self._place_group(start, order)

    def _group_starts(self) -> list[int]:
        return [i for i, row in enumerate(self.rows) if isinstance(row, GroupRow)]

    def _place_group(self, start: int, order: Order) -> None:
        """Move the group at ``start`` among the others by its first session."""
        _, end = self._group_span(start)
        block = self.rows[start:end]
        del self.rows[start:end]
        first = block[1]
        assert isinstance(first, SessionItem)
        groups = self._group_starts()
        place = bisect_left(groups, order(first.session), key=lambda i: self._key(i + 1, order))
        at = groups[place] if place < len(groups) else len(self.rows)
        self.rows[at:at] = block
