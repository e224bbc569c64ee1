"""A prompt sent again from an earlier point (a retry after a crash resumes before the
dead prompt) leaves the dead try in the file: the archive shows and counts the prompt
once, whether the file is imported whole or as it grows (issue 11)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claude_tui.export import to_text
from claude_tui.store import SqliteSessionStore
from claude_tui.store.branches import forks, superseded
from claude_tui.store.importer import import_transcripts
from claude_tui.transcript import conversation

SID = "aaaaaaaa-0000-0000-0000-0000000000b1"


def entry(uuid: str, parent: str | None, kind: str, text: str) -> dict:
    return {
        "type": kind,
        "uuid": uuid,
        "parentUuid": parent,
        "timestamp": "2026-03-01T10:00:00Z",
        "cwd": "/w",
        "sessionId": SID,
        "message": {"role": kind, "id": f"m-{uuid}", "content": [{"type": "text", "text": text}]},
    }


FIRST = [entry("u1", None, "user", "first turn"), entry("a1", "u1", "assistant", "first answer")]
DEAD = [entry("u2", "a1", "user", "second turn")]  # the CLI died before answering
RETRY = [entry("u3", "a1", "user", "second turn"), entry("a3", "u3", "assistant", "second answer")]


def test_the_replaced_prompt_and_what_hangs_from_it_are_superseded() -> None:
    partial = [entry("a2", "u2", "assistant", "partial"), entry("m2", "a2", "user", "[Request interrupted by user]")]
    entries = FIRST + DEAD + partial + RETRY
    assert superseded(entries) == {"u2", "a2", "m2"}
    said = [(m.role, m.text) for m in conversation(entries)]
    assert said == [("user", "first turn"), ("assistant", "first answer"), ("user", "second turn"), ("assistant", "second answer")]
    assert superseded(FIRST + RETRY) == set()


def test_a_fork_is_seen_only_where_a_prompt_does_not_follow_the_entry_before_it() -> None:
    assert not forks(FIRST + DEAD, None)
    assert not forks(RETRY, "a1")  # the retry follows the stored first answer
    assert forks(RETRY, "u2")  # … but the dead prompt was stored last
    assert forks(FIRST + DEAD + RETRY, None)


def write(path: Path, entries: list[dict], mode: str = "w") -> None:
    with path.open(mode) as handle:
        handle.writelines(json.dumps(e) + "\n" for e in entries)


@pytest.mark.parametrize("grown", [False, True], ids=["whole file", "as it grows"])
async def test_the_archive_shows_and_counts_the_retried_prompt_once(tmp_path: Path, grown: bool, store_location) -> None:
    from claude_tui.store.select import open_store

    home = tmp_path / "claude"
    path = home / "projects" / "-w" / f"{SID}.jsonl"
    path.parent.mkdir(parents=True)
    async with await open_store(store_location()) as store:  # on SQLite and on PostgreSQL
        if grown:
            write(path, FIRST + DEAD)
            await import_transcripts(store, home)
            write(path, RETRY, "a")
        else:
            write(path, FIRST + DEAD + RETRY)
        await import_transcripts(store, home)
        key = {"project_key": "-w", "session_id": SID}
        entries = await store.load(key)  # type: ignore[arg-type]
        assert entries is not None and len(entries) == 5  # the file as it is, dead try included
        messages = conversation(entries)
        assert [m.text for m in messages if m.role == "user"] == ["first turn", "second turn"]
        row = await store.session("-w", SID)
        assert row is not None and row.message_count == len(messages) == 4
        shown = to_text(row, entries)
        assert shown.count("second turn") == 1, shown


def test_a_file_read_whole_in_a_worker_counts_the_retried_prompt_once(tmp_path: Path) -> None:
    from claude_agent_sdk import fold_session_summary

    from claude_tui.store.parse_worker import parse_file

    path = tmp_path / f"{SID}.jsonl"
    write(path, FIRST + DEAD + RETRY)
    parsed = parse_file(str(path), {"project_key": "-w", "session_id": SID}, lambda raw: raw, fold_session_summary)
    assert parsed.fold is not None and parsed.fold.message_count == 4
