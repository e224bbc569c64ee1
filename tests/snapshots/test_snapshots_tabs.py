"""Snapshot of the tab strip with more tabs than fit (scene in ``tests/ui/scenes_tabs.py``;
see ``test_snapshots.py`` for how to update)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.ui.fixtures import browse_transcripts, build_store_sync, make_app
from tests.ui.scenes_tabs import TAB_SCENES


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


def test_overflowing_tab_strip(snap_compare: Any, tmp_path: Path) -> None:
    scene = TAB_SCENES["overflowing_tab_strip"]
    build_store_sync(tmp_path / "sessions.db", browse_transcripts())
    assert snap_compare(make_app(tmp_path), terminal_size=scene.size, run_before=scene.run_before())
