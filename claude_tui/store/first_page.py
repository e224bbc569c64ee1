"""The newest sessions for the app's first frame, read before the store opens.

The store (``SqliteSessionStore``: aiosqlite, the migrations, the SDK's
fold) opens after the first frame, so as not to compete with it; the whole
list (100,000 rows at the scale the archive is built for) comes after that.
A first frame with an empty sidebar is not what a user opens the app for, so
``FirstPage`` reads one page, the newest sessions in list order and the
count, with plain ``sqlite3`` in a thread started with the app: the query
walks the list's index (schema 8) and costs milliseconds at any size, while
the main thread builds the screen. The app waits for it a bounded moment
before its first frame; a store that is missing, locked, being upgraded or
from another version gives no page, and the list comes as before.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from .listing import base_query
from .metadata import SessionRow

PAGE = 120
"""Sessions in the first page: more than a tall terminal's sidebar shows."""


def schema_version() -> int:
    """The schema the migrations lead to, from their file names (``mNNNN_*.py``):
    importing them would load aiosqlite before the first frame."""
    names = (Path(__file__).parent / "migrations").glob("m[0-9][0-9][0-9][0-9]_*.py")
    return max((int(re.match(r"m(\d+)_", p.name).group(1)) for p in names), default=0)  # type: ignore[union-attr]


@dataclass
class Page:
    """The newest ``rows`` (unarchived, in list order) and how many sessions are listed in all."""

    rows: list[SessionRow]
    count: int


def read_first_page(db: Path, limit: int = PAGE) -> Page | None:
    """The first page of the unarchived list, or None (no store, an older or
    newer schema, any SQLite error): the store's own open reports those.
    (``mode=rw``: never creates a database; it only reads. A read-only open
    of a WAL database fails when its -shm file is gone, as after a clean quit.)"""
    try:
        if not db.is_file():
            return None
        conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=rw", uri=True, timeout=0.1, check_same_thread=False)
    except (OSError, sqlite3.Error, ValueError):
        return None
    try:
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        if version != schema_version():
            return None
        base = base_query(None, False, False)
        sql, params = base.sql(SessionRow.COLUMNS, limit=limit)
        rows = [SessionRow.from_row(r) for r in conn.execute(sql, params)]
        where = " AND ".join(base.where)
        (count,) = conn.execute(f"SELECT count(*) FROM sessions s INDEXED BY sessions_order WHERE {where}").fetchone()
        return Page(rows, count)
    except sqlite3.Error:
        return None
    finally:
        conn.close()


class FirstPage:
    """``read_first_page`` in a thread from construction on; ``result`` waits for it a bounded time."""

    def __init__(self, db: Path) -> None:
        self._page: Page | None = None
        self._thread = threading.Thread(target=self._read, args=(db,), name="first-page", daemon=True)
        self._thread.start()

    def _read(self, db: Path) -> None:
        self._page = read_first_page(db)

    def result(self, timeout: float) -> Page | None:
        """The page, if read within ``timeout`` seconds (else None: the list comes later)."""
        self._thread.join(timeout)
        return None if self._thread.is_alive() else self._page
