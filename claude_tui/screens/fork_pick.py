""""Fork from message": the session's user messages, newest last, to fork from.

A small modal list: each row is a message's number and its first line, shown
literally. Enter (or a click) dismisses with the message's number, Escape
with None. The cursor starts on the user message on screen when the chat pane
has the focus (alt+m there), else on the newest message.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..literal import literal_line, safe_line


def message_row(number: int, text: str, width: int = 70) -> Content:
    """``  N  first line of the message …`` (literal, cut to ``width`` cells)."""
    line = safe_line(" ".join(text.split()))
    if len(line) > width:
        line = line[: width - 1].rstrip() + "…"
    return Content.assemble((f"{number:>3}  ", "$text-muted"), Content(line))


class ForkPickScreen(ModalScreen[int | None]):
    """Which user message to fork from; dismisses with its 1-based number."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, session_title: str, messages: list[tuple[int, str]], *, start: int | None = None) -> None:
        super().__init__()
        self.session_title = session_title
        self.messages = messages
        self.start = start
        """The number of the message the cursor starts on (None: the newest)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="fork-pick-box", classes="small-modal"):
            yield Static(Content.assemble(("Fork from message", "bold")), classes="modal-title")
            yield Static(literal_line(self.session_title, "dim"), classes="modal-subtitle")
            yield OptionList(*(Option(message_row(n, text), id=str(n)) for n, text in self.messages), id="fork-pick-list")
            yield Static(
                "Enter: a new session with the history up to this message and its reply,"
                " the message in its prompt to edit · Escape cancels",
                classes="modal-hint",
            )

    def on_mount(self) -> None:
        listed = self.query_one("#fork-pick-list", OptionList)
        numbers = [n for n, _ in self.messages]
        if self.messages:
            listed.highlighted = numbers.index(self.start) if self.start in numbers else len(numbers) - 1
        listed.focus()

    @on(OptionList.OptionSelected, "#fork-pick-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def action_cancel(self) -> None:
        self.dismiss(None)
