"""Scenes of forks and notes (the fork-from-message list, a fork's lineage line
and sidebar mark, the note dialog), for snapshots. The fork in the lineage
scene is written straight into the store (a real fork gets a random id and the
time of making), so the picture is the same every run."""

from __future__ import annotations

from typing import Any

from tests.ui.fixtures import INFRA, LONG_SESSION, open_and_settle, project_key, wait_until
from tests.ui.scenes import PANELS_WIDE, WIDE, Scene
from tests.ui.scenes_actions import CART, FLAKY, highlight, stored

LONG = (project_key(INFRA), LONG_SESSION)


async def fork_pick_dialog(pilot: Any) -> None:
    from claude_tui.screens.fork_pick import ForkPickScreen

    app = pilot.app
    await highlight(pilot, LONG)
    await pilot.press("alt+m")
    await wait_until(pilot, lambda: isinstance(app.screen, ForkPickScreen) and app.screen.query("#fork-pick-list"), what="list")
    listed = app.screen.query_one("#fork-pick-list")
    await wait_until(pilot, lambda: listed.highlighted == 59, what="the cursor on the newest")
    await pilot.press("up", "up")
    await pilot.pause()


async def fork_lineage(pilot: Any) -> None:
    app = pilot.app
    await stored(pilot, CART, parent_session_id=FLAKY[1], fork_message=1, note="compare with the [b]rounding[/b] branch")
    await open_and_settle(pilot, CART)
    await wait_until(pilot, lambda: "forked from" in app.panels.side.session.plain, what="lineage line")
    app.panels.refresh()
    await pilot.pause()


async def note_dialog(pilot: Any) -> None:
    from claude_tui.screens.note import NoteScreen

    app = pilot.app
    await stored(pilot, CART, note="ask Bob about the pennies")
    await highlight(pilot, CART)
    app.action_session_note()
    await wait_until(pilot, lambda: isinstance(app.screen, NoteScreen) and app.screen.query("#note-input"), what="note dialog")


FORK_SCENES: dict[str, Scene] = {
    "fork_pick_dialog": Scene(WIDE, steps=[fork_pick_dialog]),
    "fork_lineage": Scene(PANELS_WIDE, steps=[fork_lineage]),
    "note_dialog": Scene(WIDE, steps=[note_dialog]),
}
