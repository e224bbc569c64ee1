"""Screenshots of the main states, compared with stored SVGs (pytest-textual-snapshot).

Every app here runs on a store written from synthetic entries, a fixed clock
and a Claude folder that does not exist, with TZ=UTC, so the pictures do not
depend on the date, the machine or file times. The scenes live in
``tests/ui/scenes.py`` (``screenshots/make.py`` draws the same ones). Update
with ``pytest tests/snapshots/test_snapshots.py --snapshot-update`` and look
at the SVGs before committing them.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.ui.fixtures import browse_transcripts, build_store_sync, make_app
from tests.ui.scenes import SCENES


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


def _check(snap_compare: Any, tmp_path: Path, name: str) -> bool:
    scene = SCENES[name]
    if scene.browse:
        build_store_sync(tmp_path / "sessions.db", browse_transcripts())
    app = make_app(tmp_path)
    return snap_compare(app, terminal_size=scene.size, run_before=scene.run_before())


def test_first_run_empty_state(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "first_run_empty_state")


def test_sidebar_groups_and_markers(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "sidebar_groups_and_markers")


def test_filter_active(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "filter_active")


def test_finished_turn_with_thinking_and_tools(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "finished_turn_with_thinking_and_tools")


def test_tool_blocks_expanded(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "tool_blocks_expanded")


def test_markup_and_escapes_shown_literally(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "markup_and_escapes_shown_literally")


def test_full_text_hit_opens_at_message(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "full_text_hit_opens_at_message")


def test_narrow_start(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "narrow_start")


def test_narrow_session_open(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "narrow_session_open")


def test_help_screen(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "help_screen")


def test_palette_switcher(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "palette_switcher")


def test_several_open_sessions(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "several_open_sessions")


# -- the live half (synthetic engine events) ------------------------------------------


def test_reply_mid_stream(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "reply_mid_stream")


def test_queued_prompt(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "queued_prompt")


def test_retry_and_api_error_inline(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "retry_and_api_error_inline")


def test_interrupted_and_stalled_inline(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "interrupted_and_stalled_inline")


def test_permission_needed_in_background(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "permission_needed_in_background")


def test_status_reconnecting(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "status_reconnecting")


def test_permission_mode_picker(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "permission_mode_picker")


def test_footer_at_80_columns(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "footer_at_80_columns")


def test_wide_terminal_sidebar(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "wide_terminal_sidebar")


def test_not_logged_in_first_run(snap_compare: Any, tmp_path: Path) -> None:
    assert _check(snap_compare, tmp_path, "not_logged_in_first_run")

def test_panels_reconnecting(snap_compare: Any, tmp_path: Path) -> None:
    """160x45 with panels shown: reconnecting (attempt k of N, countdown), last error with its time."""
    assert _check(snap_compare, tmp_path, "panels_reconnecting")


def test_panels_connected(snap_compare: Any, tmp_path: Path) -> None:
    """Connected: API retries, cost and tokens, the context-window bar and the MCP list."""
    assert _check(snap_compare, tmp_path, "panels_connected")


def test_panels_folded_narrow(snap_compare: Any, tmp_path: Path) -> None:
    """80x24: the panels fold into one tabbed panel beside the chat, on demand."""
    assert _check(snap_compare, tmp_path, "panels_folded_narrow")


def test_picker_filtered_two_marked(snap_compare: Any, tmp_path: Path) -> None:
    """The file picker: a filter typed, two rows marked, node_modules collapsed."""
    assert _check(snap_compare, tmp_path, "picker_filtered_two_marked")


def test_context_mixed_statuses(snap_compare: Any, tmp_path: Path) -> None:
    """The Context panel: ok (sent / not sent), changed since sent, missing, binary, too large, unreadable, not a file."""
    assert _check(snap_compare, tmp_path, "context_mixed_statuses")


def test_timeouts_countdown_and_fired(snap_compare: Any, tmp_path: Path) -> None:
    """Timeouts: an override marked "this session", countdowns running, the last one that fired."""
    assert _check(snap_compare, tmp_path, "timeouts_countdown_and_fired")


def test_timeouts_paused(snap_compare: Any, tmp_path: Path) -> None:
    """Timeouts: paused while a permission question waits."""
    assert _check(snap_compare, tmp_path, "timeouts_paused")


def test_settings_with_error(snap_compare: Any, tmp_path: Path) -> None:
    """Settings: a bad value is named as it is typed."""
    assert _check(snap_compare, tmp_path, "settings_with_error")


def test_at_path_completion(snap_compare: Any, tmp_path: Path) -> None:
    """``@`` in the prompt: the folder's entries that fit, folders first, one highlighted."""
    assert _check(snap_compare, tmp_path, "at_path_completion")
