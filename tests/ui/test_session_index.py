"""The session index: data only, so its rules are checked without an app."""

from __future__ import annotations

import random
from dataclasses import replace

from claude_tui.session_index import SessionIndex, count_status
from claude_tui.store.metadata import session_order
from tests.ui.fixtures import session_row


def test_put_keeps_the_store_order_and_says_whether_a_row_moved() -> None:
    rng = random.Random(7)
    rows = sorted(
        (session_row(session_id=f"s{i:02d}", project_key="-p", title=f"t{i}", pinned=i % 5 == 0,
                     updated_at=f"2026-03-0{rng.randint(1, 3)}T00:00:00.000Z") for i in range(30)),
        key=session_order,
    )
    index = SessionIndex(rows=list(rows), by_key={r.key: r for r in rows}, loaded=True)
    target = index.rows[10]
    assert index.put(replace(target, display_title="renamed")) is False  # same place
    assert index.rows[10].display_title == "renamed"
    for _ in range(200):
        old = rng.choice(index.rows)
        new = replace(old, updated_at=f"2026-03-0{rng.randint(1, 9)}T00:00:00.000Z", pinned=rng.random() < 0.2)
        before = [r.key for r in index.rows]
        moved = index.put(new)
        assert index.rows == sorted(index.by_key.values(), key=session_order)
        assert moved == ([r.key for r in index.rows] != before)
    assert index.put(session_row(session_id="new", project_key="-p", title="n")) is True
    assert len(index.rows) == 31 and index.rows[-1].session_id == "new"  # no stamp: last, as SQL lists NULL


def test_count_status() -> None:
    assert count_status(0, importing=True) == "importing …"
    assert count_status(0, importing=False) == "no sessions yet"
    assert count_status(1, importing=True) == "1 session"
    assert count_status(2, importing=False) == "2 sessions"


async def test_a_filter_lists_the_first_page_of_the_whole_result(tmp_path, monkeypatch) -> None:
    """With more matches than FILTER_LIMIT, the rows shown are the first ones of
    the unlimited result (message-hit sessions included), in its order."""
    import claude_tui.session_index as session_index
    from claude_tui.store import SqliteSessionStore
    from tests.store.test_listing import SEARCHES, fill

    async with await SqliteSessionStore.open(tmp_path / "s.db") as store:
        await fill(store)
        index = SessionIndex()
        await index.reload(store)
        for limit in (1, 5, 12):
            monkeypatch.setattr(session_index, "FILTER_LIMIT", limit)
            for text in SEARCHES:
                whole = await index._search(store, text, limit=None)
                page = await index.search(store, text)
                shown = [r.key for r in whole.sessions][:limit] if page.more else [r.key for r in whole.sessions]
                assert [r.key for r in page.sessions] == shown, (limit, text)
                # Not all listed: more sessions matched than the page holds (the
                # sessions of the 50 message hits are always all listed).
                assert not page.more or len(whole.sessions) > limit
                if page.more:
                    assert set(page.hits) <= {r.key for r in page.sessions}
                    assert page.status.startswith(f"{limit}+ sessions")


async def test_a_last_word_under_three_characters_is_no_prefix(tmp_path) -> None:
    """'r*' merges the full-text list of every word starting with r: a third of
    a second at 10,000 sessions, for hits nobody reads; from 3 characters on it is a prefix."""
    from claude_tui.store import SqliteSessionStore

    asked: list[tuple[str, bool]] = []
    async with await SqliteSessionStore.open(tmp_path / "s.db") as store:
        real = store.search_messages

        async def spy(text, *, limit=50, prefix=False):
            asked.append((text, prefix))
            return await real(text, limit=limit, prefix=prefix)

        store.search_messages = spy  # type: ignore[method-assign]
        index = SessionIndex()
        for text in ("r", "re", "ref", "alpha re", "alpha ref"):
            await index.search(store, text)
    assert asked == [("r", False), ("re", False), ("ref", True), ("alpha re", False), ("alpha ref", True)]


async def test_the_whole_list_holds_no_last_prompts(tmp_path) -> None:
    """The app's list (100,000 rows in a large archive) leaves out what the
    sidebar never shows: the last prompt, 14 MB there. The rest is the store's row."""
    from claude_tui.store import SqliteSessionStore
    from tests.store.test_listing import fill

    async with await SqliteSessionStore.open(tmp_path / "s.db") as store:
        await fill(store)
        await store._write(lambda: store._conn.execute("UPDATE sessions SET last_prompt = 'asked ' || rowid"))
        index = SessionIndex()
        await index.reload(store)
        full = await store.sessions(archived=False)
        assert any(r.last_prompt for r in full)
        assert all(r.last_prompt is None for r in index.rows)
        assert [replace(r, last_prompt=None) for r in full] == index.rows
