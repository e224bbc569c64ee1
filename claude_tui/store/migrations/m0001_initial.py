"""Schema version 1: the SDK's SessionStore tables plus the app's own session data."""

from __future__ import annotations

import aiosqlite

VERSION = 1

SCHEMA = """
CREATE TABLE transcripts (
    id          INTEGER PRIMARY KEY,
    project_key TEXT NOT NULL,
    session_id  TEXT NOT NULL,
    subpath     TEXT NOT NULL DEFAULT '',   -- '' is the main transcript
    mtime       INTEGER NOT NULL,           -- storage write time, epoch ms
    UNIQUE (project_key, session_id, subpath)
);
CREATE INDEX transcripts_session ON transcripts (session_id);

CREATE TABLE entries (
    id            INTEGER PRIMARY KEY,      -- global append order
    transcript_id INTEGER NOT NULL REFERENCES transcripts (id) ON DELETE CASCADE,
    uuid          TEXT,                     -- idempotency key when present
    type          TEXT NOT NULL,
    data          TEXT NOT NULL             -- the JSON line, passed through
);
CREATE UNIQUE INDEX entries_uuid ON entries (transcript_id, uuid) WHERE uuid IS NOT NULL;
CREATE INDEX entries_transcript ON entries (transcript_id, id);

CREATE TABLE summaries (                    -- fold_session_summary sidecar, verbatim
    project_key TEXT NOT NULL,
    session_id  TEXT NOT NULL,
    mtime       INTEGER NOT NULL,
    data        TEXT NOT NULL,
    PRIMARY KEY (project_key, session_id)
);

CREATE TABLE sessions (                     -- what the sidebar and `ls` need
    project_key       TEXT NOT NULL,
    session_id        TEXT NOT NULL,
    cwd               TEXT,
    title             TEXT NOT NULL DEFAULT '',  -- derived from the transcript
    custom_title      TEXT,                      -- renamed in claude-tui
    last_prompt       TEXT,
    model             TEXT,
    git_branch        TEXT,
    created_at        TEXT,                      -- ISO 8601 UTC, from entry timestamps
    updated_at        TEXT,
    message_count     INTEGER NOT NULL DEFAULT 0,
    last_assistant_id TEXT,                      -- to count multi-line replies once
    pinned            INTEGER NOT NULL DEFAULT 0,
    archived          INTEGER NOT NULL DEFAULT 0,
    tag               TEXT,
    last_error        TEXT,
    PRIMARY KEY (project_key, session_id)
);
CREATE INDEX sessions_updated ON sessions (updated_at);
CREATE INDEX sessions_id ON sessions (session_id);

CREATE TABLE context_files (
    project_key TEXT NOT NULL,
    session_id  TEXT NOT NULL,
    path        TEXT NOT NULL,
    added_at    TEXT NOT NULL,
    PRIMARY KEY (project_key, session_id, path),
    FOREIGN KEY (project_key, session_id) REFERENCES sessions ON DELETE CASCADE
);

CREATE TABLE session_overrides (
    project_key   TEXT NOT NULL,
    session_id    TEXT NOT NULL,
    model         TEXT,
    system_prompt TEXT,
    timeouts      TEXT,                     -- JSON object: name -> seconds
    PRIMARY KEY (project_key, session_id),
    FOREIGN KEY (project_key, session_id) REFERENCES sessions ON DELETE CASCADE
);

CREATE TABLE import_files (                 -- the importer's byte offsets
    path      TEXT PRIMARY KEY,
    size      INTEGER NOT NULL,
    mtime_ns  INTEGER NOT NULL,
    inode     INTEGER NOT NULL,
    offset    INTEGER NOT NULL,
    head_hash TEXT NOT NULL,
    bad_lines INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE tombstones (                   -- deleted in claude-tui: never re-import
    session_id TEXT PRIMARY KEY,
    deleted_at TEXT NOT NULL
);
"""


async def upgrade(conn: aiosqlite.Connection) -> None:
    for statement in SCHEMA.split(";"):
        if statement.strip():
            await conn.execute(statement)
