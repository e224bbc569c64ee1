"""Moving a project's sessions to a new folder in the store (store/relocate.py),
on SQLite and on PostgreSQL (``store_location``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from claude_tui.store import SqliteSessionStore
from claude_tui.store.context_marks import mark_sent, sent_marks
from claude_tui.store.relocate import move_project
from claude_tui.store.restore import restore_transcript


def _entries(sid: str, cwd: str) -> list[dict[str, Any]]:
    return [
        {"type": "user", "uuid": f"{sid}-u1", "sessionId": sid, "cwd": cwd, "timestamp": "2026-01-01T00:00:00.000Z",
         "message": {"role": "user", "content": "remember kiwi"}},
        {"type": "assistant", "uuid": f"{sid}-a1", "sessionId": sid, "cwd": cwd, "timestamp": "2026-01-01T00:00:01.000Z",
         "message": {"id": "m1", "role": "assistant", "model": "claude-x", "content": [{"type": "text", "text": "kiwi noted"}]}},
    ]


async def _stored(location: Any) -> SqliteSessionStore:
    from claude_tui.store.select import open_store

    store = await open_store(location())
    for sid in ("s1", "s2"):
        key = {"project_key": "-old", "session_id": sid}
        await store.append(key, _entries(sid, "/old"))  # type: ignore[arg-type]
    await store.append({"project_key": "-old", "session_id": "s1", "subpath": "subagents/agent-1"}, [{"type": "user", "uuid": "su1"}])  # type: ignore[arg-type]
    await store.append({"project_key": "-other", "session_id": "s3"}, _entries("s3", "/other"))  # type: ignore[arg-type]
    await store.update_session("-old", "s1", pinned=True, custom_title="Kiwi")
    await store.set_context_file("-old", "s1", "/old/notes.md")
    await store.set_overrides("-old", "s1", model="claude-y", system_prompt=None, timeouts={"stall": 9})
    await mark_sent(store, "-old", "s1", {"/old/notes.md": "d1"})
    return store


async def test_move_rekeys_every_table_and_keeps_the_rest(tmp_path: Path, store_location: Any) -> None:
    store = await _stored(store_location)
    try:
        report = await move_project(store, "-old", "-new", "/new")
        assert report.moved == ["s1", "s2"] and report.skipped == []
        assert await store.session("-old", "s1") is None
        row = await store.session("-new", "s1")
        assert row is not None and row.cwd == "/new" and row.pinned and row.display_title == "Kiwi"
        assert row.message_count == 2
        assert (await store.session("-new", "s2")).cwd == "/new"  # type: ignore[union-attr]
        assert (await store.session("-other", "s3")).cwd == "/other"  # type: ignore[union-attr]  untouched
        assert [e["uuid"] for e in await store.load({"project_key": "-new", "session_id": "s1"})] == ["s1-u1", "s1-a1"]  # type: ignore[arg-type, union-attr]
        assert await store.list_subkeys({"project_key": "-new", "session_id": "s1"}) == ["subagents/agent-1"]  # type: ignore[arg-type]
        assert await store.load({"project_key": "-old", "session_id": "s1"}) is None  # type: ignore[arg-type]
        assert [p for p, _ in await store.context_files("-new", "s1")] == ["/old/notes.md"]
        assert (await store.overrides("-new", "s1"))["model"] == "claude-y"
        assert await sent_marks(store, "-new", "s1") == {"/old/notes.md": "d1"}
        summaries = {s["session_id"]: s for s in await store.list_session_summaries("-new")}
        assert set(summaries) == {"s1", "s2"}
        assert await store.list_sessions("-old") == []
        # The engine's restore path writes it under the new key from the store.
        path = tmp_path / "projects" / "-new" / "s1.jsonl"
        assert await restore_transcript(store, "-new", "s1", path)
        assert [json.loads(x)["uuid"] for x in path.read_text().splitlines()] == ["s1-u1", "s1-a1"]
    finally:
        await store.close()


async def test_a_wrong_move_is_undone_by_moving_again(tmp_path: Path, store_location: Any) -> None:
    store = await _stored(store_location)
    try:
        await move_project(store, "-old", "-wrong", "/wrong")
        await store.append({"project_key": "-wrong", "session_id": "s1"}, [  # type: ignore[arg-type]
            {"type": "user", "uuid": "s1-u2", "sessionId": "s1", "cwd": "/wrong", "timestamp": "2026-01-02T00:00:00.000Z",
             "message": {"role": "user", "content": "a turn in the wrong place"}},
        ])
        report = await move_project(store, "-wrong", "-right", "/right")
        assert report.moved == ["s1", "s2"]
        row = await store.session("-right", "s1")
        assert row is not None and row.cwd == "/right" and row.message_count == 3  # the new cwd stays after a later turn
        assert [e["uuid"] for e in await store.load({"project_key": "-right", "session_id": "s1"})] == ["s1-u1", "s1-a1", "s1-u2"]  # type: ignore[arg-type, union-attr]
        # Moving to the same key only sets the folder.
        same = await move_project(store, "-right", "-right", "/right2")
        assert same.moved == ["s1", "s2"] and (await store.session("-right", "s2")).cwd == "/right2"  # type: ignore[union-attr]
    finally:
        await store.close()


async def test_a_session_already_under_the_new_key_is_left_and_reported(tmp_path: Path, store_location: Any) -> None:
    store = await _stored(store_location)
    try:
        await store.append({"project_key": "-new", "session_id": "s2"}, _entries("s2", "/new"))  # type: ignore[arg-type]
        report = await move_project(store, "-old", "-new", "/new")
        assert report.moved == ["s1"] and report.skipped == ["s2"]
        assert (await store.session("-old", "s2")) is not None
    finally:
        await store.close()
