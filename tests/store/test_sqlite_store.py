"""The store: the SDK's SessionStore contract and the app's own data, on
SQLite and PostgreSQL (``store`` is ``any_store``: each test runs on both),
and the SQLite file's own rules."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from claude_agent_sdk.testing import run_session_store_conformance

from claude_tui.store import SqliteSessionStore, StoreError
from claude_tui.store import migrations
from claude_tui.store.metadata import DISPLAY_TITLE_SQL


async def fts_rows(store: SqliteSessionStore) -> list[tuple]:
    """Every row the (contentless) full-text index holds words of, with its entry's transcript."""
    await store._conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_terms USING fts5vocab(main, 'message_fts', 'instance')"
    )
    return await store._rows(
        "SELECT DISTINCT v.doc, e.transcript_id FROM temp.fts_terms v LEFT JOIN entries e ON e.id = v.doc ORDER BY v.doc"
    )


KEY = {"project_key": "-tmp-proj", "session_id": "11111111-2222-3333-4444-555555555555"}


def user(uuid: str, text: str, ts: str = "2026-01-02T03:04:05.000Z", **extra: object) -> dict:
    return {
        "type": "user", "uuid": uuid, "timestamp": ts, "cwd": "/tmp/proj",
        "sessionId": KEY["session_id"], "message": {"role": "user", "content": text}, **extra,
    }


def assistant(uuid: str, text: str, mid: str, ts: str = "2026-01-02T03:04:06.000Z") -> dict:
    return {
        "type": "assistant", "uuid": uuid, "timestamp": ts, "cwd": "/tmp/proj",
        "message": {"id": mid, "role": "assistant", "model": "claude-test",
                    "content": [{"type": "text", "text": text}]},
    }


@pytest.fixture
async def store(any_store):
    yield any_store


async def test_conformance_with_every_optional_method(store_location) -> None:
    from claude_tui.store.select import open_store

    opened: list[SqliteSessionStore] = []

    async def make() -> SqliteSessionStore:
        s = await open_store(store_location())
        opened.append(s)
        return s

    try:
        await run_session_store_conformance(make, skip_optional=frozenset())
    finally:
        for s in opened:
            await s.close()
    probe = opened[0]
    for name in ("list_sessions", "list_session_summaries", "delete", "list_subkeys"):
        assert getattr(type(probe), name) is not None


async def test_append_is_idempotent_by_uuid_and_keeps_uuidless(store: SqliteSessionStore) -> None:
    batch = [user("u1", "hello"), {"type": "custom-title", "customTitle": "T"}]
    await store.append(KEY, batch)
    await store.append(KEY, [user("u1", "hello"), {"type": "custom-title", "customTitle": "T"}])
    loaded = await store.load(KEY)
    assert [e.get("uuid") for e in loaded] == ["u1", None, None]
    row = await store.session(KEY["project_key"], KEY["session_id"])
    assert row.message_count == 1


async def test_metadata_follows_appends(store: SqliteSessionStore) -> None:
    await store.append(KEY, [user("u1", "first prompt", "2026-01-02T03:04:05Z")])
    await store.append(KEY, [assistant("a1", "part one", "m1"), assistant("a2", "part two", "m1")])
    await store.append(KEY, [user("u2", "second", "2026-01-02T04:00:00.000Z")])
    row = await store.session(KEY["project_key"], KEY["session_id"])
    assert row.title == "first prompt"  # does not follow the last prompt
    assert row.last_prompt in (None, "second") or isinstance(row.last_prompt, str)
    assert row.message_count == 3  # two prompts, one reply of two lines
    assert row.model == "claude-test"
    assert row.created_at == "2026-01-02T03:04:05.000Z"
    assert row.updated_at == "2026-01-02T04:00:00.000Z"
    assert row.cwd == "/tmp/proj"


