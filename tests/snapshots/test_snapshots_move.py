"""Snapshots of a moved project folder: the sidebar's marks and the "Move project"
dialog (scenes in ``tests/ui/scenes_move.py``; see ``test_snapshots.py`` for how to update)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.ui.fixtures import browse_transcripts, build_store_sync, make_app
from tests.ui.scenes_move import MOVE_SCENES


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


def _check(snap_compare: Any, tmp_path: Path, name: str) -> bool:
    scene = MOVE_SCENES[name]
    build_store_sync(tmp_path / "sessions.db", browse_transcripts())
    return snap_compare(make_app(tmp_path), terminal_size=scene.size, run_before=scene.run_before())


def test_moved_folder_marker(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "moved_folder_marker")


def test_move_project_dialog(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "move_project_dialog")
