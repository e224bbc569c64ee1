"""The tab strip with more tabs than fit (issue 11): the active tab stays whole on
screen with its underline under it, and the sides say how many tabs are out of
view and whether one of them has a marker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from claude_tui.widgets.marker import Marker
from tests.ui.fixtures import browse_transcripts, browsing, open_and_settle, screen_text, wait_until


def strip_parts(app: Any) -> tuple[Any, Any, Any]:
    """The strip, its tabs' window (the scroll container) and its underline."""
    strip = app.screen.query_one("#open-tabs")
    return strip, strip.query_one("#tabs-scroll"), strip.query_one("Underline")


def active_in_view(app: Any) -> bool:
    strip, window, underline = strip_parts(app)
    tab = strip.active_tab
    if tab is None or not window.region.contains_region(tab.region):
        return False
    # The underline's highlight (in the tabs' own coordinates) is under the tab's label.
    label = tab.virtual_region.shrink(tab.styles.gutter)
    return (underline.highlight_start, underline.highlight_end) == label.column_span


def cut_off(app: Any, side: str) -> list[Any]:
    """The tabs whose label is not wholly inside the window on ``side``, measured on screen."""
    strip, window, _ = strip_parts(app)
    tabs = list(strip.query("#tabs-list > Tab"))
    labels = [(t, t.region.shrink(t.styles.gutter)) for t in tabs]
    if side == "left":
        return [t for t, label in labels if label.x < window.region.x]
    return [t for t, label in labels if label.right > window.region.right]


def tab_row(app: Any) -> str:
    strip, _, _ = strip_parts(app)
    return screen_text(app).splitlines()[strip.region.y]


async def open_all(pilot: Any) -> list[Any]:
    keys = [t.key for t in browse_transcripts()]
    for key in keys:
        await open_and_settle(pilot, key)
    return keys


async def test_active_tab_stays_whole_when_tabs_before_it_widen(tmp_path: Path) -> None:
    async with browsing(tmp_path, size=(80, 30)) as (app, pilot):
        keys = await open_all(pilot)
        app.views.activate(app.view_for(keys[6]))
        await wait_until(pilot, lambda: active_in_view(app), what="the 7th tab in view")
        # Titles arrive for the tabs before it (as a new session's title does): they widen.
        for view in app.views.views[:6]:
            app.views.retitle(view, f"a much longer title for session {view.number} arrived")
        await pilot.pause()
        await wait_until(pilot, lambda: active_in_view(app), what="the active tab back in view, underlined")
        assert app.screen.query_one("#open-tabs").active == app.view_for(keys[6]).tab_id


async def test_overflow_sides_count_hidden_tabs_and_show_their_marker(tmp_path: Path) -> None:
    async with browsing(tmp_path, size=(80, 30)) as (app, pilot):
        keys = await open_all(pilot)
        app.views.activate(app.view_for(keys[6]))
        await wait_until(pilot, lambda: active_in_view(app), what="the 7th tab in view")
        await pilot.pause()
        left, right = cut_off(app, "left"), cut_off(app, "right")
        assert left and right
        await wait_until(pilot, lambda: f"‹ {len(left)} " in tab_row(app) and f" {len(right)} ›" in tab_row(app), what="counts")
        assert "◆" not in tab_row(app)

        # A session scrolled away on the left finishes: its marker shows on that side.
        app.set_marker(keys[0], Marker.UNREAD)
        await wait_until(pilot, lambda: f"‹ {len(cut_off(app, 'left'))} ◆" in tab_row(app), what="left marker")
        assert "› ◆" not in tab_row(app)
        # One on the right asks for permission: that side says so.
        app.set_marker(keys[-1], Marker.NEEDS_PERMISSION)
        await wait_until(pilot, lambda: f"{len(cut_off(app, 'right'))} › ?" in tab_row(app), what="right marker")
        # Its marker cleared, the sign goes.
        app.set_marker(keys[0], None)
        await wait_until(pilot, lambda: "◆" not in tab_row(app), what="left marker gone")
        assert active_in_view(app)


async def test_clicking_a_side_brings_its_nearest_hidden_tab(tmp_path: Path) -> None:
    async with browsing(tmp_path, size=(80, 30)) as (app, pilot):
        keys = await open_all(pilot)
        app.views.activate(app.view_for(keys[6]))
        await wait_until(pilot, lambda: active_in_view(app) and cut_off(app, "left"), what="tabs cut off on the left")
        await wait_until(pilot, lambda: f"‹ {len(cut_off(app, 'left'))} " in tab_row(app), what="the sign for them")
        nearest = cut_off(app, "left")[-1]
        await pilot.click("#tabs-more-left")
        await wait_until(pilot, lambda: app.current_view is not None and app.current_view.tab_id == nearest.id, what="shown")
        await wait_until(pilot, lambda: active_in_view(app), what="in view")


async def test_fitting_tabs_show_no_overflow_sign(tmp_path: Path) -> None:
    async with browsing(tmp_path, size=(120, 30)) as (app, pilot):
        keys = [t.key for t in browse_transcripts()]
        await open_and_settle(pilot, keys[0])
        await pilot.pause()
        row = tab_row(app)
        assert "‹" not in row and "›" not in row