async def test_title_rule(store: SqliteSessionStore) -> None:
    await store.append(KEY, [
        user("m", "<command-name>/clear</command-name>"),
        user("t", "tool", message={"role": "user", "content": [{"type": "tool_result", "tool_use_id": "x", "content": "r"}]}),
        user("u1", "the real first prompt"),
    ])
    row = await store.session(KEY["project_key"], KEY["session_id"])
    assert row.title == "the real first prompt"
    await store.append(KEY, [{"type": "summary", "summary": "Compacted work", "leafUuid": "u1"}])
    assert (await store.session(KEY["project_key"], KEY["session_id"])).title == "Compacted work"
    await store.append(KEY, [{"type": "ai-title", "aiTitle": "AI says", "sessionId": KEY["session_id"]}])
    assert (await store.session(KEY["project_key"], KEY["session_id"])).title == "AI says"
    await store.append(KEY, [{"type": "custom-title", "customTitle": "Named in Claude Code"}])
    assert (await store.session(KEY["project_key"], KEY["session_id"])).title == "Named in Claude Code"
    await store.update_session(KEY["project_key"], KEY["session_id"], custom_title="Mine")
    row = await store.session(KEY["project_key"], KEY["session_id"])
    assert row.display_title == "Mine"


async def test_long_first_prompt_is_cut(store: SqliteSessionStore) -> None:
    await store.append(KEY, [user("u1", "word " * 100)])
    row = await store.session(KEY["project_key"], KEY["session_id"])
    assert len(row.display_title) <= 80 and row.display_title.endswith("\u2026")


async def test_delete_cascades_to_subkeys_and_app_data(store: SqliteSessionStore) -> None:
    await store.append(KEY, [user("u1", "hello needle")])
    await store.append({**KEY, "subpath": "subagents/agent-1"}, [user("s1", "sub")])
    await store.set_context_file(KEY["project_key"], KEY["session_id"], "/tmp/a.txt")
    await store.set_overrides(KEY["project_key"], KEY["session_id"], model="m")
    await store.delete(KEY)
    assert await store.load(KEY) is None
    assert await store.list_subkeys(KEY) == []
    assert await store.context_files(KEY["project_key"], KEY["session_id"]) == []
    assert await store.overrides(KEY["project_key"], KEY["session_id"]) == {}
    assert await store.search_messages("needle") == []
    assert await store.session(KEY["project_key"], KEY["session_id"]) is None


async def test_full_text_search_is_literal_and_skips_tool_noise(store: SqliteSessionStore) -> None:
    await store.append(KEY, [
        user("u1", 'find the "quoted" AND NEAR word xylophone'),
        user("t1", "", message={"role": "user", "content": [{"type": "tool_result", "tool_use_id": "x", "content": "toolnoise"}]}),
        assistant("a1", "a reply about marimbas", "m1"),
    ])
    assert [h.uuid for h in await store.search_messages("xylophone")] == ["u1"]
    assert [h.uuid for h in await store.search_messages("AND NEAR")] == ["u1"]
    assert [h.uuid for h in await store.search_messages('"quoted')] == ["u1"]
    assert [h.uuid for h in await store.search_messages("marim", prefix=True)] == ["a1"]
    assert await store.search_messages("marim") == []
    assert await store.search_messages("toolnoise") == []
    rows = await store.sessions(search="marimbas")
    assert [r.session_id for r in rows] == [KEY["session_id"]]
    assert await store.sessions(search="zzz OR marimbas") == []


async def test_sessions_search_matches_titles(store: SqliteSessionStore) -> None:
    await store.append(KEY, [user("u1", "plain text")])
    await store.update_session(KEY["project_key"], KEY["session_id"], custom_title="Renamed 100%_done")
    assert len(await store.sessions(search="renamed")) == 1
    assert len(await store.sessions(search="100%_done")) == 1
    assert await store.sessions(search="100%x") == []


async def test_sdk_helpers_read_our_store(store: SqliteSessionStore, tmp_path: Path) -> None:
    from claude_agent_sdk import (
        get_session_messages_from_store,
        list_sessions_from_store,
        project_key_for_directory,
    )

    cwd = str(tmp_path)
    key = {"project_key": project_key_for_directory(cwd), "session_id": KEY["session_id"]}
    first = {**user("u1", "hello sdk"), "cwd": cwd, "parentUuid": None}
    reply = {**assistant("a1", "hi", "m1"), "cwd": cwd, "parentUuid": "u1", "sessionId": KEY["session_id"]}
    await store.append(key, [first, reply])
    infos = await list_sessions_from_store(store, directory=cwd)
    assert [i.session_id for i in infos] == [KEY["session_id"]]
    messages = await get_session_messages_from_store(store, KEY["session_id"], directory=cwd)
    assert [m.uuid for m in messages] == ["u1", "a1"]
    await store.append(KEY, [user("u1", "hello sdk")])
    summaries = await store.list_session_summaries(KEY["project_key"])
    assert [s["session_id"] for s in summaries] == [KEY["session_id"]]


