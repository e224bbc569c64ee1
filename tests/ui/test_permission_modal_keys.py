"""The permission modal answers with single keys; Escape denies."""

from __future__ import annotations

import pytest
from textual.app import App

from claude_tui.engine.permissions import Decision, PermissionAnswer, PermissionRequest
from claude_tui.screens.permission import PermissionScreen

REQUEST = PermissionRequest(7, "s1", "Bash", {"command": "make"}, cwd="/w")


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.answers: list[PermissionAnswer] = []

    def on_mount(self) -> None:
        self.push_screen(PermissionScreen(REQUEST), self.answers.append)


@pytest.mark.parametrize(
    "keys, expected",
    [
        (["y"], PermissionAnswer(Decision.ALLOW_ONCE)),
        (["a"], PermissionAnswer(Decision.ALLOW_SESSION)),
        (["n"], PermissionAnswer(Decision.DENY)),
        (["escape"], PermissionAnswer(Decision.DENY)),
        (["d", "y", "a", "n", "k", "enter"], PermissionAnswer(Decision.DENY, "yank")),
    ],
)
async def test_single_key_answers(keys: list[str], expected: PermissionAnswer) -> None:
    app = Host()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
        assert app.answers == [expected]
        assert not isinstance(app.screen, PermissionScreen)
