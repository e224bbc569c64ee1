"""Schema version 3: a narrow map from full-text rows to their transcripts.

The session filter needs only which transcripts hold a match. Reading
``transcript_id`` from ``message_fts`` loads each hit's row of the FTS content
table, which also holds the whole message text, so a word found in thousands
of messages read most of that table from disk when the page cache was cold.
``message_transcripts`` holds just ``(rowid, transcript_id)`` of every
``message_fts`` row (a few bytes each): the filter matches rowids in the FTS
index and maps them here. Rows are written with their ``message_fts`` row and
deleted with their entry. Databases at version 2 are back-filled from
``message_fts``.
"""

from __future__ import annotations

import aiosqlite

VERSION = 3

SCHEMA = [
    """
    CREATE TABLE message_transcripts (
        entry_id      INTEGER PRIMARY KEY,  -- message_fts.rowid = entries.id
        transcript_id INTEGER NOT NULL
    )
    """,
    """
    CREATE TRIGGER entries_message_transcripts_delete AFTER DELETE ON entries BEGIN
        DELETE FROM message_transcripts WHERE entry_id = old.id;
    END
    """,
    """
    INSERT INTO message_transcripts (entry_id, transcript_id)
    SELECT rowid, transcript_id FROM message_fts ORDER BY rowid
    """,
]


async def upgrade(conn: aiosqlite.Connection) -> None:
    for statement in SCHEMA:
        await conn.execute(statement)
