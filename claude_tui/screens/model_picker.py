"""Change model: a list of models the Claude Code CLI accepts, plus free text.

The list holds the CLI's aliases (``sonnet``, ``opus``, ``haiku`` follow the
newest of each family) and full model names; the field above takes any
other name the CLI accepts. Enter in the field uses what is typed; Enter in
the list picks the row. Dismisses with the model name ("" for the CLI's
default), or None on Escape.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ..literal import literal_line

MODELS = (
    ("", "the CLI's default model"),
    ("sonnet", "alias: the newest Sonnet"),
    ("opus", "alias: the newest Opus"),
    ("haiku", "alias: the newest Haiku"),
    ("claude-sonnet-4-5", "Claude Sonnet 4.5"),
    ("claude-opus-4-1", "Claude Opus 4.1"),
    ("claude-haiku-4-5", "Claude Haiku 4.5"),
)


def valid_model(text: str) -> str | None:
    """Why ``text`` cannot be a model name, or None."""
    if any(ch.isspace() for ch in text.strip()):
        return "a model name has no spaces"
    if any(ord(ch) < 32 for ch in text):
        return "a model name has no control characters"
    return None


class ModelScreen(ModalScreen[str | None]):
    BINDINGS = [
        Binding("escape", "dismiss_none", "Cancel", show=False),
        Binding("down", "to_list", "List", show=False),
    ]

    def __init__(self, current: str | None, session_title: str = "") -> None:
        super().__init__()
        self.current = current or ""
        self.session_title = session_title

    def compose(self) -> ComposeResult:
        with Vertical(id="model-box", classes="small-modal"):
            yield Static(Content.assemble(("Change model", "bold")), classes="modal-title")
            if self.session_title:
                yield Static(literal_line(self.session_title, "dim"), classes="modal-subtitle")
            yield Input(placeholder="a model name, e.g. claude-sonnet-4-5 (Enter uses it)", id="model-input")
            options = []
            for name, words in MODELS:
                mark = "● " if name == self.current else "  "
                options.append(Option(Content.assemble((mark + (name or "default").ljust(20), "bold"), (words, "dim")), id=name or "-"))
            yield OptionList(*options, id="model-list")
            yield Static("", id="model-error")
            yield Static("type a name or pick one · applies from the next turn · Escape keeps it", classes="modal-hint")

    def on_mount(self) -> None:
        self.query_one("#model-input", Input).focus()

    @on(Input.Changed, "#model-input")
    def _changed(self, event: Input.Changed) -> None:
        self.query_one("#model-error", Static).update(literal_line(valid_model(event.value) or ""))

    @on(Input.Submitted, "#model-input")
    def _typed(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.action_to_list()
            return
        error = valid_model(text)
        if error is not None:
            self.query_one("#model-error", Static).update(literal_line(error))
            return
        self.dismiss(text)

    @on(OptionList.OptionSelected, "#model-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss("" if event.option.id == "-" else event.option.id)

    def action_to_list(self) -> None:
        self.query_one(OptionList).focus()

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
