"""The SQLite statements the PostgreSQL store runs through ``pg/sql.py``: the
SQLite-only ones each have their PostgreSQL meaning (a changed statement in
the writer would otherwise fail only on PostgreSQL)."""

from __future__ import annotations

import re
from pathlib import Path

from claude_tui.store import writer
from claude_tui.store.pg.sql import EXACT, SKIP, adapt, translate

STORE = Path(writer.__file__).parent
SQLITE_ONLY = re.compile(r"INSERT OR REPLACE|PRAGMA (?!table_info)|BEGIN IMMEDIATE|max\(value|\boffset\b|'delete'")


def test_every_sqlite_only_statement_of_the_shared_code_is_translated() -> None:
    assert writer.IMPORT_STATE_UPSERT in EXACT
    for name in ("writer.py", "app_data.py", "importer.py", "relocate.py", "context_marks.py"):
        source = (STORE / name).read_text()
        for literal in re.findall(r'"((?:[^"\\]|\\.)*)"', source):
            if SQLITE_ONLY.search(literal) and literal.upper().startswith(("INSERT", "SELECT", "PRAGMA", "BEGIN")):
                joined = [k for k in EXACT if literal in k]
                assert joined, f"{name}: {literal!r} has no PostgreSQL translation in store/pg/sql.py EXACT"


def test_placeholders_and_values() -> None:
    assert translate("SELECT a FROM t WHERE b=? AND c LIKE '%x'") == "SELECT a FROM t WHERE b=%s AND c LIKE '%%x'"
    assert translate("INSERT OR IGNORE INTO t (a) VALUES (?)") == "INSERT INTO t (a) VALUES (%s) ON CONFLICT DO NOTHING"
    assert translate("INSERT INTO message_fts (message_fts, rowid, text) VALUES ('delete', ?, ?)") == SKIP
    assert adapt("UPDATE s SET pinned=?, title=?", (True, "a\x00b")) == (1, "a\ufffdb")
    packed = bytes.fromhex("11111111222233334444555555555555")
    assert adapt(writer_entry_insert(), (1, 2, packed, b"x"))[2] == "11111111-2222-3333-4444-555555555555"


def writer_entry_insert() -> str:
    return "INSERT INTO entries (id, transcript_id, uuid, data) VALUES (?, ?, ?, ?)"
