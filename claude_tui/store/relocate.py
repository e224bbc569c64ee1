"""Re-home a project's sessions: a moved or renamed folder gets its sessions back.

Claude Code keys a session by its absolute cwd (the project key, see
``engine.options.project_key_for``), so a moved folder orphans every session
started in it. Here the store's copy changes key and cwd, in one transaction:
every table that names a session by ``(project_key, session_id)`` (found in the
schema, so tables added later move too), the session row's ``cwd`` and the
summary sidecar's ``cwd``. Nothing local is touched: when a moved session is
resumed the engine writes its transcript under the new key from the store
(``restore.py``), and the old local file stays where it was. Moving again
(to the right folder) works the same way, so a wrong move loses nothing.

The new key is computed by the caller: the rule lives in the engine and the
store must not import it.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .sqlite import SqliteSessionStore
    from .writer import Writer


@dataclass
class MoveReport:
    """What a move did: the sessions moved, and those left because the new
    key already holds a session of that id (a copy imported there)."""

    old_key: str
    new_key: str
    new_cwd: str
    moved: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def keyed_tables(conn: sqlite3.Connection) -> list[str]:
    """The ordinary tables with ``project_key`` and ``session_id`` columns."""
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
            " AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    found = []
    for name in names:
        columns = {row[1] for row in conn.execute(f'PRAGMA table_info("{name}")')}
        if {"project_key", "session_id"} <= columns:
            found.append(name)
    return found


def _set_summary_cwd(conn: sqlite3.Connection, key: str, session_id: str, cwd: str) -> None:
    row = conn.execute(
        "SELECT data FROM summaries WHERE project_key=? AND session_id=?", (key, session_id)
    ).fetchone()
    if row is None:
        return
    try:
        data = json.loads(row[0])
    except ValueError:
        return
    if isinstance(data, dict) and "cwd" in data:
        data["cwd"] = cwd
        conn.execute(
            "UPDATE summaries SET data=? WHERE project_key=? AND session_id=?",
            (json.dumps(data, ensure_ascii=False), key, session_id),
        )


def move_in(conn: sqlite3.Connection, old_key: str, new_key: str, new_cwd: str) -> MoveReport:
    """The move on ``conn`` inside the caller's transaction (see the module docstring)."""
    report = MoveReport(old_key, new_key, new_cwd)
    tables = keyed_tables(conn)
    ids: set[str] = set()
    for table in ("sessions", "transcripts"):
        ids.update(r[0] for r in conn.execute(f"SELECT session_id FROM {table} WHERE project_key=?", (old_key,)))
    conn.execute("PRAGMA defer_foreign_keys = ON")  # children and parents change key one after another
    for session_id in sorted(ids):
        if new_key != old_key and any(
            conn.execute(f"SELECT 1 FROM {t} WHERE project_key=? AND session_id=?", (new_key, session_id)).fetchone()
            for t in ("sessions", "transcripts")
        ):
            report.skipped.append(session_id)
            continue
        if new_key != old_key:
            for table in tables:
                conn.execute(
                    f'UPDATE "{table}" SET project_key=? WHERE project_key=? AND session_id=?',
                    (new_key, old_key, session_id),
                )
        conn.execute(
            "UPDATE sessions SET cwd=? WHERE project_key=? AND session_id=?", (new_cwd, new_key, session_id)
        )
        _set_summary_cwd(conn, new_key, session_id, new_cwd)
        report.moved.append(session_id)
    return report


async def keys_of(store: SqliteSessionStore, cwds: set[str], keys: set[str]) -> list[str]:
    """The project keys stored for sessions whose cwd is one of ``cwds`` or whose key is one of ``keys``."""
    rows = await store._rows(  # noqa: SLF001 - the store's own package
        f"SELECT DISTINCT project_key FROM sessions WHERE cwd IN ({','.join('?' * len(cwds))})"
        f" OR project_key IN ({','.join('?' * len(keys))})",
        (*cwds, *keys),
    )
    return sorted(r[0] for r in rows)


async def move_project(store: SqliteSessionStore, old_key: str, new_key: str, new_cwd: str) -> MoveReport:
    """Move every session stored under ``old_key`` to ``new_key`` / ``new_cwd`` (one transaction)."""

    def work(writer: Writer) -> MoveReport:
        return move_in(writer.conn, old_key, new_key, new_cwd)

    return await store.write_unit(work)
