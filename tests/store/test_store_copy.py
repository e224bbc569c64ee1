"""``claude-tui store copy``: SQLite to PostgreSQL and back, idempotent,
resumable, with progress on stderr."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from claude_tui.store.copy import _entry_counts, copy_store
from claude_tui.store.importer import import_transcripts
from claude_tui.store.select import open_store
from tests.store.pg_server import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "claude_home"


def run_copy(source: object, target: object, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    return subprocess.run(
        [sys.executable, "-m", "claude_tui", "store", "copy", "--from", str(source), "--to", str(target)],
        capture_output=True, text=True, env=env, timeout=300,
    )


async def snapshot(location: object) -> tuple[dict, dict, list]:
    """Every transcript's entries, and every session row as the app sees it."""
    async with await open_store(location) as store:
        counts = await _entry_counts(store)
        entries = {}
        for pk, sid, sub in counts:
            key = {"project_key": pk, "session_id": sid, **({"subpath": sub} if sub else {})}
            entries[(pk, sid, sub)] = await store.load(key)
        rows = [r.to_json() for r in await store.sessions(include_empty=True)]
        overrides = {r["session_id"]: await store.overrides(r["project_key"], r["session_id"]) for r in rows}
        return entries, overrides, rows


async def source_store(path: Path, tmp_path: Path) -> tuple[str, str]:
    home = tmp_path / "claude"
    shutil.copytree(DATA, home)
    async with await open_store(path) as store:
        await import_transcripts(store, home)
        row = (await store.sessions())[0]
        await store.update_session(row.project_key, row.session_id, custom_title="Renamed here", pinned=True)
        await store.set_overrides(row.project_key, row.session_id, model="opus", timeouts={"turn": 60.0})
        await store.set_context_file(row.project_key, row.session_id, "/w/notes.md")
        await store.append({"project_key": row.project_key, "session_id": row.session_id},
                           [{"type": "custom-title", "customTitle": "no uuid here"}])
        return row.project_key, row.session_id


async def test_sqlite_to_postgres_and_back_idempotent(pg, tmp_path: Path) -> None:
    sqlite_path = tmp_path / "laptop.db"
    pk, sid = await source_store(sqlite_path, tmp_path)
    url = pg.create_database("copy_db")
    first = await snapshot(sqlite_path)
    assert len(first[0]) >= 2

    done = await asyncio.to_thread(run_copy, sqlite_path, url, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "copying transcripts" in done.stderr and f"of {len(first[0])}" in done.stderr
    assert PASSWORD not in done.stderr + done.stdout  # the password is never printed
    assert await snapshot(url) == first

    again = await asyncio.to_thread(run_copy, sqlite_path, url, tmp_path)
    assert again.returncode == 0 and "Copied 0 transcripts (0 entries)" in again.stdout
    assert await snapshot(url) == first

    back = tmp_path / "devbox.db"
    done = await asyncio.to_thread(run_copy, url, back, tmp_path)
    assert done.returncode == 0, done.stderr
    assert await snapshot(back) == first
    async with await open_store(back) as store:
        row = await store.session(pk, sid)
        assert row.display_title == "Renamed here" and row.pinned
        assert await store.context_files(pk, sid) and (await store.overrides(pk, sid))["model"] == "opus"


class Stop(Exception):
    pass


async def test_a_cut_copy_resumes_and_brings_new_entries(pg, tmp_path: Path) -> None:
    sqlite_path = tmp_path / "laptop.db"
    pk, sid = await source_store(sqlite_path, tmp_path)
    url = pg.create_database("resume_copy_db")

    def cut(progress) -> None:
        if progress.done == 1:
            raise Stop

    async with await open_store(sqlite_path) as source, await open_store(url) as target:
        with pytest.raises(Stop):
            await copy_store(source, target, cut)
        assert 0 < len(await _entry_counts(target)) < len(await _entry_counts(source))
        report = await copy_store(source, target)
        assert report.skipped == 1
        await source.append({"project_key": pk, "session_id": sid},
                            [{"type": "custom-title", "customTitle": "no uuid here"},
                             {"type": "user", "uuid": "0000aaaa-0000-0000-0000-000000000001", "cwd": "/w",
                              "timestamp": "2026-06-01T00:00:00.000Z", "message": {"role": "user", "content": "late"}}])
        report = await copy_store(source, target)
        assert report.entries_added == 2 and report.copied == 1
    assert await snapshot(url) == await snapshot(sqlite_path)


def test_copy_refuses_bad_locations(tmp_path: Path) -> None:
    done = run_copy(tmp_path / "missing.db", tmp_path / "b.db", tmp_path)
    assert done.returncode == 2 and "--from" in done.stderr and "no such database file" in done.stderr
    (tmp_path / "a.db").touch()
    done = run_copy(tmp_path / "a.db", tmp_path / "a.db", tmp_path)
    assert done.returncode == 2 and "same store" in done.stderr
