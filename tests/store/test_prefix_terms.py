"""The filter's message hits for a typed prefix: the index's words starting
with it joined by OR (store/prefix_terms.py) give the very hits of FTS5's
prefix query, without reading every posting list first."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from claude_tui.store import SqliteSessionStore, prefix_terms
from claude_tui.store.search import fts_query

from .test_listing import fill


@pytest.fixture
async def filled(tmp_path: Path):
    async with await SqliteSessionStore.open(tmp_path / "s.db") as store:
        await fill(store, count=150)
        await store.append({"project_key": "-tmp-p0", "session_id": "77words"}, [
            {"type": "user", "uuid": "77-0", "timestamp": "2026-01-01T10:00:00.000Z", "cwd": "/tmp/p0",
             "sessionId": "77words", "message": {"role": "user", "content": "alphabet alphanumeric Alpha2 zipper zip"}}])
        yield store, tmp_path / "s.db"


def prefix_rowids(db: Path, text: str) -> list[int]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute(
            "SELECT rowid FROM message_fts WHERE message_fts MATCH ? ORDER BY rowid DESC LIMIT 50",
            (fts_query(text, prefix=True),))]


TEXTS = ["alp", "alpha", "Alpha", "ALPH", "zi", "zip", "zipp", "gamma alp", "beta de", "qu", "nothingq", "q%",
         "a_b", "say\"h", "\u00c9CO", "na\u00efv", "x", "alpha2", "al-ph", "(alp", "be,", "zip zi"]


async def test_the_expanded_query_finds_the_prefix_querys_hits(filled) -> None:
    store, db = filled
    for text in TEXTS:
        hits = await store.search_messages(text, limit=50, prefix=True)
        assert [h.entry_id for h in hits] == prefix_rowids(db, text), text


async def test_a_plain_prefix_is_asked_as_its_words(filled) -> None:
    """Without the expansion the MATCH holds FTS5's prefix operator."""
    store, _ = filled
    sent: list[str] = []
    real = store._rows

    async def recording(sql, params=()):
        sent.extend(p for p in params if isinstance(p, str) and "MATCH" in sql)
        return await real(sql, params)

    store._rows = recording  # type: ignore[method-assign]
    await store.search_messages("gamma alph", prefix=True)
    assert sent[-1] == '"gamma" AND ("alpha" OR "alpha2" OR "alphabet" OR "alphanumeric")'
    sent.clear()
    assert await store.search_messages("nothingq", prefix=True) == []
    assert sent == []  # no word starts so: no full-text query at all


async def test_many_words_under_a_prefix_keep_the_prefix_query(filled, monkeypatch: pytest.MonkeyPatch) -> None:
    store, db = filled
    monkeypatch.setattr(prefix_terms, "MAX_TERMS", 2)
    assert await prefix_terms.expanded_query(store._rows, ["alph"]) is None
    hits = await store.search_messages("alph", prefix=True)
    assert [h.entry_id for h in hits] == prefix_rowids(db, "alph")


def test_only_one_plain_ascii_token_is_expanded() -> None:
    assert prefix_terms.expandable("Zid") == "zid"
    assert prefix_terms.expandable("(zid.") == "zid"
    assert prefix_terms.expandable("a-b") is None
    assert prefix_terms.expandable("na\u00efv") is None
    assert prefix_terms.expandable("--") is None
