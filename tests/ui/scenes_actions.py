"""Scenes of the session actions (dialogs, marked rows, archived view), for
snapshots; kept apart from ``scenes.py`` so each feature's scenes are in its own file."""

from __future__ import annotations

from typing import Any

from tests.ui.fixtures import DOCS, PINNED_SESSION, SHOP, project_key, sid, wait_until
from tests.ui.scenes import WIDE, Scene

FLAKY = (project_key(SHOP), sid(5))
CART = (project_key(SHOP), sid(6))
DARK = (project_key(SHOP), sid(7))
RELEASE = (project_key(DOCS), PINNED_SESSION)


async def stored(pilot: Any, key: tuple[str, str], **fields: Any) -> None:
    """Change a stored session quietly (no notification in the picture)."""
    await pilot.app.store.update_session(*key, **fields)
    await pilot.app.session_actions._changed(key)


async def highlight(pilot: Any, key: tuple[str, str]) -> None:
    pilot.app.session_list.focus()
    pilot.app.session_list.select_key(key)
    await pilot.pause()


async def rename_dialog(pilot: Any) -> None:
    from claude_tui.screens.rename import RenameScreen

    await highlight(pilot, CART)
    await pilot.press("f2")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, RenameScreen), what="rename dialog")


async def tag_dialog(pilot: Any) -> None:
    from claude_tui.screens.rename import TagScreen

    app = pilot.app
    await stored(pilot, RELEASE, tag="release docs")
    await highlight(pilot, CART)
    await app.run_action("tag_session")
    await wait_until(pilot, lambda: isinstance(app.screen, TagScreen), what="tag dialog")
    await pilot.press(*"bug re")
    await wait_until(pilot, lambda: app.screen.query_one("#tag-input")._suggestion == "bug release", what="completion")


async def marked_rows(pilot: Any) -> None:
    app = pilot.app
    await stored(pilot, FLAKY, tag="urgent")
    await stored(pilot, CART, pinned=True)
    await highlight(pilot, FLAKY)
    await pilot.press("space", "space")  # flaky and the next one (dark mode) marked
    await pilot.pause()


async def archived_view(pilot: Any) -> None:
    app = pilot.app
    await stored(pilot, CART, archived=True)
    await stored(pilot, RELEASE, archived=True)
    app.session_actions.toggle_archived_view()
    await wait_until(pilot, lambda: len(app.index.rows) == 2 and len(app.session_list.rows) == 4, what="archived view")
    await highlight(pilot, CART)


async def delete_confirmation(pilot: Any) -> None:
    from claude_tui.screens.confirm import ConfirmScreen

    await highlight(pilot, FLAKY)
    await pilot.press("space", "space")
    await pilot.press("delete")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen), what="confirmation")


async def export_dialog(pilot: Any) -> None:
    from claude_tui.screens.export import ExportScreen
    from tests.ui.fixtures import open_and_settle, turn_transcript

    app = pilot.app
    await open_and_settle(pilot, turn_transcript().key)
    await app.run_action("export_session")
    await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen) and app.screen.query("#export-path"), what="export dialog")
    await pilot.click("#export-thinking")  # thinking left out
    app.screen.query_one("#export-path").focus()
    await pilot.pause()  # the footer redraws for the focused box's bindings
    await pilot.pause()


ACTION_SCENES: dict[str, Scene] = {
    "rename_dialog": Scene(WIDE, steps=[rename_dialog]),
    "tag_dialog": Scene(WIDE, steps=[tag_dialog]),
    "marked_rows": Scene(WIDE, steps=[marked_rows]),
    "archived_view": Scene(WIDE, steps=[archived_view]),
    "delete_confirmation": Scene(WIDE, steps=[delete_confirmation]),
    "export_dialog": Scene(WIDE, steps=[export_dialog]),
}
