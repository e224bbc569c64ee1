"""The overflowing tab strip, for a snapshot (issue 11): every stored session open at
80 columns, the ninth of ten in front, a scrolled-away one on the left finished unread."""

from __future__ import annotations

from typing import Any

from claude_tui.widgets.marker import Marker
from tests.ui.fixtures import browse_transcripts, open_and_settle, wait_until
from tests.ui.scenes import NARROW, Scene


async def overflowing_tabs(pilot: Any) -> None:
    app = pilot.app
    keys = [t.key for t in browse_transcripts()]
    for key in keys:
        await open_and_settle(pilot, key)
    app.views.activate(app.view_for(keys[-2]))
    app.set_marker(keys[1], Marker.UNREAD)
    strip = app.screen.query_one("#open-tabs")
    await wait_until(pilot, lambda: strip.overflow["left"].marker is Marker.UNREAD, what="the left sign's marker")
    await pilot.pause()


TAB_SCENES: dict[str, Scene] = {
    "overflowing_tab_strip": Scene(NARROW, steps=[overflowing_tabs]),
}
