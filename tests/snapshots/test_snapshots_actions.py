"""Snapshots of the session actions: their dialogs, marked rows, the archived view
(scenes in ``tests/ui/scenes_actions.py``; see ``test_snapshots.py`` for how to update)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.ui.fixtures import browse_transcripts, build_store_sync, make_app
from tests.ui.scenes_actions import ACTION_SCENES


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


def _check(snap_compare: Any, tmp_path: Path, name: str) -> bool:
    scene = ACTION_SCENES[name]
    build_store_sync(tmp_path / "sessions.db", browse_transcripts())
    return snap_compare(make_app(tmp_path), terminal_size=scene.size, run_before=scene.run_before())


def test_rename_dialog(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "rename_dialog")


def test_tag_dialog(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "tag_dialog")


def test_marked_rows(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "marked_rows")


def test_archived_view(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "archived_view")


def test_delete_confirmation(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "delete_confirmation")


def test_export_dialog(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "export_dialog")


def test_slash_menu_open(snap_compare: Any, tmp_path: Path) -> None:
    from tests.ui.scenes_slash import SLASH_SCENES

    scene = SLASH_SCENES["slash_menu_open"]
    build_store_sync(tmp_path / "sessions.db", browse_transcripts())
    assert snap_compare(make_app(tmp_path), terminal_size=scene.size, run_before=scene.run_before())
