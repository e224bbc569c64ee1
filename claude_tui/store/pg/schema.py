"""The PostgreSQL store's schema and its own versioning.

Everything lives in one PostgreSQL schema, ``claude_tui``, so the store can
share a database with other programs. ``claude_tui.schema_version`` holds
the version; ``MIGRATIONS`` is the ordered list of upgrades, each applied in
its own transaction under an advisory lock, so two machines opening a new
database at once never apply one twice. A database whose version is newer
than ``MIGRATIONS`` knows is refused (``NewerPgSchema``), never touched.

Version 1 holds what SQLite's schema 5 holds (see ``store/migrations``),
version 2 what its schema 6 adds (a fork's parent, the session note),
with PostgreSQL's own full-text search: ``message_fts`` keeps a ``tsvector``
per indexed message and its transcript's id (computed by a trigger from the
text the writer inserts, which is then dropped: the index keeps no second
copy of the text; so SQLite's narrow ``message_transcripts`` map is not
needed), searched
through a GIN index with the ``simple`` configuration (no stemming: words
match literally, as in the SQLite store).
"""

from __future__ import annotations

from typing import Any

SCHEMA_NAME = "claude_tui"
MIGRATE_LOCK = 0x43545550  # "CTUP"
FTS_CONFIG = "simple"
FTS_MAX_CHARS = 100_000
"""Longer messages are indexed for their head only (a tsvector holds at most 1 MB)."""

V1 = [
    """
    CREATE TABLE transcripts (
        id          bigint PRIMARY KEY,
        project_key text NOT NULL,
        session_id  text NOT NULL,
        subpath     text NOT NULL DEFAULT '',
        mtime       bigint NOT NULL,
        UNIQUE (project_key, session_id, subpath)
    )
    """,
    "CREATE INDEX transcripts_session ON transcripts (session_id)",
    """
    CREATE TABLE entries (
        id            bigint PRIMARY KEY,
        transcript_id bigint NOT NULL REFERENCES transcripts (id) ON DELETE CASCADE DEFERRABLE,
        uuid          text,
        data          bytea NOT NULL
    )
    """,
    "CREATE UNIQUE INDEX entries_key ON entries (transcript_id, uuid)",
    "CREATE INDEX entries_transcript ON entries (transcript_id, id)",
    """
    CREATE TABLE summaries (
        project_key text NOT NULL,
        session_id  text NOT NULL,
        mtime       bigint NOT NULL,
        data        text NOT NULL,
        PRIMARY KEY (project_key, session_id)
    )
    """,
    """
    CREATE TABLE sessions (
        project_key       text NOT NULL,
        session_id        text COLLATE "C" NOT NULL,
        cwd               text,
        title             text NOT NULL DEFAULT '',
        custom_title      text,
        last_prompt       text,
        model             text,
        git_branch        text,
        created_at        text COLLATE "C",
        updated_at        text COLLATE "C",
        message_count     integer NOT NULL DEFAULT 0,
        last_assistant_id text,
        pinned            integer NOT NULL DEFAULT 0,
        archived          integer NOT NULL DEFAULT 0,
        tag               text,
        last_error        text,
        PRIMARY KEY (project_key, session_id)
    )
    """,
    "CREATE INDEX sessions_order ON sessions (pinned DESC, updated_at DESC NULLS LAST, session_id)",
    "CREATE INDEX sessions_id ON sessions (session_id)",
    """
    CREATE TABLE context_files (
        project_key text NOT NULL,
        session_id  text NOT NULL,
        path        text NOT NULL,
        added_at    text NOT NULL,
        PRIMARY KEY (project_key, session_id, path),
        FOREIGN KEY (project_key, session_id) REFERENCES sessions ON DELETE CASCADE DEFERRABLE
    )
    """,
    """
    CREATE TABLE session_overrides (
        project_key   text NOT NULL,
        session_id    text NOT NULL,
        model         text,
        system_prompt text,
        timeouts      text,
        PRIMARY KEY (project_key, session_id),
        FOREIGN KEY (project_key, session_id) REFERENCES sessions ON DELETE CASCADE DEFERRABLE
    )
    """,
    """
    CREATE TABLE import_files (
        path      text PRIMARY KEY,
        size      bigint NOT NULL,
        mtime_ns  bigint NOT NULL,
        inode     numeric NOT NULL,
        "offset"  bigint NOT NULL,
        head_hash text NOT NULL,
        bad_lines integer NOT NULL DEFAULT 0
    )
    """,
    "CREATE TABLE tombstones (session_id text PRIMARY KEY, deleted_at text NOT NULL)",
    "CREATE TABLE store_meta (name text PRIMARY KEY, value bigint)",
    "CREATE TABLE codec_dicts (id integer PRIMARY KEY, data bytea NOT NULL)",
    """
    CREATE TABLE message_fts (
        rowid         bigint PRIMARY KEY REFERENCES entries (id) ON DELETE CASCADE DEFERRABLE,
        transcript_id bigint,
        text          text,
        tsv           tsvector NOT NULL
    )
    """,
    "CREATE INDEX message_fts_tsv ON message_fts USING gin (tsv)",
    f"""
    CREATE FUNCTION message_fts_index() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.tsv := to_tsvector('{FTS_CONFIG}', left(coalesce(NEW.text, ''), {FTS_MAX_CHARS}));
        NEW.text := NULL;
        NEW.transcript_id := (SELECT transcript_id FROM entries WHERE id = NEW.rowid);
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER message_fts_index BEFORE INSERT ON message_fts
    FOR EACH ROW EXECUTE FUNCTION message_fts_index()
    """,
    """
    CREATE TABLE context_sent (
        project_key text NOT NULL,
        session_id  text NOT NULL,
        path        text NOT NULL,
        digest      text NOT NULL,
        sent_at     text NOT NULL,
        PRIMARY KEY (project_key, session_id, path)
    )
    """,
]

