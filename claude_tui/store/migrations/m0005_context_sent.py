"""Schema version 5: which attached file content already went to the model.

A context file is sent once and again only when its content changed
(``engine/context.py``). The record of what was sent (the SHA-256 per file
and session) lived in the worker's memory, so a restart sent every attached
file again; ``context_sent`` keeps it. Independent of version 4 (written on
another branch): ``IF NOT EXISTS`` lets it run after 3 or after 4.
"""

from __future__ import annotations

import aiosqlite

VERSION = 5

SCHEMA = [
    """
    CREATE TABLE IF NOT EXISTS context_sent (
        project_key TEXT NOT NULL,
        session_id  TEXT NOT NULL,
        path        TEXT NOT NULL,  -- absolute, as the engine resolves it
        digest      TEXT NOT NULL,  -- sha256 hex of the bytes sent
        sent_at     TEXT NOT NULL,
        PRIMARY KEY (project_key, session_id, path)
    )
    """,
]


async def upgrade(conn: aiosqlite.Connection) -> None:
    for statement in SCHEMA:
        await conn.execute(statement)
