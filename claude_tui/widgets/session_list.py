"""The sidebar's list of sessions: grouped by project, virtualised, keyboard and mouse.

Why a line-API ``ScrollView`` rather than ``OptionList`` or one widget per row:
a user can have ten thousand sessions, and start-up and every keystroke of the
filter rebuild the list. Here a rebuild is a list of small dataclasses and a
prefix sum of row heights (``session_rows.RowLayout``); only the rows on screen
are ever rendered, so the cost of drawing does not grow with the number of
sessions. A session saved after a turn is not a rebuild: ``put_session``
swaps or moves its one row.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..literal import safe_line
from ..timestamps import parse_iso
from ..words import plural
from .marker import Marker
from .session_rows import (
    UNKNOWN_FOLDER,
    GroupRow,
    HitItem,
    ListRow,
    Order,
    RowLayout,
    SessionItem,
    SessionKey,
    build_rows,
    key_of,
)

if TYPE_CHECKING:
    from ..store import SessionRow

__all__ = [
    "UNKNOWN_FOLDER", "GroupRow", "HitItem", "ListRow", "SessionItem", "SessionKey", "SessionList",
    "build_rows", "key_of", "relative_time", "short_folder",
]


def relative_time(iso: str | None, now: datetime) -> str:
    """How long ago, in at most six cells: ``now``, ``5m``, ``3h``, ``2d``, ``4w``, a date."""
    then = parse_iso(iso)
    if then is None:
        return ""
    seconds = (now - then).total_seconds()
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    if seconds < 7 * 86400:
        return f"{int(seconds // 86400)}d"
    if seconds < 35 * 86400:
        return f"{int(seconds // (7 * 86400))}w"
    local = then.astimezone()
    if local.year == now.astimezone().year:
        return local.strftime("%b %d")
    return local.strftime("%b %Y")


def short_folder(path: str, width: int) -> str:
    """A folder that fits ``width`` cells: home as ``~``, then cut from the left."""
    from pathlib import Path

    home = str(Path.home())
    if home != "/" and (path == home or path.startswith(home + "/")):
        path = "~" + path[len(home) :]
    if cell_len(path) <= width:
        return path
    if width <= 1:
        return "…"[:width]
    tail = path[-(width - 1) :]
    while cell_len(tail) > width - 1:
        tail = tail[1:]
    return "…" + tail


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells with an ellipsis when it does not fit."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 1) + "…"


MISSING_GLYPH = "⚠ "
"""Marks a session (and its project heading) whose folder no longer exists: moved or renamed?"""

FORK_GLYPH = "⋔"
"""Marks a fork in its sidebar row (fork_actions.py)."""


class SessionList(ScrollView, can_focus=True):
    """Every stored session, grouped by project, one cursor, Enter or click opens.

    The app gives it rows (``show``), the live markers (``markers``, a dict the
    app owns and mutates) and a clock for relative times.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("enter", "open", "Open", show=False),
        Binding("space", "toggle_mark", "Mark", show=False, id="mark_session"),
        Binding("delete", "app.delete_session", "Delete", show=False, id="delete_session"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "session-list--group",
        "session-list--count",
        "session-list--title",
        "session-list--current",
        "session-list--meta",
        "session-list--pinned",
        "session-list--time",
        "session-list--hit",
        "session-list--cursor",
        "session-list--marked",
        "session-list--missing",
        *(m.component_class for m in Marker),
    }

    cursor: reactive[int | None] = reactive(None, always_update=True)
    """Index into ``rows`` of the highlighted session or hit, or None."""

    class Selected(Message):
        """The user opened a session (Enter or click); ``uuid`` names a hit's message."""

        def __init__(self, key: SessionKey, uuid: str | None = None) -> None:
            super().__init__()
            self.key = key
            self.uuid = uuid

    class TypedAhead(Message):
        """A printable key was pressed in the list: it belongs in the filter box."""

        def __init__(self, character: str) -> None:
            super().__init__()
            self.character = character

    def __init__(
        self,
        *,
        clock: Callable[[], datetime] | None = None,
        markers: Mapping[SessionKey, Marker] | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(timezone.utc))
        self.markers: Mapping[SessionKey, Marker] = markers if markers is not None else {}
        self.current: SessionKey | None = None
        self.marked: dict[SessionKey, SessionRow] = {}
        """Rows marked (space) for a verb on several sessions at once, in marking order."""
        self.missing: frozenset[str] = frozenset()
        """Folders (session cwds) that no longer exist: their rows are marked (``folders.py`` checks)."""
        self._layout = RowLayout()
        self._cache: dict[tuple[int, int, int, bool], Strip] = {}
        self._now: datetime | None = None

    # -- data ------------------------------------------------------------------

    @property
    def rows(self) -> list[ListRow]:
        return self._layout.rows

    @property
    def _starts(self) -> Sequence[int]:
        return self._layout.starts

    @property
    def _total(self) -> int:
        return self._layout.total

    def show(self, rows: list[ListRow]) -> None:
        """Replace the rows, keeping the cursor on the same session or hit if present."""
        keep = self._identity(self.cursor)
        self._layout = RowLayout.of(rows)
        self._cache.clear()
        self._now = None
        self.virtual_size = Size(0, self._total)
        cursor = self._find(keep) if keep is not None else None
        if cursor is None:
            cursor = self._next_selectable(-1, 1)
        self.cursor = cursor
        self.refresh()

    def put_session(self, session: SessionRow, order: Order) -> None:
        """One session's row changed (a turn was saved) or is new: in the
        unfiltered list, swap its data and redraw its lines where it stays, or
        move just it (and its group) where it goes, without rebuilding or
        redrawing the other rows. ``order`` is the list's sort key."""
        keep = self._identity(self.cursor)
        count = len(self.rows)
        changed = self._layout.put(session, order)
        for key in [k for k in self._cache if k[0] in changed]:
            del self._cache[key]
        self._now = None  # its time is measured from now
        if len(self.rows) == count and len(changed) == 1:
            index = changed.start
            self.refresh_lines(self._starts[index], self.rows[index].height)
            return
        self.virtual_size = Size(0, self._total)
        if keep is None:
            self.cursor = self._next_selectable(-1, 1)
        elif self.cursor in changed:  # its row moved: the cursor goes with it
            self.cursor = self._find(keep)
        self.refresh()

    def remove_session(self, key: SessionKey, order: Order) -> bool:
        """Take one session's row out of the unfiltered list (it left this view), redrawing
        from there on; the cursor stays on its session, or moves to the next. False: not listed."""
        keep = self._identity(self.cursor)
        changed = self._layout.remove(key, order)
        if changed is None:
            return False
        self._cache = {k: v for k, v in self._cache.items() if k[0] < changed.start}
        self._now = None
        self.virtual_size = Size(0, self._total)
        cursor = self._find(keep) if keep is not None else None
        if cursor is None:
            cursor = self._next_selectable(changed.start - 1, 1)
            if cursor is None:
                cursor = self._next_selectable(len(self.rows), -1)
        self.cursor = cursor
        self.refresh()
        return True

    def replace_session(self, session: SessionRow) -> bool:
        """Swap a listed session's data where its row is (a filter's results:
        the row keeps its place, its counts are the session's latest). False
        when it is not listed."""
        index = self._layout.index_of((session.project_key, session.session_id))
        if index is None:
            return False
        self.rows[index] = SessionItem(session)
        for key in [k for k in self._cache if k[0] == index]:
            del self._cache[key]
        self.refresh_lines(self._starts[index], self.rows[index].height)
        return True

    def refresh_markers(self) -> None:
        """Redraw after ``markers`` changed; cheap, only visible lines render again."""
        self._cache.clear()
        self.refresh()

    def set_missing(self, missing: frozenset[str]) -> None:
        """The folders found gone changed: redraw (the rows are drawn from the set, never a stat)."""
        if missing != self.missing:
            self.missing = missing
            self._cache.clear()
            self.refresh()

    def set_current(self, key: SessionKey | None) -> None:
        """Mark the session shown in the chat pane."""
        self.current = key
        self._cache.clear()
        self.refresh()

    def select_key(self, key: SessionKey) -> bool:
        """Move the cursor to ``key``'s row; False when it is not listed."""
        index = self._layout.index_of(key)
        if index is not None:
            self.cursor = index
        return index is not None

    def action_toggle_mark(self) -> None:
        """Mark or unmark the highlighted session (session actions then work on all marked)."""
        row = self.highlighted
        if not isinstance(row, (SessionItem, HitItem)):
            return
        if self.marked.pop(row.key, None) is None:
            self.marked[row.key] = row.session
        self._cache.clear()
        self.refresh()
        self.action_cursor_down()

    def marked_rows(self) -> list[SessionRow]:
        return list(self.marked.values())

    def clear_marks(self) -> None:
        if self.marked:
            self.marked.clear()
            self._cache.clear()
            self.refresh()

    @property
    def session_count(self) -> int:
        return sum(1 for r in self.rows if isinstance(r, SessionItem))

    @property
    def highlighted(self) -> ListRow | None:
        return self.rows[self.cursor] if self.cursor is not None else None

    def _identity_row(self, row: ListRow) -> tuple[object, ...] | None:
        if isinstance(row, SessionItem):
            return ("session", row.key)
        if isinstance(row, HitItem):
            return ("hit", row.key, row.hit.entry_id)
        return None

    def _find(self, identity: tuple[object, ...]) -> int | None:
        """The index of the row with ``identity`` (see ``_identity_row``), or None."""
        if identity[0] == "session":
            return self._layout.index_of(identity[1])  # type: ignore[arg-type]
        return next((i for i, r in enumerate(self.rows) if self._identity_row(r) == identity), None)

    def _identity(self, index: int | None) -> tuple[object, ...] | None:
        if index is None or index >= len(self.rows):
            return None
        return self._identity_row(self.rows[index])

    # -- cursor ------------------------------------------------------------------

    def _selectable(self, index: int) -> bool:
        return 0 <= index < len(self.rows) and not isinstance(self.rows[index], GroupRow)

    def _next_selectable(self, start: int, step: int) -> int | None:
        index = start + step
        while 0 <= index < len(self.rows):
            if self._selectable(index):
                return index
            index += step
        return None

    def validate_cursor(self, value: int | None) -> int | None:
        if value is None or not self.rows:
            return None
        return max(0, min(value, len(self.rows) - 1))

    def watch_cursor(self, old: int | None, new: int | None) -> None:
        self._cache.clear()
        self.refresh()
        if new is not None and self._starts:
            row = self.rows[new]
            start = self._starts[new]
            top = start - 1 if new > 0 and isinstance(self.rows[new - 1], GroupRow) else start
            self.scroll_to_region(
                Region(0, top, 1, start + row.height - top), animate=False, force=True
            )

    def action_cursor_up(self) -> None:
        step = self._next_selectable(self.cursor if self.cursor is not None else len(self.rows), -1)
        if step is not None:
            self.cursor = step

    def action_cursor_down(self) -> None:
        step = self._next_selectable(self.cursor if self.cursor is not None else -1, 1)
        if step is not None:
            self.cursor = step

    def _move_lines(self, lines: int) -> None:
        if self.cursor is None:
            return
        target_y = self._starts[self.cursor] + lines
        index = max(0, min(bisect_right(self._starts, target_y) - 1, len(self.rows) - 1))
        direction = 1 if lines > 0 else -1
        if not self._selectable(index):
            index = self._next_selectable(index, direction) or self._next_selectable(index, -direction) or 0
        self.cursor = index

    def action_page_up(self) -> None:
        self._move_lines(-max(1, self.scrollable_content_region.height - 2))

    def action_page_down(self) -> None:
        self._move_lines(max(1, self.scrollable_content_region.height - 2))

    def action_first(self) -> None:
        self.cursor = self._next_selectable(-1, 1)

    def action_last(self) -> None:
        self.cursor = self._next_selectable(len(self.rows), -1)

    def selection(self) -> Selected | None:
        """The message opening the highlighted row, or None on no selectable row."""
        row = self.highlighted
        if isinstance(row, SessionItem):
            return self.Selected(row.key)
        if isinstance(row, HitItem):
            return self.Selected(row.key, row.hit.uuid)
        return None

    def action_open(self) -> None:
        message = self.selection()
        if message is not None:
            self.post_message(message)

    def row_at(self, y: int) -> int | None:
        """The row index under content line ``y`` (0 = first line of the list)."""
        if y < 0 or y >= self._total:
            return None
        return bisect_right(self._starts, y) - 1

    def on_key(self, event: events.Key) -> None:
        if event.is_printable and event.character and event.character != " ":
            event.stop()
            event.prevent_default()
            self.post_message(self.TypedAhead(event.character))

    async def _on_click(self, event: events.Click) -> None:
        index = self.row_at(event.y + self.scroll_offset.y)
        if index is not None and self._selectable(index):
            self.cursor = index
            self.action_open()

    # -- rendering -------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def on_resize(self, event: events.Resize) -> None:
        """Lines are cached by width, so a resize needs no clear for correctness;
        this only drops the lines of the old width."""
        self._cache.clear()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        line = y + self.scroll_offset.y
        index = self.row_at(line)
        if index is None:
            return Strip.blank(width, self.rich_style)
        offset = line - self._starts[index]
        key = (index, offset, width, index == self.cursor)
        strip = self._cache.get(key)
        if strip is None:
            if len(self._cache) > 4000:
                self._cache.clear()
            strip = self._render_row_line(self.rows[index], offset, width, index == self.cursor)
            self._cache[key] = strip
        return strip

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def _render_row_line(self, row: ListRow, offset: int, width: int, cursor: bool) -> Strip:
        base = self.rich_style
        if cursor:
            base = base + self.get_component_rich_style("session-list--cursor")
        parts: list[tuple[str, Style]]
        if isinstance(row, GroupRow):
            count = f" {row.count}"
            gone = MISSING_GLYPH if row.label in self.missing else ""
            label = short_folder(safe_line(row.label), max(1, width - cell_len(count) - cell_len(gone) - 1))
            gap = max(1, width - cell_len(gone) - cell_len(label) - cell_len(count))
            group = self._style("session-list--group")
            parts = [
                (gone, self._style("session-list--missing")),
                (label, group),
                (" " * gap, Style()),
                (count, self._style("session-list--count")),
            ]
        elif isinstance(row, SessionItem):
            parts = self._session_line(row, offset, width)
        else:
            snippet = safe_line(row.hit.snippet)
            parts = [("  ↳ ", self._style("session-list--meta")), (_fit(snippet, width - 4), self._style("session-list--hit"))]
        segments = [Segment(text, base + style) for text, style in parts if text]
        return Strip(segments).adjust_cell_length(width, base)

    def _session_line(self, item: SessionItem, offset: int, width: int) -> list[tuple[str, Style]]:
        session = item.session
        if offset == 0:
            marker = self.markers.get(item.key)
            glyph = (marker.glyph, self._style(marker.component_class)) if marker else (" ", Style())
            if item.key in self.marked:
                glyph = ("✓", self._style("session-list--marked"))
            if self._now is None:
                self._now = self.clock()
            when = relative_time(session.updated_at, self._now)
            title_style = self._style("session-list--title")
            if item.key == self.current:
                title_style = title_style + self._style("session-list--current")
            if item.key in self.marked:
                title_style = title_style + self._style("session-list--marked")
            room = width - 2 - (cell_len(when) + 1 if when else 0)
            title = _fit(safe_line(session.display_title), room)
            gap = max(0, width - 2 - cell_len(title) - cell_len(when))
            return [
                glyph,
                (" ", Style()),
                (title, title_style),
                (" " * gap, Style()),
                (when, self._style("session-list--time")),
            ]
        meta: list[tuple[str, Style]] = [("  ", Style())]
        if session.cwd and session.cwd in self.missing:
            meta.append((MISSING_GLYPH + "folder gone · ", self._style("session-list--missing")))
        if session.parent_session_id:
            meta.append((f"{FORK_GLYPH} fork · ", self._style("session-list--pinned")))
        if session.pinned:
            meta.append(("pinned · ", self._style("session-list--pinned")))
        if session.archived:
            meta.append(("archived · ", self._style("session-list--pinned")))
        if session.tag:
            meta.append((_fit(safe_line(" ".join("#" + t for t in session.tag.split())), 30) + " · ", self._style("session-list--pinned")))
        count = session.message_count
        text = plural(count, "msg")
        if session.git_branch:
            text += " · " + safe_line(session.git_branch)
        used = sum(cell_len(t) for t, _ in meta)
        meta.append((_fit(text, width - used), self._style("session-list--meta")))
        return meta
