"""The "already sent" marks of attached context files, per session (schema 5).

Functions over an open ``SqliteSessionStore`` (its reader and its one writer),
kept out of ``app_data.py``: the engine reads the marks before a session's
first send and writes them after each send that carried files; the Context
panel reads them to say which files went out.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .sqlite import SqliteSessionStore


async def sent_marks(store: SqliteSessionStore, project_key: str, session_id: str) -> dict[str, str]:
    """Absolute path -> the SHA-256 of the content last sent in this session."""
    rows = await store._rows(  # noqa: SLF001 - the store's own reader, from a store module
        "SELECT path, digest FROM context_sent WHERE project_key=? AND session_id=?",
        (project_key, session_id),
    )
    return {str(path): str(digest) for path, digest in rows}


async def mark_sent(store: SqliteSessionStore, project_key: str, session_id: str, digests: dict[str, str]) -> None:
    """Record that these files (absolute path -> SHA-256) were sent in this session."""
    if not digests:
        return
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

    async def work() -> None:
        await store._conn.executemany(  # noqa: SLF001
            "INSERT INTO context_sent (project_key, session_id, path, digest, sent_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (project_key, session_id, path) DO UPDATE SET digest=excluded.digest,"
            " sent_at=excluded.sent_at",
            [(project_key, session_id, path, digest, now) for path, digest in digests.items()],
        )

    await store._write(work)  # noqa: SLF001
