"""Schema version 2: full-text search over user and assistant text.

The index's rowid is ``entries.id``, so a hit points at the exact message.
Databases created at version 1 are back-filled from their stored entries.
"""

from __future__ import annotations

import json

import aiosqlite

from ..text import searchable_text

VERSION = 2

SCHEMA = [
    """
    CREATE VIRTUAL TABLE message_fts USING fts5 (
        text,
        transcript_id UNINDEXED,
        tokenize = 'unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN
        DELETE FROM message_fts WHERE rowid = old.id;
    END
    """,
]


async def upgrade(conn: aiosqlite.Connection) -> None:
    for statement in SCHEMA:
        await conn.execute(statement)
    rows = await conn.execute_fetchall(
        "SELECT e.id, e.transcript_id, e.data FROM entries e"
        " JOIN transcripts t ON t.id = e.transcript_id"
        " WHERE t.subpath = '' AND e.type IN ('user', 'assistant')"
    )
    backfill = []
    for entry_id, transcript_id, data in rows:
        text = searchable_text(json.loads(data))
        if text:
            backfill.append((entry_id, text, transcript_id))
    await conn.executemany(
        "INSERT INTO message_fts (rowid, text, transcript_id) VALUES (?, ?, ?)", backfill
    )
