"""The incremental importer: real Claude Code transcripts and synthetic edge cases."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from claude_tui.store import SqliteSessionStore
from claude_tui.store import reading
from claude_tui.store.importer import import_session_file, import_transcripts

DATA = Path(__file__).resolve().parents[1] / "data" / "claude_home"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    target = tmp_path / "claude"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture
async def store(any_store):  # each test on SQLite and on PostgreSQL
    yield any_store


def line(uuid: str | None, text: str, kind: str = "user") -> str:
    entry: dict = {"type": kind, "timestamp": "2026-03-01T10:00:00Z", "cwd": "/w"}
    if uuid:
        entry["uuid"] = uuid
    if kind in ("user", "assistant"):
        entry["message"] = {"role": kind, "id": f"m-{uuid}", "content": [{"type": "text", "text": text}]}
    else:
        entry["text"] = text
    return json.dumps(entry) + "\n"


def transcript(home: Path, sid: str = "aaaaaaaa-0000-0000-0000-000000000001") -> Path:
    path = home / "projects" / "-w" / f"{sid}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


async def test_imports_real_cli_transcripts(store: SqliteSessionStore, home: Path) -> None:
    report = await import_transcripts(store, home)
    assert report.errors == [] and report.bad_lines == 0
    rows = {r.session_id[:8]: r for r in await store.sessions()}
    assert set(rows) == {"455fe2fd", "57e0a588", "15f6b29a", "4eadf421", "375e72cd"}
    resumed = rows["57e0a588"]
    assert resumed.title == "remember the code word zebra"
    assert resumed.message_count == 6
    assert resumed.cwd == "/tmp/claude-tui-rec/alpha"
    assert resumed.project_key == "-tmp-claude-tui-rec-alpha"
    assert resumed.model and resumed.git_branch is None  # the CLI records HEAD: the folder is no repository
    # Every line of every file landed exactly once.
    for path in (home / "projects").rglob("*.jsonl"):
        key = {"project_key": path.parent.name, "session_id": path.stem}
        lines = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
        assert await store.load(key) == lines
    hits = await store.search_messages("kiwi")
    assert {h.session_id[:8] for h in hits} == {"15f6b29a"}


async def test_reimport_of_unchanged_tree_reads_nothing(store: SqliteSessionStore, home: Path) -> None:
    await import_transcripts(store, home)
    again = await import_transcripts(store, home)
    assert (again.files_seen, again.files_read, again.entries_added) == (5, 0, 0)


async def test_reads_only_complete_new_lines(store: SqliteSessionStore, tmp_path: Path) -> None:
    path = transcript(tmp_path)
    path.write_text(line("u1", "one"))
    assert (await import_transcripts(store, tmp_path)).entries_added == 1
    with path.open("a") as f:
        f.write(line("u2", "two") + line(None, "no uuid", "custom")[:-5])  # last line unfinished
    assert (await import_transcripts(store, tmp_path)).entries_added == 1
    with path.open("a") as f:
        f.write(line(None, "no uuid", "custom")[-5:])
    assert (await import_transcripts(store, tmp_path)).entries_added == 1
    loaded = await store.load({"project_key": "-w", "session_id": path.stem})
    assert [e.get("uuid") for e in loaded] == ["u1", "u2", None]


async def test_truncated_or_replaced_file_is_reread_without_duplicates(
    store: SqliteSessionStore, tmp_path: Path
) -> None:
    path = transcript(tmp_path)
    original = line("u1", "one") + line(None, "meta", "custom") + line("u2", "two")
    path.write_text(original)
    await import_transcripts(store, tmp_path)
    path.write_text(line("u1", "one") + line(None, "meta", "custom"))  # truncated
    await import_transcripts(store, tmp_path)
    path.unlink()
    path.write_text("\n" + original + line(None, "meta", "custom") + line("u3", "three"))  # replaced
    report = await import_transcripts(store, tmp_path)
    assert report.files_read == 1
    loaded = await store.load({"project_key": "-w", "session_id": path.stem})
    assert [e.get("uuid") for e in loaded] == ["u1", None, "u2", None, "u3"]


async def test_malformed_lines_are_counted_and_skipped(store: SqliteSessionStore, tmp_path: Path) -> None:
    path = transcript(tmp_path)
    path.write_bytes(
        line("u1", "one").encode()
        + b"{not json\n"
        + b"\xff\xfe binary \x00\n"
        + b"[1, 2]\n"
        + b'{"no": "type"}\n'
        + line("u2", "two").encode()
    )
    report = await import_transcripts(store, tmp_path)
    assert report.bad_lines == 4 and report.entries_added == 2 and report.errors == []
    again = await import_transcripts(store, tmp_path)
    assert again.bad_lines == 0


async def test_unreadable_file_is_named_and_others_still_import(
    store: SqliteSessionStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = transcript(tmp_path, "aaaaaaaa-0000-0000-0000-000000000001")
    bad = transcript(tmp_path, "aaaaaaaa-0000-0000-0000-000000000002")
    good.write_text(line("u1", "one"))
    bad.write_text(line("u2", "two"))
    real_open = open

    def guarded_open(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(path) == bad:
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(reading, "open", guarded_open, raising=False)
    report = await import_transcripts(store, tmp_path)
    assert report.entries_added == 1
    assert len(report.errors) == 1 and str(bad) in report.errors[0] and "Permission denied" in report.errors[0]


async def test_missing_folder_means_nothing_to_import(store: SqliteSessionStore, tmp_path: Path) -> None:
    report = await import_transcripts(store, tmp_path / "nowhere")
    assert report.files_seen == 0 and report.errors == []


async def test_deleted_session_is_not_revived(store: SqliteSessionStore, home: Path) -> None:
    await import_transcripts(store, home)
    row = (await store.sessions())[0]
    await store.delete_session(row.project_key, row.session_id)
    transcript_file = home / "projects" / row.project_key / f"{row.session_id}.jsonl"
    with transcript_file.open("a") as f:
        f.write(line("late", "late line"))
    await import_transcripts(store, home)
    assert row.session_id not in {r.session_id for r in await store.sessions()}


async def test_subagents_land_under_their_subpath(store: SqliteSessionStore, tmp_path: Path) -> None:
    main = transcript(tmp_path)
    main.write_text(line("u1", "main"))
    sub = main.with_suffix("") / "subagents" / "agent-7.jsonl"
    sub.parent.mkdir(parents=True)
    sub.write_text(line("s1", "subagent work"))
    report = await import_session_file(store, main)
    assert report.entries_added == 2
    key = {"project_key": "-w", "session_id": main.stem}
    assert await store.list_subkeys(key) == ["subagents/agent-7"]
    assert [e["uuid"] for e in await store.load({**key, "subpath": "subagents/agent-7"})] == ["s1"]
    row = await store.session("-w", main.stem)
    assert row.message_count == 1  # subagent text does not count for the main session


async def test_progress_is_reported_per_file(store: SqliteSessionStore, home: Path) -> None:
    seen: list[tuple[int, int]] = []
    await import_transcripts(store, home, progress=lambda p: seen.append((p.files_done, p.files_total)))
    assert seen == [(i, 5) for i in range(1, 6)]


async def test_newest_transcripts_import_first(store: SqliteSessionStore, tmp_path: Path) -> None:
    import os

    old = transcript(tmp_path, "aaaaaaaa-0000-0000-0000-00000000000a")
    new = transcript(tmp_path, "aaaaaaaa-0000-0000-0000-00000000000b")
    old.write_text(line("o1", "old"))
    new.write_text(line("n1", "new"))
    os.utime(old, (1_000_000, 1_000_000))
    os.utime(new, (2_000_000, 2_000_000))
    order: list[str] = []
    await import_transcripts(store, tmp_path, progress=lambda p: order.append(p.path.stem[-1]))
    assert order == ["b", "a"]
