"""The app states that snapshots and ``screenshots/make.py`` picture, as pilot steps.

Each scene names a terminal size, whether the store holds the browse fixture,
and the steps that lead from a settled start-up to the state.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from claude_tui.widgets.marker import Marker
from tests.ui.fixtures import (
    browse_transcripts,
    long_transcript,
    markup_transcript,
    open_and_settle,
    settle,
    turn_transcript,
    wait_until,
)

Step = Callable[[Any], Awaitable[None]]
WIDE = (120, 36)
NARROW = (80, 24)


async def all_markers(pilot: Any) -> None:
    keys = [t.key for t in browse_transcripts()]
    pilot.app.set_markers(
        {
            keys[1]: Marker.STREAMING,
            keys[2]: Marker.ERROR,
            keys[3]: Marker.QUEUED,
            keys[4]: Marker.UNREAD,
            keys[5]: Marker.NEEDS_PERMISSION,
        }
    )
    await pilot.pause()


async def filter_kiwi(pilot: Any) -> None:
    await pilot.press(*"kiwi")
    await wait_until(pilot, lambda: pilot.app.filter_done == "kiwi", what="filter applied")


async def open_turn(pilot: Any) -> None:
    await open_and_settle(pilot, turn_transcript().key)


async def expand_tools(pilot: Any) -> None:
    from claude_tui.widgets.thinking_block import ThinkingBlock
    from claude_tui.widgets.tool_block import ToolBlock

    await open_and_settle(pilot, turn_transcript().key)
    pane = pilot.app.pane_for(turn_transcript().key)
    tools = list(pane.query(ToolBlock))
    tools[0].collapsed = False
    tools[2].collapsed = False
    list(pane.query(ThinkingBlock))[0].collapsed = False
    await pilot.pause()
    pane.chat.scroll_home(animate=False)
    await pilot.pause()


async def open_markup(pilot: Any) -> None:
    await open_and_settle(pilot, markup_transcript().key)


async def open_hit(pilot: Any) -> None:
    app = pilot.app
    await pilot.press(*"unicorn")
    await wait_until(pilot, lambda: app.filter_done == "unicorn", what="filter applied")
    await pilot.press("down", "down", "enter")
    await wait_until(pilot, lambda: app.view_for(long_transcript().key) is not None, what="opened")
    await wait_until(pilot, lambda: not any(w.is_running for w in app.workers), what="idle")
    await pilot.pause()


async def show_help(pilot: Any) -> None:
    await pilot.press("f1")
    await pilot.pause()


async def palette(pilot: Any) -> None:
    from textual.command import CommandPalette

    app = pilot.app
    app.action_switch_session()
    await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), what="palette")
    await pilot.press(*"cart")
    screen = app.screen
    await wait_until(pilot, lambda: screen.query_one("CommandList").option_count > 0, what="hits")
    await wait_until(pilot, lambda: not any(w.is_running for w in screen.workers), what="search done")
    await pilot.pause()


async def several_open(pilot: Any) -> None:
    await open_and_settle(pilot, long_transcript().key)
    await open_and_settle(pilot, turn_transcript().key)
    await pilot.press("ctrl+n")
    await pilot.pause()
    await pilot.press("alt+2")
    await pilot.pause()


@dataclass
class Scene:
    size: tuple[int, int]
    browse: bool = True
    steps: list[Step] = field(default_factory=list)

    def run_before(self) -> Step:
        async def run(pilot: Any) -> None:
            await settle(pilot)
            for step in self.steps:
                await step(pilot)
            await pilot.pause()
            await pilot.wait_for_scheduled_animations()

        return run


SCENES: dict[str, Scene] = {
    "first_run_empty_state": Scene(WIDE, browse=False),
    "sidebar_groups_and_markers": Scene(WIDE, steps=[all_markers]),
    "filter_active": Scene(WIDE, steps=[filter_kiwi]),
    "finished_turn_with_thinking_and_tools": Scene(WIDE, steps=[open_turn]),
    "tool_blocks_expanded": Scene(WIDE, steps=[expand_tools]),
    "markup_and_escapes_shown_literally": Scene(WIDE, steps=[open_markup]),
    "full_text_hit_opens_at_message": Scene(WIDE, steps=[open_hit]),
    "narrow_start": Scene(NARROW, steps=[all_markers]),
    "narrow_session_open": Scene(NARROW, steps=[open_turn]),
    "help_screen": Scene(WIDE, steps=[show_help]),
    "palette_switcher": Scene(WIDE, steps=[palette]),
    "several_open_sessions": Scene(WIDE, steps=[several_open]),
}
