"""Scenes of slash-command completion (for snapshots): the CLI's commands come
from a recorded init message and a recorded initialize answer (tests/data/cli_stream)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.ui.fixtures import open_and_settle, turn_transcript, wait_until
from tests.ui.scenes import WIDE, Scene

STREAMS = Path(__file__).parent.parent / "data" / "cli_stream"


def recorded_init() -> Any:
    """``SessionStarted`` as the translator makes it from the recorded init message."""
    from claude_agent_sdk import SystemMessage

    from claude_tui.engine.translate import Translator, TurnTranslation

    line = json.loads((STREAMS / "text_partial.jsonl").read_text().splitlines()[0])
    assert line["subtype"] == "init"
    step = Translator(line["session_id"], line["cwd"]).translate(SystemMessage("init", line), TurnTranslation())
    (started,) = step.events
    return started


def recorded_commands() -> Any:
    """``CommandsKnown`` from the recorded ``get_server_info()`` answer."""
    from claude_tui.engine.events import CommandsKnown
    from claude_tui.engine.translate import commands_of

    info = json.loads((STREAMS / "server_info_commands.json").read_text())
    return CommandsKnown("recorded", commands_of(info))


async def slash_menu_open(pilot: Any) -> None:
    app = pilot.app
    await open_and_settle(pilot, turn_transcript().key)
    app.live.feed(recorded_init())
    app.live.feed(recorded_commands())
    pane = app.pane_for_view(app.current_view)
    pane.prompt.focus()
    await pilot.press(*"/co")
    await wait_until(pilot, lambda: pane.prompt.menu.is_open, what="slash menu")
    await pilot.press("down")
    await pilot.pause()


SLASH_SCENES: dict[str, Scene] = {
    "slash_menu_open": Scene(WIDE, steps=[slash_menu_open]),
}