async def test_database_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "p.db"
    async with await SqliteSessionStore.open(path):
        pass
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_corrupt_database_is_named_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "bad.db"
    garbage = b"this is not sqlite at all\x00" * 100
    path.write_bytes(garbage)
    with pytest.raises(StoreError, match="bad.db"):
        await SqliteSessionStore.open(path)
    assert path.read_bytes() == garbage


async def test_other_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (x)")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="another program"):
        await SqliteSessionStore.open(path)
    assert path.read_bytes() == before


async def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    async with await SqliteSessionStore.open(path):
        pass
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {migrations.latest_version() + 1}")
    with pytest.raises(StoreError, match="newer claude-tui"):
        await SqliteSessionStore.open(path)


async def test_upgrade_from_first_schema_version_backfills_search(tmp_path: Path) -> None:
    import aiosqlite

    path = tmp_path / "v1.db"
    conn = await aiosqlite.connect(path, isolation_level=None)
    await migrations.upgrade(conn, target=1)
    await conn.execute("PRAGMA application_id = 1129600329")
    await conn.execute("INSERT INTO transcripts (project_key, session_id, subpath, mtime) VALUES ('p', 's', '', 1)")
    import json
    await conn.execute(
        "INSERT INTO entries (transcript_id, uuid, type, data) VALUES (1, 'u1', 'user', ?)",
        (json.dumps(user("u1", "ancient walrus")),),
    )
    await conn.close()
    async with await SqliteSessionStore.open(path) as s:
        assert await migrations.current_version(s._conn) == migrations.latest_version()
        hits = await s.search_messages("walrus")
        assert [h.uuid for h in hits] == ["u1"]


async def test_upgrade_from_second_schema_version_backfills_the_transcript_map(tmp_path: Path) -> None:
    import json

    import aiosqlite

    path = tmp_path / "v2.db"
    conn = await aiosqlite.connect(path, isolation_level=None)
    await migrations.upgrade(conn, target=1)
    await conn.execute("PRAGMA application_id = 1129600329")
    await conn.executemany(
        "INSERT INTO transcripts (id, project_key, session_id, subpath, mtime) VALUES (?, 'p', ?, ?, 1)",
        [(1, "s1", ""), (2, "s2", ""), (3, "s1", "subagents/agent-1")],
    )
    tool = {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "x", "content": "walrus"}]}
    entries = [
        (1, 1, user("u1", "first prompt")), (2, 1, assistant("a1", "a walrus reply", "m1")),
        (3, 3, user("x1", "subagent walrus")), (4, 2, user("u2", "second prompt")),
        (5, 2, user("t1", "", message=tool)), (6, 2, assistant("a2", "walrus again", "m2")),
    ]
    await conn.executemany(
        "INSERT INTO entries (id, transcript_id, uuid, type, data) VALUES (?, ?, ?, ?, ?)",
        [(i, t, e["uuid"], e["type"], json.dumps(e)) for i, t, e in entries],
    )
    await conn.executemany(
        "INSERT INTO sessions (project_key, session_id, title, updated_at, message_count)"
        " VALUES ('p', ?, ?, ?, 2)",
        [("s1", "first prompt", "2026-01-01T00:00:00.000Z"), ("s2", "second prompt", "2026-01-02T00:00:00.000Z")],
    )
    await migrations.upgrade(conn, target=2)  # version 2 back-fills message_fts from entries
    assert await migrations.current_version(conn) == 2
    await conn.close()

    async with await SqliteSessionStore.open(path) as s:
        assert await migrations.current_version(s._conn) == migrations.latest_version() >= 3
        mapped = await s._rows("SELECT entry_id, transcript_id FROM message_transcripts ORDER BY entry_id")
        assert mapped == [(1, 1), (2, 1), (4, 2), (6, 2)]
        assert mapped == await fts_rows(s)
        assert [r.session_id for r in await s.sessions(search="walrus")] == ["s2", "s1"]
        assert [r.session_id for r in await s.sessions(search="second")] == ["s2"]
        assert [h.uuid for h in await s.search_messages("walrus")] == ["a2", "a1"]
        assert await s._scalar("SELECT count(*) FROM entries") == 6
        assert [e["uuid"] for e in await s.load({"project_key": "p", "session_id": "s1"}) or []] == ["u1", "a1"]
        await s.delete_session("p", "s1")
        assert await s._rows("SELECT entry_id, transcript_id FROM message_transcripts") == [(4, 2), (6, 2)]
        assert [r.session_id for r in await s.sessions(search="walrus")] == ["s2"]


