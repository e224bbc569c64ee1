"""The prompt box: Enter sends, a documented key breaks the line, up/down recall
this session's prompts only from the first/last line, up takes back a queued prompt."""

from __future__ import annotations

from textual.app import App, ComposeResult

from claude_tui.widgets.prompt import PromptArea


class PromptApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[object] = []

    def compose(self) -> ComposeResult:
        yield PromptArea()

    def on_prompt_area_submitted(self, event: PromptArea.Submitted) -> None:
        self.seen.append(("sent", event.text))

    def on_prompt_area_edit_queued(self, event: PromptArea.EditQueued) -> None:
        self.seen.append("edit-queued")


async def test_history_recall_only_from_the_first_and_last_line() -> None:
    app = PromptApp()
    async with app.run_test() as pilot:
        prompt = app.query_one(PromptArea)
        prompt.send_on_enter = True
        prompt.focus()
        prompt.prompt_history = ["one", "two\nlines"]
        await pilot.press("x", "shift+enter", "y")  # two lines, cursor on the last
        await pilot.press("up")  # moves the cursor up a line: no recall
        assert prompt.text == "x\ny" and prompt.cursor_location[0] == 0
        await pilot.press("up")  # on the first line: recalls the newest prompt
        assert prompt.text == "two\nlines"
        await pilot.press("up", "up")  # up a line inside it, then the older one
        assert prompt.text == "one"
        await pilot.press("down")
        assert prompt.text == "two\nlines"
        await pilot.press("down")  # past the newest: back to what was being written
        assert prompt.text == "x\ny"
        await pilot.press("enter")
        await pilot.pause()
        assert app.seen == [("sent", "x\ny")]


async def test_up_in_an_empty_prompt_asks_for_the_queued_prompt() -> None:
    app = PromptApp()
    async with app.run_test() as pilot:
        prompt = app.query_one(PromptArea)
        prompt.focus()
        prompt.prompt_history = ["old"]
        prompt.queued = 1
        await pilot.press("up")
        await pilot.pause()
        assert app.seen == ["edit-queued"] and prompt.text == ""
        prompt.queued = 0
        await pilot.press("up")
        assert prompt.text == "old"
