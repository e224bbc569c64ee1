"""Scenes of the shared store (issue 15), for snapshots: the folder picker for
a session from another machine whose folder is not here."""

from __future__ import annotations

from typing import Any

from tests.ui.fixtures import wait_until
from tests.ui.scenes import WIDE, Scene

ELSEWHERE = "/home/alice/src/shop"


async def folder_for_a_session_from_elsewhere(pilot: Any) -> None:
    from claude_tui.screens.directory import DirectoryScreen

    app = pilot.app
    app.pick_local_folder(
        ELSEWHERE,
        f"this session ran in {ELSEWHERE}, which is not a folder on this machine: pick the project's folder here ([store] path_map)",
    )
    await wait_until(pilot, lambda: isinstance(app.screen, DirectoryScreen), what="the folder picker")


SHARED_SCENES: dict[str, Scene] = {
    "folder_for_a_session_from_elsewhere": Scene(WIDE, steps=[folder_for_a_session_from_elsewhere]),
}