async def test_transcript_map_follows_the_full_text_index(sqlite_store: SqliteSessionStore) -> None:
    store = sqlite_store
    other = {**KEY, "session_id": "99999999-2222-3333-4444-555555555555"}
    tool = {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "x", "content": "noise"}]}
    await store.append(KEY, [user("u1", "one"), user("t1", "", message=tool), assistant("a1", "two", "m1")])
    await store.append({**KEY, "subpath": "subagents/agent-1"}, [user("s1", "sub text")])
    await store.append(other, [user("o1", "three")])

    async def pairs() -> tuple[list[tuple], list[tuple]]:
        fts = await fts_rows(store)
        mapped = await store._rows(
            "SELECT entry_id, transcript_id FROM message_transcripts ORDER BY entry_id"
        )
        return fts, mapped

    fts, mapped = await pairs()
    assert mapped == fts and len(mapped) == 3
    await store.delete(KEY)
    fts, mapped = await pairs()
    assert mapped == fts and len(mapped) == 1
    await store.delete_session(other["project_key"], other["session_id"])
    assert await pairs() == ([], [])


async def test_session_filter_reads_fts_rowids_and_the_narrow_map(sqlite_store: SqliteSessionStore) -> None:
    store = sqlite_store
    # The word is in a later message, not the title: the full-text part decides.
    await store.append(KEY, [user("u1", "plain start"), assistant("a1", "a reply about oboes", "m1")])
    statements: list[str] = []
    reads: set[tuple[str, str]] = set()

    def authorize(action: int, table: str | None, column: str | None, *_: object) -> int:
        if action == sqlite3.SQLITE_READ and table is not None:
            reads.add((table, column or ""))
        return sqlite3.SQLITE_OK

    await store._conn.set_trace_callback(statements.append)
    await store._conn.set_authorizer(authorize)
    try:
        rows = await store.sessions(search="oboes")
    finally:
        await store._conn.set_authorizer(None)
        await store._conn.set_trace_callback(None)
    assert [r.session_id for r in rows] == [KEY["session_id"]]
    # Only the MATCH and rowids of message_fts: never its transcript_id column,
    # which would load each hit's content row (the whole message text).
    assert {c for t, c in reads if t == "message_fts"} <= {"message_fts", "ROWID"}
    assert ("message_transcripts", "transcript_id") in reads
    assert not any(t == "message_fts_content" for t, _ in reads)
    [query] = [q for q in statements if "message_fts MATCH " in q]  # (title_fts has its own)
    plan = [r[3] for r in await store._rows("EXPLAIN QUERY PLAN " + query)]
    fts_scan = next(i for i, line in enumerate(plan) if "VIRTUAL TABLE INDEX 0:M" in line)
    assert plan[fts_scan + 1] == "SEARCH m USING INTEGER PRIMARY KEY (rowid=?)", plan


OLD_FILTER = (  # the filter before schema 3, as the reference for results and order
    "SELECT s.session_id FROM sessions s WHERE s.message_count > 0 AND"
    f" (({DISPLAY_TITLE_SQL} LIKE ? ESCAPE '\\')"
    " OR (SELECT t.id FROM transcripts t WHERE t.project_key = s.project_key"
    " AND t.session_id = s.session_id AND t.subpath = '') IN (SELECT e.transcript_id FROM message_fts f"
    " JOIN entries e ON e.id = f.rowid WHERE f.message_fts MATCH ?))"
    " ORDER BY s.pinned DESC, s.updated_at DESC, s.session_id"
)


