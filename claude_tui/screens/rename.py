"""A one-line question about a session: its new title ("Rename session") or
its tags ("Tag session", completed from the tags already in use).

Enter answers (with the text, trimmed to one line), Escape cancels (None).
An empty title is refused in the dialog; empty tags clear them.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Static

from ..literal import literal_line


def one_line(text: str) -> str:
    """Whitespace runs (newlines too) become one space; ends trimmed."""
    return " ".join(text.split())


class RenameScreen(ModalScreen[str | None]):
    """The new title of a session, starting from its current one."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="rename-box", classes="small-modal"):
            yield Static(Content.assemble(("Rename session", "bold")), classes="modal-title")
            yield Static(Content.assemble(("now: ", "dim"), literal_line(self.current)), classes="modal-subtitle")
            yield Input(value=self.current, id="rename-input", select_on_focus=True)
            yield Static("", id="rename-error", classes="modal-error")
            yield Static(
                "Enter renames it (here and in Claude Code) · Escape keeps the title", classes="modal-hint"
            )

    def on_mount(self) -> None:
        self.query_one("#rename-input", Input).focus()

    @on(Input.Submitted, "#rename-input")
    def _submitted(self, event: Input.Submitted) -> None:
        title = one_line(event.value)
        if not title:
            self.query_one("#rename-error", Static).update("Type a title (Escape keeps the current one).")
            return
        self.dismiss(title)

    def action_cancel(self) -> None:
        self.dismiss(None)


def split_tags(text: str) -> list[str]:
    """Tags as typed: separated by commas or spaces, each once, in order."""
    seen: list[str] = []
    for word in text.replace(",", " ").split():
        if word not in seen:
            seen.append(word)
    return seen


class TagSuggester(Suggester):
    """Completes the last word typed from the tags in use (Right or End accepts)."""

    def __init__(self, known: list[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.known = sorted(set(known))

    async def get_suggestion(self, value: str) -> str | None:
        if not value or value[-1] in " ,":
            return None
        last = value.replace(",", " ").rsplit(" ", 1)[-1]
        typed = set(split_tags(value)[:-1])
        for tag in self.known:
            if tag.startswith(last) and tag != last and tag not in typed:
                return value[: len(value) - len(last)] + tag
        return None


class TagScreen(ModalScreen[str | None]):
    """A session's tags, space separated; completion from ``known``."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, title: str, current: list[str], known: list[str]) -> None:
        super().__init__()
        self.session_title = title
        self.current = current
        self.known = known

    def compose(self) -> ComposeResult:
        with Vertical(id="tag-box", classes="small-modal"):
            yield Static(Content.assemble(("Tag session", "bold")), classes="modal-title")
            yield Static(literal_line(self.session_title), classes="modal-subtitle")
            value = " ".join(self.current) + (" " if self.current else "")
            yield Input(value=value, id="tag-input", suggester=TagSuggester(self.known), placeholder="tags")
            in_use = ", ".join(sorted(set(self.known))) or "none yet"
            yield Static(Content.assemble(("in use: ", "dim"), literal_line(in_use)), classes="modal-hint")
            yield Static(
                "Space between tags · Right completes · Enter saves (empty clears) · Escape keeps them",
                classes="modal-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#tag-input", Input).focus()

    @on(Input.Submitted, "#tag-input")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(" ".join(split_tags(event.value)))

    def action_cancel(self) -> None:
        self.dismiss(None)
