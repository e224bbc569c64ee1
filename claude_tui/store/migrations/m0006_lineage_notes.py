"""Schema version 6: where a fork came from, and a note per session.

"Fork session" and "Fork from message" make a new session from another's
history; its row remembers the parent (``parent_session_id``, same project)
and the user message it was forked at (``fork_message``, 1-based), so the
Session panel can say "forked from <title> at message N" and the sidebar can
mark forks. ``note`` is the user's own short text about a session ("Session
note"), shown in the Session panel and matched by the sidebar filter.

Columns on ``sessions`` (not a table of their own): every list read selects
them with the row, and the writer's upsert names its columns, so an import
never clears them.
"""

from __future__ import annotations

import aiosqlite

VERSION = 6

COLUMNS = (
    ("parent_session_id", "TEXT"),
    ("fork_message", "INTEGER"),
    ("note", "TEXT"),
)


async def upgrade(conn: aiosqlite.Connection) -> None:
    async with conn.execute("PRAGMA table_info(sessions)") as cur:
        present = {row[1] for row in await cur.fetchall()}
    for name, kind in COLUMNS:
        if name not in present:
            await conn.execute(f"ALTER TABLE sessions ADD COLUMN {name} {kind}")
