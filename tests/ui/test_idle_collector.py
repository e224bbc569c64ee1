"""Full collections run between keys, not in the middle of one (startup.IdleCollector)."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

from claude_tui.startup import NO_AUTOMATIC_FULL, IdleCollector
from tests.ui.fixtures import browsing, wait_until


def test_a_full_pass_waits_for_a_quiet_keyboard(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda *a: ran.append(1) or 0)
    collector = IdleCollector(every_s=0.0, quiet_s=60.0)
    collector.running = True
    collector.key_pressed()
    assert collector.tick() is False and ran == []  # a key a moment ago: not now
    collector.last_key -= 61
    assert collector.tick() is True and ran == [1]
    collector.every_s = 3600.0
    collector.last_key -= 61
    assert collector.tick() is False  # one ran just now


async def test_the_app_turns_automatic_full_passes_off_and_back_on(tmp_path: Path) -> None:
    before = gc.get_threshold()
    app: Any
    async with browsing(tmp_path) as (app, pilot):
        app._first_frame_painted()  # (the test harness may not start with the collector off)
        await wait_until(pilot, lambda: app.collector.running, what="started")
        assert gc.get_threshold()[2] == NO_AUTOMATIC_FULL
        await pilot.press("a")
        assert app.collector.tick() is False  # a key was just pressed
    assert gc.get_threshold() == before  # restored when the app ended
