"""Schema 4: compressed entry bodies, the contentless full-text index, and the
in-place upgrade from schema 3 (with progress, resumable after a crash)."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import aiosqlite
import pytest

from benchmarks.datagen import _vocabulary, session_lines
from claude_tui.store import SqliteSessionStore, migrations
from claude_tui.store.importer import import_transcripts
from claude_tui.store.migrations import UpgradeProgress
from claude_tui.store.migrations import m0004_compact
from claude_tui.store.text import searchable_text

ROOT = Path(__file__).resolve().parents[2]


def generated_tree(home: Path, sessions: int, turns: int = 20) -> list[tuple[dict, list[str]]]:
    """Claude Code-shaped transcripts (the benchmark's generator): [(key, lines)]."""
    rng = random.Random(7)
    vocab = _vocabulary(rng)
    made = []
    for i in range(sessions):
        cwd = f"/home/dev/p{i % 3}"
        sid, lines = session_lines(i, f"p{i % 3}", cwd, rng, vocab, turns, rare=i == 1)
        project = home / "projects" / cwd.replace("/", "-")
        project.mkdir(parents=True, exist_ok=True)
        (project / f"{sid}.jsonl").write_text("\n".join(lines) + "\n")
        made.append(({"project_key": project.name, "session_id": sid}, lines))
    return made


async def stored_bodies(store: SqliteSessionStore) -> list[bytes]:
    return [store.codec.decode(d) for (d,) in await store._rows("SELECT data FROM entries ORDER BY id")]


# -- compression round-trips byte-exact --------------------------------------------------

ODD_LINES = [
    '{"type":"user","uuid":"o1","message":{"role":"user","content":"spaced"}}',
    '{ "uuid" : "o2" ,  "type" : "assistant", "n": 1.0, "m": 1, "e": 1e5, "neg": -0.0 }',
    '{"type":"user","uuid":"o3","big":123456789012345678901234567890,"f":0.1000000000000000055511151231257827}',
    '{"type":"user","uuid":"o4","x":NaN,"y":-Infinity}',
    '{"type":"user","uuid":"o5","s":"caf\\u00e9 \\ud83d\\ude00 \\ud83d cut","t":"tab\\tnl\\n"}',
    '{"type":"user","uuid":"o6","dup":1,"dup":2,"u":"ünïcödé ✓ 🎉"}',
    '{"type":"system","note":"no uuid","nested":{"a":[1,[2,[3,{"b":null}]]],"t":true,"f":false}}\r',
]


@pytest.mark.parametrize("with_dictionary", [False, True])
async def test_import_stores_each_line_byte_exact_and_load_returns_json_loads_of_it(
    tmp_path: Path, with_dictionary: bool
) -> None:
    home = tmp_path / "claude"
    made = generated_tree(home, 12 if with_dictionary else 1, turns=20 if with_dictionary else 2)
    key, lines = made[0]
    path = home / "projects" / key["project_key"] / f"{key['session_id']}.jsonl"
    with path.open("a") as f:
        f.write("\n".join(ODD_LINES) + "\n")
    async with await SqliteSessionStore.open(tmp_path / "s.db") as store:
        report = await import_transcripts(store, home)
        assert report.bad_lines == 0 and report.errors == []
        assert (store.codec.current > 0) is with_dictionary
        expected_raw = [line.encode() for line in lines + ODD_LINES]
        tid = await store._transcript_id(key)  # type: ignore[arg-type]
        rows = await store._rows("SELECT data FROM entries WHERE transcript_id=? ORDER BY id", (tid,))
        assert all(isinstance(d, bytes) for (d,) in rows)  # compressed, never text
        assert [store.codec.decode(d) for (d,) in rows] == expected_raw
        loaded = await store.load(key)  # type: ignore[arg-type]
        expected = [json.loads(raw) for raw in lines + ODD_LINES]
        assert json.dumps(loaded) == json.dumps(expected)  # NaN-safe, order-exact
        assert [type(v) for e in loaded for v in e.values()] == [type(v) for e in expected for v in e.values()]
        assert await store.load_tail(key, 3) == (loaded[-3:], False)  # type: ignore[arg-type]


async def test_sdk_append_round_trips_through_load(tmp_path: Path) -> None:
    key = {"project_key": "-p", "session_id": "s-1"}
    entries = [json.loads(line) for line in ODD_LINES if "NaN" not in line]
    async with await SqliteSessionStore.open(tmp_path / "s.db") as store:
        await store.append(key, entries)  # type: ignore[arg-type]
        assert await store.load(key) == entries  # type: ignore[arg-type]


async def test_snippets_and_deletes_work_without_stored_text(tmp_path: Path) -> None:
    home = tmp_path / "claude"
    made = generated_tree(home, 3, turns=6)
    async with await SqliteSessionStore.open(tmp_path / "s.db") as store:
        await import_transcripts(store, home)
        hits = await store.search_messages("quetzalcoatlus")
        assert [h.session_id for h in hits] == [made[1][0]["session_id"]]
        assert "quetzalcoatlus" in hits[0].snippet and len(hits[0].snippet) < 200
        uuids = [json.loads(line).get("uuid") for _, lines in made for line in lines]
        assert hits[0].uuid in uuids  # stored as 16 bytes, given back as the text
        kinds = dict(await store._rows("SELECT typeof(uuid), count(*) FROM entries GROUP BY 1"))
        assert kinds == {"blob": sum(u is not None for u in uuids), "null": sum(u is None for u in uuids)}
        target = made[0][0]
        await store.delete_session(target["project_key"], target["session_id"])
        await store._conn.execute(
            "CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, 'message_fts', 'instance')"
        )
        left = {d for (d,) in await store._rows("SELECT DISTINCT doc FROM temp.terms")}
        mapped = {d for (d,) in await store._rows("SELECT entry_id FROM message_transcripts")}
        assert left == mapped and left  # the deleted session's words are gone from the index


# -- the upgrade from schema 3 ------------------------------------------------------------


def v3_entry_rows(made: list[tuple[dict, list[str]]]) -> list[tuple[int, int, str | None, str, str]]:
    rows = []
    for tid, (_, lines) in enumerate(made, start=1):
        for line in lines:
            entry = json.loads(line)
            rows.append((len(rows) + 1, tid, entry.get("uuid"), entry["type"], line))
    return rows


async def make_v3_store(path: Path, made: list[tuple[dict, list[str]]]) -> None:
    """A store as schema 3 wrote it: lines as text, the index holding a copy of the text."""
    conn = await aiosqlite.connect(path, isolation_level=None)
    await migrations.upgrade(conn, target=3)
    await conn.execute("PRAGMA application_id = 1129600329")
    await conn.executemany(
        "INSERT INTO transcripts (id, project_key, session_id, subpath, mtime) VALUES (?, ?, ?, '', 1)",
        [(tid, key["project_key"], key["session_id"]) for tid, (key, _) in enumerate(made, start=1)],
    )
    rows = v3_entry_rows(made)
    await conn.executemany("INSERT INTO entries (id, transcript_id, uuid, type, data) VALUES (?, ?, ?, ?, ?)", rows)
    fts = []
    for entry_id, tid, _, kind, line in rows:
        text = searchable_text(json.loads(line)) if kind in ("user", "assistant") else ""
        if text:
            fts.append((entry_id, text, tid))
    await conn.executemany("INSERT INTO message_fts (rowid, text, transcript_id) VALUES (?, ?, ?)", fts)
    await conn.executemany(
        "INSERT INTO message_transcripts (entry_id, transcript_id) VALUES (?, ?)", [(e, t) for e, _, t in fts]
    )
    await conn.executemany(
        "INSERT INTO sessions (project_key, session_id, title, updated_at, message_count) VALUES (?, ?, ?, ?, 2)",
        [(key["project_key"], key["session_id"], f"session {n}", f"2026-01-0{1 + n % 9}T00:00:00.000Z")
         for n, (key, _) in enumerate(made)],
    )
    await conn.close()


async def check_upgraded(path: Path, made: list[tuple[dict, list[str]]]) -> None:
    async with await SqliteSessionStore.open(path) as store:
        assert await migrations.current_version(store._conn) == migrations.latest_version() >= 4  # and later migrations after it
        assert await store._rows("SELECT name FROM store_meta WHERE name LIKE 'upgrade4%'") == []
        assert await store._scalar("SELECT count(*) FROM entries WHERE typeof(data) != 'blob'") == 0
        assert await stored_bodies(store) == [row[4].encode() for row in v3_entry_rows(made)]
        for key, lines in made:
            assert await store.load(key) == [json.loads(line) for line in lines]  # type: ignore[arg-type]
        rare = await store.search_messages("quetzalcoatlus")
        assert [h.session_id for h in rare] == [made[1][0]["session_id"]]
        assert "quetzalcoatlus" in rare[0].snippet
        assert len(await store.sessions(search="refactoring")) == len(made)
        # Every indexed entry is indexed once: the count of a word in every prompt.
        hits = await store.search_messages("Session", limit=10_000)
        assert sorted(h.session_id for h in hits) == sorted(key["session_id"] for key, _ in made)
        await store.delete_session(made[0][0]["project_key"], made[0][0]["session_id"])
        assert [h.session_id for h in await store.search_messages("Session", limit=100)].count(
            made[0][0]["session_id"]
        ) == 0


async def test_upgrade_from_schema_3_in_place_with_progress(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(m0004_compact, "BATCH_ROWS", 100)
    made = generated_tree(tmp_path / "claude", 8)
    path = tmp_path / "v3.db"
    await make_v3_store(path, made)
    seen: list[UpgradeProgress] = []
    async with await SqliteSessionStore.open(path, progress=seen.append) as store:
        assert store.codec.current == 1  # trained on the stored lines
    steps = [p for p in seen if p.step == m0004_compact.STEP]
    total = len(v3_entry_rows(made))
    assert len(steps) >= total // 100 and steps[-1].done == steps[-1].total == total
    assert [p.done for p in steps] == sorted(p.done for p in steps)
    assert seen[-1] == UpgradeProgress(4, m0004_compact.COMPACT_STEP, 1, 1)
    await check_upgraded(path, made)


class Stop(Exception):
    pass


async def test_upgrade_stopped_mid_way_resumes_at_the_next_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(m0004_compact, "BATCH_ROWS", 100)
    made = generated_tree(tmp_path / "claude", 6)
    path = tmp_path / "v3.db"
    await make_v3_store(path, made)
    batches = 0

    def stop_after_three(progress: UpgradeProgress) -> None:
        nonlocal batches
        batches += 1
        if batches == 3:
            raise Stop()

    with pytest.raises(Stop):
        await SqliteSessionStore.open(path, progress=stop_after_three)
    conn = await aiosqlite.connect(path)
    (after,) = next(iter(await conn.execute_fetchall("SELECT value FROM store_meta WHERE name = 'upgrade4_after'")))
    compressed = next(iter(await conn.execute_fetchall("SELECT count(*) FROM entries WHERE typeof(data) = 'blob'")))[0]
    await conn.close()
    assert after == compressed == 300  # three batches committed, the bookmark with them
    await check_upgraded(path, made)


CRASHER = """
import asyncio, os, signal, sys
from claude_tui.store import SqliteSessionStore
from claude_tui.store.migrations import m0004_compact
m0004_compact.BATCH_ROWS = 100
batches = 0
def progress(update):
    global batches
    batches += 1
    if batches == int(sys.argv[2]):
        os.kill(os.getpid(), signal.SIGKILL)  # a crash: no cleanup of any kind
asyncio.run(SqliteSessionStore.open(sys.argv[1], progress=progress))
"""


async def test_upgrade_killed_mid_way_leaves_a_store_that_completes(tmp_path: Path) -> None:
    made = generated_tree(tmp_path / "claude", 6)
    path = tmp_path / "v3.db"
    await make_v3_store(path, made)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = await asyncio.create_subprocess_exec(sys.executable, "-c", CRASHER, str(path), "4", env=env)
    assert await asyncio.wait_for(proc.wait(), 120) == -signal.SIGKILL
    conn = await aiosqlite.connect(path)
    (after,) = next(iter(await conn.execute_fetchall("SELECT value FROM store_meta WHERE name = 'upgrade4_after'")))
    await conn.close()
    assert 0 < after < len(v3_entry_rows(made))
    await check_upgraded(path, made)


def test_upgrade_of_an_empty_store_has_nothing_to_do(tmp_path: Path) -> None:
    async def run() -> list[UpgradeProgress]:
        path = tmp_path / "v3.db"
        await make_v3_store(path, [])
        seen: list[UpgradeProgress] = []
        async with await SqliteSessionStore.open(path, progress=seen.append):
            pass
        return seen

    assert asyncio.run(run()) == []
