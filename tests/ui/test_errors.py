"""Unexpected errors in the live UI: said once, naming the log file; the app keeps running."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from claude_tui import logs
from claude_tui.live.host import LiveHost
from tests.ui.fixtures import make_app, settle, wait_until


def test_the_app_is_everything_the_live_side_asks_of_its_host(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    members = [name for name, _ in inspect.getmembers(LiveHost) if not name.startswith("_")]
    assert "report_error" in members and "set_marker" in members
    assert [name for name in members if name not in dir(app)] == []


async def test_a_failed_background_job_is_reported_with_the_log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log_file = tmp_path / "state" / "claude-tui.log"
    monkeypatch.setenv("CLAUDE_TUI_LOG", str(log_file))
    logs.setup_logging("warning", debug=False)
    try:
        app = make_app(tmp_path)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)

            async def broken() -> None:
                raise RuntimeError("the disk \x1b[31mwent\x1b[0m away")

            app.run_worker(broken(), group="open", exit_on_error=False)
            await wait_until(pilot, lambda: any(n.title == "unexpected error" for n in app._notifications), what="notice")
            (notice,) = [n for n in app._notifications if n.title == "unexpected error"]
            assert "RuntimeError in open: the disk" in notice.message and str(log_file) in notice.message
            assert "\x1b" not in notice.message  # escape sequences are never sent to the terminal
            assert app.is_running and app.focused is not None
        assert "background job" in log_file.read_text() and "RuntimeError" in log_file.read_text()
    finally:
        logs.teardown_logging()
