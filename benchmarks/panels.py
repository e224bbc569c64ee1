"""The side panels' cost on the UI thread (issue #12: under 2 ms per second per open session).

In process, at 160x45 with the panels shown, over the browse fixture: four
sessions open, the current one reconnecting (its countdown changes every
second) while all four stream synthetic deltas. Measured: one refresh (what
the once-a-second tick does), a refresh with nothing changed, and the
listener's cost per engine event (every delta passes it). The per-second
figure adds one refresh and 2,000 events a second per session.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path
from typing import Any

EVENTS_PER_SECOND = 2000


async def measure() -> dict[str, float]:
    from claude_tui.engine.events import TextDelta
    from tests.ui.fixtures import FIXED_NOW, browse_transcripts, build_store, make_app, open_and_settle, settle
    from tests.ui.scenes import FLAKY, status_reconnecting

    with tempfile.TemporaryDirectory(prefix="claude-tui-panels-") as tmp:
        folder = Path(tmp)
        await build_store(folder / "sessions.db", browse_transcripts())
        app = make_app(folder)
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            for transcript in browse_transcripts()[:3]:
                await open_and_settle(pilot, transcript.key)
            await status_reconnecting(pilot)
            panels = app.panels
            changed, same = [], []
            base = FIXED_NOW.timestamp()
            for i in range(200):
                app.clock = lambda i=i: __import__("datetime").datetime.fromtimestamp(base + i % 8, FIXED_NOW.tzinfo)
                start = time.perf_counter()
                panels.refresh()
                changed.append(time.perf_counter() - start)
                start = time.perf_counter()
                panels.refresh()
                same.append(time.perf_counter() - start)
            event = TextDelta(FLAKY[1], "word ", "msg_x", 0)
            n = 20_000
            start = time.perf_counter()
            for _ in range(n):
                panels.heard_event(event)
            per_event = (time.perf_counter() - start) / n
    changed.sort()
    same.sort()
    refresh_ms = changed[len(changed) // 2] * 1000
    return {
        "panels_refresh_changed_ms_p50": refresh_ms,
        "panels_refresh_changed_ms_p95": changed[int(len(changed) * 0.95)] * 1000,
        "panels_refresh_unchanged_ms_p50": same[len(same) // 2] * 1000,
        "panels_listener_us_per_event": per_event * 1e6,
        "panels_ui_ms_per_second_per_session": refresh_ms + per_event * EVENTS_PER_SECOND * 1000,
    }


def run() -> dict[str, Any]:
    os.environ["TZ"] = "UTC"
    time.tzset()
    return asyncio.run(measure())


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value:.3f}")
