"""One session's row changes in place: the layout after ``put`` is what a rebuild would make."""

from __future__ import annotations

import random
from dataclasses import replace

from claude_tui.store.metadata import session_order
from claude_tui.widgets.session_rows import RowLayout, SessionItem, build_rows
from tests.ui.fixtures import session_row


def _sessions(rng: random.Random, n: int) -> list:
    return [
        session_row(
            session_id=f"{i:04d}", project_key=f"-p{i % 3}", cwd=rng.choice(["/a", "/b", "/c", None]),
            title=f"t{i}", updated_at=f"2026-03-{rng.randint(1, 9):02d}T00:00:00.000Z", pinned=rng.random() < 0.15,
        )
        for i in range(n)
    ]


def _changed(rng: random.Random, row):
    change = rng.choice(["newest", "older", "pin", "unpin", "title", "move", "same-stamp"])
    if change == "newest":
        return replace(row, updated_at="2026-03-20T00:00:00.000Z", message_count=row.message_count + 2)
    if change == "older":
        return replace(row, updated_at="2026-02-01T00:00:00.000Z")
    if change in ("pin", "unpin"):
        return replace(row, pinned=change == "pin")
    if change == "move":
        return replace(row, cwd=rng.choice(["/a", "/b", "/d", None]))
    return replace(row, display_title=row.display_title + "!")


def test_put_matches_a_rebuild_for_every_kind_of_change() -> None:
    rng = random.Random(10)
    for _ in range(300):
        sessions = sorted(_sessions(rng, rng.randint(0, 12)), key=session_order)
        layout = RowLayout.of(build_rows(sessions))
        for _ in range(4):
            if sessions and rng.random() < 0.8:
                old = rng.choice(sessions)
                new = _changed(rng, old)
                sessions.remove(old)
            else:
                new = _sessions(rng, 1)[0]
                new = replace(new, session_id=f"new{rng.random()}")
            sessions = sorted([*sessions, new], key=session_order)
            before = list(layout.rows)
            changed = layout.put(new, session_order)
            expected = build_rows(sessions)
            assert layout.rows == expected
            assert list(layout.starts) == [sum(r.height for r in expected[:i]) for i in range(len(expected))]
            assert layout.total == sum(r.height for r in expected)
            for index, row in enumerate(expected):
                if isinstance(row, SessionItem):
                    assert layout.index_of(row.key) == index
            # Rows outside the reported range are the very same objects as before.
            for index, row in enumerate(layout.rows):
                if index not in changed:
                    assert row is before[index]


def test_a_change_that_keeps_the_place_touches_one_row() -> None:
    sessions = sorted(
        [session_row(session_id=f"{i}", project_key="-p", cwd=f"/{i % 2}", title=f"t{i}",
                     updated_at=f"2026-03-0{i + 1}T00:00:00.000Z") for i in range(6)],
        key=session_order,
    )
    layout = RowLayout.of(build_rows(sessions))
    target = sessions[2]
    at = layout.index_of(target.key)
    changed = layout.put(replace(target, display_title="renamed", message_count=9), session_order)
    assert changed == range(at, at + 1)
    assert isinstance(layout.rows[at], SessionItem) and layout.rows[at].session.display_title == "renamed"


def test_remove_matches_a_rebuild() -> None:
    """An archived row leaves the list in place (issue 13's 10,000-session archive)."""
    rng = random.Random(13)
    for _ in range(300):
        sessions = sorted(_sessions(rng, rng.randint(1, 12)), key=session_order)
        layout = RowLayout.of(build_rows(sessions))
        layout.index_of(sessions[0].key)  # positions made before the change, as in the app
        while sessions:
            gone = rng.choice(sessions)
            sessions.remove(gone)
            before = list(layout.rows)
            changed = layout.remove(gone.key, session_order)
            expected = build_rows(sessions)
            assert changed is not None and layout.rows == expected
            assert list(layout.starts) == [sum(r.height for r in expected[:i]) for i in range(len(expected))]
            assert layout.total == sum(r.height for r in expected)
            for index, row in enumerate(expected):
                if isinstance(row, SessionItem):
                    assert layout.index_of(row.key) == index
            for index in range(changed.start):
                assert layout.rows[index] is before[index]
        assert layout.remove(("-p0", "none"), session_order) is None


def test_a_sessions_key_is_one_tuple_shared_by_every_index() -> None:
    """At 100,000 sessions a tuple per row per index was 6 MB each: the row
    makes its key once; the positions by key (made whole, or renumbered after
    a change) and the index by key hold that very tuple."""
    from claude_tui.session_index import SessionIndex

    rng = random.Random(5)
    sessions = sorted(_sessions(rng, 40), key=session_order)
    layout = RowLayout.of(build_rows(sessions))
    assert layout.index_of(sessions[0].key) is not None
    layout.put(replace(sessions[3], updated_at="2026-03-30T00:00:00.000Z"), session_order)
    for key, index in layout._positions().items():
        row = layout.rows[index]
        assert isinstance(row, SessionItem) and key is row.session.key and row.key is row.session.key
    index = SessionIndex(rows=sessions, by_key={r.key: r for r in sessions})
    assert all(key is row.key for key, row in index.by_key.items())
    assert list(layout.starts) == sorted(layout.starts)  # (an array of machine integers, still in order)
