"""Schema version 8: the session list read in its own order, and titles in full text.

At 100,000 sessions two reads grew with the archive:

- ``ls --json`` and the sidebar sorted every row for ``ORDER BY pinned DESC,
  updated_at DESC, session_id`` (0.7 s with the JSON). ``sessions_order`` is
  an index in exactly that order: SQLite walks it and sorts nothing, and a
  ``LIMIT`` (the sidebar's first page, the filter's first matches) stops early.
  It also holds the titles, so a filter that walks it reads no table rows.
- The sidebar filter matched every title with ``LIKE`` (a scan of all rows).
  ``title_fts`` is a full-text index of each session's display title, kept by
  triggers on ``sessions``, so a filter word finds its sessions' rowids
  instead; ``LIKE`` then checks only those (the literal rule stays the same).

(m0006 and m0007 are other branches' numbers; ``IF NOT EXISTS`` lets this one
run after either.)
"""

from __future__ import annotations

import aiosqlite

VERSION = 8

_TITLE = "coalesce(nullif(trim({p}custom_title), ''), nullif({p}title, ''), '(untitled session)')"

SCHEMA = [
    # In list order, with what the filter's walk reads of each row (its title
    # and the keys of its transcript): the walk never leaves the index for a
    # row it does not list.
    "CREATE INDEX IF NOT EXISTS sessions_order ON sessions (pinned DESC, updated_at DESC,"
    " session_id, project_key, message_count, archived, custom_title, title)",
    # Trigrams: a phrase of a word's trigrams finds every title holding the
    # word anywhere (as ``LIKE '%word%'`` does), case folded. Contentless: a
    # 'delete' row gives the old text, which the triggers have (OLD.*).
    # The few sessions with a note (schema 6), for the filter's candidates.
    "CREATE INDEX IF NOT EXISTS sessions_noted ON sessions (note) WHERE note IS NOT NULL AND note <> ''",
    "CREATE VIRTUAL TABLE IF NOT EXISTS title_fts USING fts5(title, content='', tokenize='trigram')",
    f"""
    CREATE TRIGGER IF NOT EXISTS sessions_title_insert AFTER INSERT ON sessions BEGIN
        INSERT INTO title_fts (rowid, title) VALUES (NEW.rowid, {_TITLE.format(p='NEW.')});
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS sessions_title_delete AFTER DELETE ON sessions BEGIN
        INSERT INTO title_fts (title_fts, rowid, title) VALUES ('delete', OLD.rowid, {_TITLE.format(p='OLD.')});
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS sessions_title_update AFTER UPDATE OF title, custom_title ON sessions
    WHEN {_TITLE.format(p='OLD.')} IS NOT {_TITLE.format(p='NEW.')} BEGIN
        INSERT INTO title_fts (title_fts, rowid, title) VALUES ('delete', OLD.rowid, {_TITLE.format(p='OLD.')});
        INSERT INTO title_fts (rowid, title) VALUES (NEW.rowid, {_TITLE.format(p='NEW.')});
    END
    """,
    "DELETE FROM title_fts",  # ('delete-all' on a contentless table; a re-run starts clean)
    f"INSERT INTO title_fts (rowid, title) SELECT rowid, {_TITLE.format(p='')} FROM sessions",
]


async def upgrade(conn: aiosqlite.Connection) -> None:
    for statement in SCHEMA:
        await conn.execute(statement)