async def test_session_filter_results_and_order_match_the_old_query(sqlite_store: SqliteSessionStore) -> None:
    store = sqlite_store
    words = ["alpha", "beta", "gamma", "delta"]
    for n in range(12):
        key = {"project_key": f"-p{n % 3}", "session_id": f"{n:08d}-0000-0000-0000-000000000000"}
        ts = f"2026-01-{1 + n % 5:02d}T00:00:00.000Z"
        await store.append(key, [
            user(f"u{n}", f"title {words[n % 4]}", ts=ts),
            assistant(f"a{n}", f"reply {words[(n + 1) % 4]} {words[n % 3]}", f"m{n}", ts=ts),
        ])
        await store.append({**key, "subpath": "subagents/x"}, [user(f"s{n}", "delta in a subagent")])
        if n % 5 == 0:
            await store.update_session(key["project_key"], key["session_id"], pinned=True)
    for word in [*words, "title", "reply", "nothing"]:
        old = await store._rows(OLD_FILTER, (f"%{word}%", f'"{word}"'))
        new = [r.session_id for r in await store.sessions(search=word)]
        assert new == [r[0] for r in old], word
    assert await store.sessions(search="beta")


WRITER = """
import asyncio, sys
from claude_tui.store import SqliteSessionStore
async def main(path, tag):
    async with await SqliteSessionStore.open(path) as s:
        for i in range(40):
            key = {"project_key": "p", "session_id": f"{tag}-{i % 4}"}
            await s.append(key, [{"type": "user", "uuid": f"{tag}{i}", "timestamp": "2026-01-01T00:00:00Z",
                                  "message": {"role": "user", "content": f"m {tag} {i}"}}])
asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def test_two_processes_write_at_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), tag], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for tag in ("a", "b")
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    for p, (_, err) in zip(procs, outputs):
        assert p.returncode == 0, err.decode()
        assert b"locked" not in err

    async def count() -> int:
        async with await SqliteSessionStore.open(path) as s:
            rows = await s.sessions()
            return sum(r.message_count for r in rows)

    assert asyncio.run(count()) == 80


async def test_sessions_json_matches_rows(store: SqliteSessionStore) -> None:
    import json

    await store.append(KEY, [user("u1", 'a "quoted" prompt \x1b[31m ✓')])
    await store.update_session(KEY["project_key"], KEY["session_id"], pinned=True)
    rows = await store.sessions()
    objects = [json.loads(o) for o in await store.sessions_json()]
    assert objects == [r.to_json() for r in rows]
    assert objects[0]["pinned"] is True and objects[0]["archived"] is False


async def test_load_tail_reads_the_newest_entries_in_order(store: SqliteSessionStore) -> None:
    entries = [user(f"u{n}", f"prompt {n}") for n in range(10)]
    await store.append(KEY, entries)
    tail, complete = await store.load_tail(KEY, 4)
    assert [e["uuid"] for e in tail] == ["u6", "u7", "u8", "u9"] and not complete
    everything, complete = await store.load_tail(KEY, 10)
    assert [e["uuid"] for e in everything] == [f"u{n}" for n in range(10)] and complete
    assert await store.load_tail({"project_key": "-nope", "session_id": "x"}, 4) is None


async def test_a_prompt_with_attached_files_titles_the_session_by_its_own_text(store: SqliteSessionStore) -> None:
    """The engine sends attached files as text blocks before the prompt's own: the
    SDK's fold takes the first block as the first prompt, which left the session
    untitled; the title is the prompt's text, and a later append keeps it."""
    blocks = [
        {"type": "text", "text": '<context_file path="src/main.py" sha256="ab">\nprint(1)\n</context_file>'},
        {"type": "text", "text": "look at @src/main.py"},
    ]
    await store.append(KEY, [user("u1", "", message={"role": "user", "content": blocks})])
    await store.append(KEY, [assistant("a1", "done", "m1")])
    await store.append(KEY, [user("u2", "and now the tests")])
    row = await store.session(KEY["project_key"], KEY["session_id"])
    assert row.title == "look at @src/main.py"
