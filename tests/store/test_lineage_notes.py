"""Schema 6 (forks' lineage, notes) and the store-side fork: the upgrade from
schema 5 keeps every row; a fork holds the source's history (whole, or up to a
user message's reply) under a new id with fresh uuids; a note is found by the
filter's search."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from claude_tui.store import SqliteSessionStore, migrations
from claude_tui.store.forking import ForkError, cut_after_reply, fork_in_store, user_messages
from claude_tui.store.text import is_user_prompt, user_prompt_text
from tests.ui.fixtures import SHOP, Transcript, project_key, sid


def three_turns(n: int = 1) -> Transcript:
    t = Transcript(SHOP, sid(n), start=timedelta(hours=2))
    for word in ("apple", "banana", "cherry"):
        t.user(f"say {word}")
        t.assistant({"type": "tool_use", "id": f"tool_{word}", "name": "Bash", "input": {"command": "echo"}})
        t.tool_results((f"tool_{word}", word, False))
        t.reply(f"{word}!")
    return t


async def stored(location: Any, *transcripts: Transcript) -> SqliteSessionStore:
    """A store (SQLite or PostgreSQL: ``store_location``) holding ``transcripts``."""
    from claude_tui.store.select import open_store

    store = await open_store(location())
    for t in transcripts:
        await store.append({"project_key": project_key(t.cwd), "session_id": t.session_id}, t.entries)  # type: ignore[typeddict-item]
    return store


def prompts(entries: list) -> list[str]:
    return [user_prompt_text(e) for e in entries if is_user_prompt(e)]


async def test_upgrade_from_schema_5_adds_lineage_and_note_and_keeps_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = await aiosqlite.connect(path, isolation_level=None)
    await migrations.upgrade(conn, target=5)
    await conn.execute("PRAGMA application_id = 1129600329")
    await conn.execute(
        "INSERT INTO sessions (project_key, session_id, title, updated_at, message_count, pinned)"
        " VALUES ('-p', ?, 'old one', '2026-01-01T00:00:00.000Z', 2, 1)",
        (sid(9),),
    )
    await conn.close()
    async with await SqliteSessionStore.open(path) as store:
        assert await migrations.current_version(store._conn) == migrations.latest_version() >= 6
        row = await store.session("-p", sid(9))
        assert row is not None and row.display_title == "old one" and row.pinned
        assert (row.parent_session_id, row.fork_message, row.note) == (None, None, None)
        await store.update_session("-p", sid(9), note="ask Bob", parent_session_id=sid(8), fork_message=3)
        row = await store.session("-p", sid(9))
        assert (row.parent_session_id, row.fork_message, row.note, row.is_fork) == (sid(8), 3, "ask Bob", True)


async def test_fork_whole_session_new_id_same_history_lineage(tmp_path: Path, store_location: Any) -> None:
    t = three_turns()
    store = await stored(store_location, t)
    try:
        pk = project_key(SHOP)
        fork_id, number = await fork_in_store(store, pk, t.session_id, title="Fruit (fork)")
        assert fork_id != t.session_id and number == 3
        source = await store.load({"project_key": pk, "session_id": t.session_id})  # type: ignore[typeddict-item]
        forked = await store.load({"project_key": pk, "session_id": fork_id})  # type: ignore[typeddict-item]
        assert source == t.entries  # the original is untouched
        assert prompts(forked) == prompts(source)
        copied = [e for e in forked if e.get("type") in ("user", "assistant")]
        assert len(copied) == len([e for e in source if e.get("type") in ("user", "assistant")])
        assert {e["sessionId"] for e in copied} == {fork_id}
        assert not {e["uuid"] for e in copied} & {e["uuid"] for e in source}  # fresh uuids
        row = await store.session(pk, fork_id)
        assert row is not None
        assert row.display_title == "Fruit (fork)"
        assert (row.parent_session_id, row.fork_message, row.cwd) == (t.session_id, 3, SHOP)
    finally:
        await store.close()


async def test_fork_from_message_holds_history_up_to_its_reply(tmp_path: Path, store_location: Any) -> None:
    t = three_turns()
    store = await stored(store_location, t)
    try:
        pk = project_key(SHOP)
        fork_id, number = await fork_in_store(store, pk, t.session_id, title="x (fork)", message=2)
        assert number == 2
        forked = await store.load({"project_key": pk, "session_id": fork_id})  # type: ignore[typeddict-item]
        assert prompts(forked) == ["say apple", "say banana"]
        texts = [c["text"] for e in forked if e.get("type") == "assistant" for c in e["message"]["content"] if c.get("type") == "text"]
        assert texts == ["apple!", "banana!"]  # message 2's reply is in, message 3's is not
        row = await store.session(pk, fork_id)
        assert row is not None and row.fork_message == 2 and row.message_count == 6  # 2 prompts, 2 x (tool call + reply)
    finally:
        await store.close()


def test_user_messages_and_cut_points() -> None:
    t = three_turns()
    listed = user_messages(t.entries)
    assert [(m.number, m.text) for m in listed] == [(1, "say apple"), (2, "say banana"), (3, "say cherry")]
    assert cut_after_reply(t.entries, 1) == t.entries.index(next(e for e in t.entries if e["uuid"] == listed[1].uuid))
    assert cut_after_reply(t.entries, 3) == len(t.entries)
    with pytest.raises(ForkError, match="no message 4"):
        cut_after_reply(t.entries, 4)


async def test_fork_of_a_session_with_no_history_says_so(tmp_path: Path, store_location: Any) -> None:
    store = await stored(store_location)
    try:
        with pytest.raises(ForkError, match="no stored history"):
            await fork_in_store(store, "-p", sid(5), title="t")
    finally:
        await store.close()


async def test_note_is_found_by_the_filter_search(tmp_path: Path, store_location: Any) -> None:
    t, other = three_turns(1), three_turns(2)
    store = await stored(store_location, t, other)
    try:
        pk = project_key(SHOP)
        assert await store.sessions(search="zebra") == []
        await store.update_session(pk, t.session_id, note="Remember the Zebra_crossing idea")
        found = await store.sessions(search="zebra")
        assert [r.session_id for r in found] == [t.session_id] and found[0].note == "Remember the Zebra_crossing idea"
        assert [r.session_id for r in await store.sessions(search="zebra_crossing")] == [t.session_id]
        assert await store.sessions(search="zebra%crossing") == []  # LIKE wildcards are literal
    finally:
        await store.close()
