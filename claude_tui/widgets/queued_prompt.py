"""A prompt written while Claude was still answering: it waits here, and goes
out when the reply ends. Up in the empty prompt (or "edit") takes it back into
the prompt to change it; "cancel" drops it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from ..literal import literal


class QueuedPrompt(Vertical):
    class Edit(Message):
        def __init__(self, queued: QueuedPrompt) -> None:
            super().__init__()
            self.queued = queued

    class Cancel(Message):
        def __init__(self, queued: QueuedPrompt) -> None:
            super().__init__()
            self.queued = queued

    def __init__(self, text: str) -> None:
        super().__init__(classes="message -user -queued")
        self.text = text

    def compose(self) -> ComposeResult:
        with Horizontal(classes="queued-header"):
            yield Static(
                Content.assemble(("You", "bold"), "  ", ("queued: sent when the reply ends (↑ edits)", "italic")),
                classes="message-header",
            )
            yield Button("edit", compact=True, classes="queued-edit")
            yield Button("cancel", compact=True, classes="queued-cancel")
        yield Static(literal(self.text), classes="user-text")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.has_class("queued-edit"):
            self.post_message(self.Edit(self))
        else:
            self.post_message(self.Cancel(self))
