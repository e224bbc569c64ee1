"""SqliteSessionStore: the SDK's SessionStore contract and the app's own data."""

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
async def store(tmp_path: Path):
    async with await SqliteSessionStore.open(tmp_path / "s.db") as s:
        yield s


async def test_conformance_with_every_optional_method(tmp_path: Path) -> None:
    opened: list[SqliteSessionStore] = []

    async def make() -> SqliteSessionStore:
        s = await SqliteSessionStore.open(tmp_path / f"c{len(opened)}.db")
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
