"""Snapshots of the shared store's dialog (scenes in ``tests/ui/scenes_shared.py``;
see ``test_snapshots.py`` for how to update)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.ui.fixtures import browse_transcripts, build_store_sync, make_app
from tests.ui.scenes_shared import SHARED_SCENES


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


def test_folder_for_a_session_from_elsewhere(snap_compare: Any, tmp_path: Path) -> None:
    scene = SHARED_SCENES["folder_for_a_session_from_elsewhere"]
    build_store_sync(tmp_path / "sessions.db", browse_transcripts())
    assert snap_compare(make_app(tmp_path), terminal_size=scene.size, run_before=scene.run_before())
