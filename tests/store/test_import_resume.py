"""An import stopped part way (a quit, or a crash mid-transaction) and run again
gives exactly the store one uninterrupted import gives."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest

from claude_tui.store import SqliteSessionStore, reading
from claude_tui.store.importer import ImportProgress, import_transcripts

from .test_schema4 import ROOT, generated_tree


class Quit(Exception):
    pass


def make_tree(home: Path) -> None:
    made = generated_tree(home, 14)
    key, lines = made[3]
    session_dir = home / "projects" / key["project_key"] / key["session_id"]
    for n in range(2):  # subagent transcripts
        sub = session_dir / "subagents" / f"agent-{n}.jsonl"
        sub.parent.mkdir(parents=True, exist_ok=True)
        sub.write_text("\n".join(line.replace('"uuid": "', f'"uuid": "s{n}') for line in lines[:30]) + "\n")
    big = home / "projects" / made[0][0]["project_key"] / f"{made[0][0]['session_id']}.jsonl"
    with big.open("a") as f:  # uuid-less lines and a big tail: split across batches and chunks
        for n in range(400):
            f.write(json.dumps({"type": "progress", "n": n, "text": "x" * 300}) + "\n")


async def dump(path: Path) -> dict[str, Any]:
    """Everything the store holds, without ids or write times."""
    async with await SqliteSessionStore.open(path) as store:
        entries = []
        for pk, sid, sub, tid in await store._rows(
            "SELECT project_key, session_id, subpath, id FROM transcripts ORDER BY 1, 2, 3"
        ):
            rows = await store._rows("SELECT uuid, data FROM entries WHERE transcript_id=? ORDER BY id", (tid,))
            entries.append((pk, sid, sub, [(u, store.codec.decode(d)) for u, d in rows]))
        sessions = await store._rows("SELECT * FROM sessions ORDER BY project_key, session_id")
        summaries = await store._rows("SELECT project_key, session_id, data FROM summaries ORDER BY 1, 2")
        indexed = await store._rows(
            "SELECT t.session_id, e.uuid FROM message_transcripts m JOIN entries e ON e.id = m.entry_id"
            " JOIN transcripts t ON t.id = m.transcript_id ORDER BY 1, 2"
        )
        searches = {
            word: [(h.session_id, h.uuid, h.snippet) for h in await store.search_messages(word, limit=1000)]
            for word in ("refactoring", "quetzalcoatlus", "function")
        }
        bookmarks = await store._rows(
            "SELECT path, size, mtime_ns, inode, offset, head_hash, bad_lines FROM import_files ORDER BY path"
        )
        return {
            "entries": entries, "sessions": sessions, "summaries": summaries, "indexed": indexed,
            "searches": searches, "bookmarks": bookmarks,
        }


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "BATCH_BYTES", 96 * 1024)
    monkeypatch.setattr(reading, "CHUNK_BYTES", 32 * 1024)


async def test_import_quit_twice_then_resumed_equals_one_import(tmp_path: Path, small_batches: None) -> None:
    home = tmp_path / "claude"
    make_tree(home)
    async with await SqliteSessionStore.open(tmp_path / "once.db") as store:
        once = await import_transcripts(store, home)
    assert once.errors == [] and once.entries_added > 2000

    async with await SqliteSessionStore.open(tmp_path / "resumed.db") as store:
        for stop_at in (3, 9):
            def quit_at(update: ImportProgress, stop_at: int = stop_at) -> None:
                if update.files_done >= stop_at:
                    raise Quit()

            with pytest.raises(Quit):
                await import_transcripts(store, home, progress=quit_at)
            stored = await store._scalar("SELECT count(*) FROM entries")
            assert 0 < stored < once.entries_added
        last = await import_transcripts(store, home)
    assert last.entries_added < once.entries_added and last.files_read < once.files_read
    assert await dump(tmp_path / "resumed.db") == await dump(tmp_path / "once.db")


CRASHER = """
import asyncio, os, signal, sys
from pathlib import Path
from claude_tui.store import SqliteSessionStore, reading
from claude_tui.store.importer import import_transcripts
from claude_tui.store.writer import Writer
reading.BATCH_BYTES = 96 * 1024
reading.CHUNK_BYTES = 32 * 1024
real = Writer.append_prepared
calls = 0
def crashing(self, key, items):
    global calls
    calls += 1
    if calls == int(sys.argv[3]):
        os.kill(os.getpid(), signal.SIGKILL)  # mid-transaction, nothing cleaned up
    return real(self, key, items)
Writer.append_prepared = crashing
async def main():
    async with await SqliteSessionStore.open(sys.argv[1]) as store:
        await import_transcripts(store, Path(sys.argv[2]))
asyncio.run(main())
"""


async def test_import_killed_mid_transaction_then_resumed_equals_one_import(
    tmp_path: Path, small_batches: None
) -> None:
    home = tmp_path / "claude"
    make_tree(home)
    async with await SqliteSessionStore.open(tmp_path / "once.db") as store:
        await import_transcripts(store, home)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for crash_at in (5, 10):
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", CRASHER, str(tmp_path / "crashed.db"), str(home), str(crash_at), env=env
        )
        assert await asyncio.wait_for(proc.wait(), 120) == -signal.SIGKILL
    async with await SqliteSessionStore.open(tmp_path / "crashed.db") as store:
        assert 0 < await store._scalar("SELECT count(*) FROM entries")
        await import_transcripts(store, home)
    assert await dump(tmp_path / "crashed.db") == await dump(tmp_path / "once.db")


async def test_files_read_by_worker_processes_give_the_same_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claude_tui.store import importer

    home = tmp_path / "claude"
    make_tree(home)
    async with await SqliteSessionStore.open(tmp_path / "here.db") as store:
        here = await import_transcripts(store, home)
    monkeypatch.setattr(importer, "POOL_MIN_BYTES", 0)
    monkeypatch.setattr(importer, "_pool_size", lambda: 2)
    started: list[int] = []
    real_pool = importer.ParsePool

    def counting_pool(workers: int, dictionaries: list) -> Any:
        started.append(workers)
        return real_pool(workers, dictionaries)

    monkeypatch.setattr(importer, "ParsePool", counting_pool)
    read_here: list[Path] = []
    real_read_here = importer._read_here

    def counting_read_here(writer: Any, job: Any, run: Any, *, careful: bool) -> Any:
        read_here.append(job.transcript.path)
        return real_read_here(writer, job, run, careful=careful)

    monkeypatch.setattr(importer, "_read_here", counting_read_here)
    async with await SqliteSessionStore.open(tmp_path / "pooled.db") as store:
        pooled = await import_transcripts(store, home)
    assert started == [2] and read_here == []  # every file read by a worker
    assert (pooled.files_read, pooled.entries_added, pooled.bad_lines) == (here.files_read, here.entries_added, here.bad_lines)
    assert await dump(tmp_path / "pooled.db") == await dump(tmp_path / "here.db")


def test_parse_workers_run_below_the_app(tmp_path: Path) -> None:
    """A big first import's worker processes must not take the CPU from the UI thread."""
    import os
    import time

    from claude_tui.store.parse_worker import WORKER_NICENESS, ParsePool

    pool = ParsePool(1, [])
    try:
        pid = pool._procs[0].pid
        deadline = time.monotonic() + 10
        nice = None
        while time.monotonic() < deadline:  # the worker lowers itself as it starts
            nice = int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[16])
            if nice >= os.nice(0) + WORKER_NICENESS:
                break
            time.sleep(0.05)
        assert nice is not None and nice >= os.nice(0) + WORKER_NICENESS
    finally:
        pool.close()
