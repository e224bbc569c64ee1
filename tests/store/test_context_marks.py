"""Schema 5: the send-once record of context files survives a reopen."""

from __future__ import annotations

from pathlib import Path

from claude_tui.store import SqliteSessionStore, migrations
from claude_tui.store.context_marks import mark_sent, sent_marks


async def test_marks_round_trip_and_survive_a_reopen(store_location) -> None:
    from claude_tui.store.select import open_store

    db = store_location()
    store = await open_store(db)
    if isinstance(db, Path):
        assert await migrations.current_version(store._conn) == migrations.latest_version() >= 5
    assert await sent_marks(store, "p", "s") == {}
    await mark_sent(store, "p", "s", {"/a/x.py": "d1", "/a/y.py": "d2"})
    await mark_sent(store, "p", "s", {"/a/x.py": "d3"})
    await store.close()
    store = await open_store(db)
    assert await sent_marks(store, "p", "s") == {"/a/x.py": "d3", "/a/y.py": "d2"}
    assert await sent_marks(store, "p", "other") == {}
    await store.close()


async def test_version_5_applies_after_3(tmp_path: Path) -> None:
    import aiosqlite

    db = tmp_path / "s.db"
    async with aiosqlite.connect(db) as conn:
        assert await migrations.upgrade(conn, target=3) == 3
        assert await migrations.upgrade(conn) == migrations.latest_version()
        async with conn.execute("SELECT name FROM sqlite_master WHERE name='context_sent'") as cur:
            assert await cur.fetchone() is not None


def test_a_title_is_the_prompt_not_the_attached_files() -> None:
    from claude_tui.store.metadata import derive_title

    prompt = '<context_file path="notes.md" sha256="ab">\nhello\n</context_file>\nsummarise the notes'
    assert derive_title(None, None, prompt) == "summarise the notes"
