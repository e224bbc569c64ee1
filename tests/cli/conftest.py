"""Every CLI test runs ``main()`` in this process, which sets up the log file:
keep it in the test's folder, and take the handler off afterwards so later
tests do not log into it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from claude_tui.logs import teardown_logging


@pytest.fixture(autouse=True)
def private_log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.delenv("CLAUDE_TUI_LOG", raising=False)
    yield
    teardown_logging()