V2 = [  # SQLite's schema 6: where a fork came from, and the user's note per session
    "ALTER TABLE sessions ADD COLUMN IF NOT EXISTS parent_session_id text",
    "ALTER TABLE sessions ADD COLUMN IF NOT EXISTS fork_message integer",
    "ALTER TABLE sessions ADD COLUMN IF NOT EXISTS note text",
]

MIGRATIONS: list[tuple[int, list[str]]] = [(1, V1), (2, V2)]


def latest_version() -> int:
    return MIGRATIONS[-1][0]


class NewerPgSchema(Exception):
    """The database was written by a newer claude-tui."""

    def __init__(self, version: int) -> None:
        super().__init__(version)
        self.version = version


async def upgrade(conn: Any) -> int:
    """Create or upgrade the schema on ``conn`` (a psycopg AsyncConnection in
    autocommit); return the version. Raises ``NewerPgSchema``."""
    if not await _schema_exists(conn):
        # Under the migrations' lock: two processes opening a new database at
        # once both ran CREATE SCHEMA IF NOT EXISTS, and one failed on the
        # catalog's unique index (IF NOT EXISTS does not guard a race).
        async with conn.transaction():
            await conn.execute(f"SELECT pg_advisory_xact_lock({MIGRATE_LOCK})")
            await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA_NAME}")
    await conn.execute(f"SET search_path TO {SCHEMA_NAME}")
    for version, statements in MIGRATIONS:
        async with conn.transaction():
            await conn.execute(f"SELECT pg_advisory_xact_lock({MIGRATE_LOCK})")
            await conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)")
            current = await _version(conn)
            if current > latest_version():
                raise NewerPgSchema(current)
            if current < version:
                for statement in statements:
                    await conn.execute(statement)
                await conn.execute("DELETE FROM schema_version")
                await conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (version,))
    return await _version(conn)


async def peek_version(conn: Any) -> int | None:
    """The stored version, or None for a database without the store yet."""
    if not await _schema_exists(conn):
        return None
    cur = await conn.execute(
        "SELECT to_regclass(%s) IS NOT NULL", (f"{SCHEMA_NAME}.schema_version",)
    )
    row = await cur.fetchone()
    if not row or not row[0]:
        return None
    cur = await conn.execute(f"SELECT max(version) FROM {SCHEMA_NAME}.schema_version")
    row = await cur.fetchone()
    return int(row[0]) if row and row[0] is not None else 0


async def _schema_exists(conn: Any) -> bool:
    cur = await conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (SCHEMA_NAME,))
    return await cur.fetchone() is not None


async def _version(conn: Any) -> int:
    cur = await conn.execute("SELECT max(version) FROM schema_version")
    row = await cur.fetchone()
    return int(row[0]) if row and row[0] is not None else 0
