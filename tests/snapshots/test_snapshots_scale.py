"""Snapshot of a filter that matches more sessions than it lists (issue 14):
the first ones in list order and "N+ sessions" (see ``test_snapshots.py`` for how to update)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.ui.fixtures import browse_transcripts, build_store_sync, make_app, wait_until
from tests.ui.scenes import WIDE, Scene


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


async def filter_more_than_a_page(pilot: Any) -> None:
    app = pilot.app
    app.session_list.focus()
    await pilot.press("e")  # in nearly every title
    await wait_until(pilot, lambda: app.filter_done == "e", what="filter")


def test_filter_lists_its_first_page(snap_compare: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import claude_tui.session_index as session_index

    monkeypatch.setattr(session_index, "FILTER_LIMIT", 3)
    build_store_sync(tmp_path / "sessions.db", browse_transcripts())
    scene = Scene(WIDE, steps=[filter_more_than_a_page])
    assert snap_compare(make_app(tmp_path), terminal_size=scene.size, run_before=scene.run_before())
