"""Snapshots of forks and notes (scenes in ``tests/ui/scenes_fork.py``; see
``test_snapshots.py`` for how to update)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.ui.fixtures import browse_transcripts, build_store_sync, make_app
from tests.ui.scenes_fork import FORK_SCENES


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


def _check(snap_compare: Any, tmp_path: Path, name: str) -> bool:
    scene = FORK_SCENES[name]
    build_store_sync(tmp_path / "sessions.db", browse_transcripts())
    return snap_compare(make_app(tmp_path), terminal_size=scene.size, run_before=scene.run_before())


def test_fork_pick_dialog(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "fork_pick_dialog")


def test_fork_lineage(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "fork_lineage")


def test_note_dialog(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "note_dialog")
