"""No file can stop the import: whatever a transcript holds, the rest is imported and the bad part counted."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from claude_tui.store import SqliteSessionStore
from claude_tui.store import reading
from claude_tui.store.importer import import_transcripts

from .test_importer import line, transcript


@pytest.fixture
async def store(any_store):  # each test on SQLite and on PostgreSQL
    yield any_store


def sid(n: int) -> str:
    return f"bbbbbbbb-0000-0000-0000-{n:012d}"


async def stored_uuids(store: SqliteSessionStore, n: int) -> list[str]:
    entries = await store.load({"project_key": "-w", "session_id": sid(n)}) or []
    return [e.get("uuid") for e in entries]


async def test_every_kind_of_bad_line_is_skipped_counted_and_the_rest_imported(
    store: SqliteSessionStore, tmp_path: Path
) -> None:
    home = tmp_path / "claude"
    bad_lines = [
        b'{"type": "user", "x": ' + b"[" * 200_000 + b"]" * 200_000 + b"}\n",  # RecursionError in json
        b'{"type": "user", "text": "\xff\xfe not utf-8"}\n',
        os.urandom(300).replace(b"\n", b" ") + b"\n",
        b'["not", "an", "entry"]\n',
        b'{"type": 5}\n',
    ]
    path = transcript(home, sid(1))
    path.write_bytes(line("u1", "before").encode() + b"".join(bad_lines) + line("u2", "after").encode())
    # fields of the wrong types are read as far as they make sense
    odd = [{"type": "user", "uuid": "u3", "message": "not a dict"},
           {"type": "assistant", "uuid": "u4", "message": {"id": 5, "model": 7, "content": 5}},
           {"type": "user", "uuid": 5, "timestamp": 7, "cwd": [1]}]
    transcript(home, sid(2)).write_text("".join(json.dumps(e) + "\n" for e in odd) + line("u5", "fine"))

    report = await import_transcripts(store, home)

    assert report.bad_lines == len(bad_lines) and report.errors == []
    assert await stored_uuids(store, 1) == ["u1", "u2"]
    assert await stored_uuids(store, 2) == ["u3", "u4", 5, "u5"]
    again = await import_transcripts(store, home)
    assert again.entries_added == 0 and again.bad_lines == 0


async def test_a_lone_surrogate_is_indexed_and_the_raw_line_kept(store: SqliteSessionStore, tmp_path: Path) -> None:
    """JSON allows "\\ud83d" alone (a string cut inside an emoji); SQLite's text cannot hold it."""
    home = tmp_path / "claude"
    cut = '{"type": "user", "uuid": "u1", "timestamp": "2026-03-01T10:00:00Z", "cwd": "/w", ' \
          '"message": {"role": "user", "content": "cut emoji \\ud83d here"}}\n'
    transcript(home, sid(3)).write_text(cut + line("u2", "next"))
    report = await import_transcripts(store, home)
    assert report.bad_lines == 0 and report.entries_added == 2
    (first, _) = await store.load({"project_key": "-w", "session_id": sid(3)}) or []
    assert first["message"]["content"] == "cut emoji \ud83d here"  # byte-exact through load
    assert [h.session_id for h in await store.search_messages("emoji")] == [sid(3)]


async def test_a_line_longer_than_the_cap_is_skipped_without_holding_it(
    store: SqliteSessionStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading, "CHUNK_BYTES", 64 * 1024)
    monkeypatch.setattr(reading, "MAX_LINE_BYTES", 256 * 1024)
    home = tmp_path / "claude"
    huge = json.dumps({"type": "user", "uuid": "big", "text": "x" * (1024 * 1024)}) + "\n"
    long_ok = json.dumps({"type": "user", "uuid": "long", "text": "y" * (150 * 1024)}) + "\n"
    transcript(home, sid(4)).write_text(line("u1", "a") + huge + long_ok + line("u2", "b"))
    report = await import_transcripts(store, home)
    assert report.bad_lines == 1
    assert await stored_uuids(store, 4) == ["u1", "long", "u2"]


async def test_odd_files_and_folders_are_reported_not_fatal(store: SqliteSessionStore, tmp_path: Path) -> None:
    home = tmp_path / "claude"
    good = transcript(home, sid(5))
    good.write_text(line("u1", "good"))
    project = good.parent
    (project / f"{sid(6)}.jsonl").mkdir()  # a folder named like a transcript
    os.symlink(project / "loop-b.jsonl", project / "loop-a.jsonl")  # a symlink loop
    os.symlink(project / "loop-a.jsonl", project / "loop-b.jsonl")
    os.symlink(project, project / f"{sid(7)}")  # a folder that links back to its parent
    (project / "unreadable.jsonl").symlink_to(tmp_path / "gone.jsonl")  # dangling
    report = await import_transcripts(store, home)
    assert await stored_uuids(store, 5) == ["u1"]
    assert report.entries_added == 1


async def test_a_store_failure_on_one_file_does_not_stop_the_others(
    store: SqliteSessionStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "claude"
    transcript(home, sid(8)).write_text(line("u1", "poison"))
    transcript(home, sid(9)).write_text(line("u2", "fine"))
    from claude_tui.store.writer import Writer

    real = Writer.append_prepared

    def refuse_poison(self, key, items):  # type: ignore[no-untyped-def]
        if any("poison" in json.dumps(entry) for entry, *_ in items):
            raise RuntimeError("the store cannot take this entry")
        return real(self, key, items)

    monkeypatch.setattr(Writer, "append_prepared", refuse_poison)
    report = await import_transcripts(store, home)
    assert report.bad_lines == 1 and await stored_uuids(store, 9) == ["u2"]
    monkeypatch.undo()
    again = await import_transcripts(store, home)
    assert again.entries_added == 0  # the offset moved past the refused entry: nothing is read twice
