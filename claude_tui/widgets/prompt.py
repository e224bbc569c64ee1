"""The prompt under a conversation: a multi-line text area.

Sending arrives with the engine. Until the app turns ``send_on_enter`` on,
Enter inserts a line break like in any editor, so nothing pretends to send.
With it on, Enter posts ``PromptArea.Submitted`` and shift+enter, alt+enter
or ctrl+j insert a line break.
"""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import TextArea

NEWLINE_KEYS = {"shift+enter", "alt+enter", "ctrl+j"}


class PromptArea(TextArea):
    """Where the user writes the next prompt for one session or draft."""

    send_on_enter: reactive[bool] = reactive(False)

    class Submitted(Message):
        """The user asked to send ``text``; the app decides what happens to it."""

        def __init__(self, prompt: PromptArea, text: str) -> None:
            super().__init__()
            self.prompt = prompt
            self.text = text

        @property
        def control(self) -> PromptArea:
            return self.prompt

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(
            id=id,
            classes=classes,
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            compact=True,
            highlight_cursor_line=False,
            placeholder="Write a prompt",
        )

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter" and self.send_on_enter:
            event.stop()
            event.prevent_default()
            if self.text.strip():
                self.post_message(self.Submitted(self, self.text))
            return
        if event.key in NEWLINE_KEYS:
            event.stop()
            event.prevent_default()
            self.insert("\n")
            return
        await super()._on_key(event)
