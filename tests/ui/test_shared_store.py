"""The app on a shared PostgreSQL store: sessions written by another machine
appear in the sidebar within 2 s, without a restart (LISTEN/NOTIFY)."""

from __future__ import annotations

import time
from pathlib import Path

from claude_tui.store.select import open_store
from tests.ui.fixtures import make_app, screen_text, settle, wait_until


async def test_a_session_written_elsewhere_appears_within_two_seconds(pg, tmp_path: Path) -> None:
    url = pg.create_database("ui_watch")
    app = make_app(tmp_path, store_url=url, import_on_start=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.store is not None and "Written on the laptop" not in screen_text(app)
        async with await open_store(url) as laptop:
            await pilot.pause(0.3)  # the app's listener is connected
            started = time.monotonic()
            await laptop.append(
                {"project_key": "-home-alice-src", "session_id": "0badcafe-0000-0000-0000-000000000001"},
                [{"type": "user", "uuid": "00000000-0000-0000-0000-0000000000aa", "cwd": "/home/alice/src",
                  "timestamp": "2026-01-01T00:00:00.000Z", "sessionId": "0badcafe-0000-0000-0000-000000000001",
                  "message": {"role": "user", "content": "Written on the laptop"}}],
            )
            await wait_until(pilot, lambda: "Written on the laptop" in screen_text(app), timeout=2,
                             what="the other machine's session in the sidebar")
            assert time.monotonic() - started < 2
