"""Scenes of a moved project folder (the sidebar's marks, the "Move project"
dialog), for snapshots; the store's made-up folders are all there except the shop's."""

from __future__ import annotations

from typing import Any

from tests.ui.fixtures import SHOP, project_key, sid, wait_until
from tests.ui.scenes import WIDE, Scene

CART = (project_key(SHOP), sid(6))


async def shop_gone(pilot: Any) -> None:
    app = pilot.app
    checks = app.folders.checks
    app.folders.exists = lambda path: path != SHOP
    app.folders.recheck()
    await wait_until(pilot, lambda: app.folders.checks > checks and app.folders.missing, what="checked")
    app.session_list.focus()
    app.session_list.select_key(CART)
    await pilot.pause()


async def move_dialog(pilot: Any) -> None:
    from claude_tui.screens.move_project import MoveProjectScreen

    app = pilot.app
    await app.run_action("move_project")
    await wait_until(pilot, lambda: isinstance(app.screen, MoveProjectScreen) and app.screen.query("#move-input"), what="dialog")
    box = app.screen.query_one("#move-input")
    box.value = "/work/projects/shop-2026"
    box.cursor_position = len(box.value)
    await pilot.pause()


MOVE_SCENES: dict[str, Scene] = {
    "moved_folder_marker": Scene(WIDE, steps=[shop_gone]),
    "move_project_dialog": Scene(WIDE, steps=[shop_gone, move_dialog]),
}
