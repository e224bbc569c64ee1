"""The prompt under a conversation: a multi-line text area with the session's history.

Enter sends (``PromptArea.Submitted``) once the app turns ``send_on_enter``
on; shift+enter, alt+enter or ctrl+j insert a line break (before that, Enter
inserts one too, so nothing pretends to send). Up on the first line recalls
the session's earlier prompts, Down on the last line comes back (to what was
being written). While prompts wait in the queue (``queued`` > 0), Up in an
empty prompt asks for the last queued one back (``EditQueued``) to change it.
While "/name" is typed, the slash menu under it (``menu``, filled from
``completer``) lists the commands that fit: up and down move in it, Tab takes
the highlighted one (so does Enter until the name is complete), Escape closes it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import TextArea
from textual.widgets.text_area import Edit, EditResult

from .. import compat
from .pacing import paint_now, pacing

if TYPE_CHECKING:
    from ..slash_commands import SlashEntry
    from .slash_menu import SlashMenu

NEWLINE_KEYS = {"shift+enter", "alt+enter", "ctrl+j"}
MENU_ROWS = 8

Completer = Callable[[str], "list[SlashEntry]"]


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

    class EditQueued(Message):
        """Up in the empty prompt while prompts are queued: take the last one back."""

        def __init__(self, prompt: PromptArea) -> None:
            super().__init__()
            self.prompt = prompt

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
        self.prompt_history: list[str] = []  # this session's earlier prompts, oldest first
        self.queued = 0
        self._recall: int | None = None  # index into history while recalling
        self._draft = ""  # what was being written before recalling
        self._painted_now = False  # the current key's edit was drawn at once
        self.menu: SlashMenu | None = None
        self.completer: Completer | None = None

    # -- the slash menu ---------------------------------------------------------------------

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """Keep the slash menu in step with the text (the event goes on to the app)."""
        self.refresh_menu()

    def refresh_menu(self) -> None:
        menu, completer = self.menu, self.completer
        if menu is None:
            return
        text = self.text
        entries = completer(text) if completer is not None and text.startswith("/") else []
        if entries or menu.is_open:
            menu.show(entries, MENU_ROWS)

    def _menu_key(self, key: str) -> bool:
        """A key the open slash menu takes; True if it did."""
        menu = self.menu
        if menu is None or not menu.is_open:
            return False
        if key in ("up", "down"):
            menu.move(-1 if key == "up" else 1)
            return True
        if key == "escape":
            menu.close()
            return True
        chosen = menu.chosen
        if chosen is None:
            return False
        if key == "tab" or (key == "enter" and self.text.strip() != f"/{chosen.name}"):
            self.set_text(f"/{chosen.name} ")
            menu.close()
            return True
        return False

    def remember(self, text: str) -> None:
        """Add a sent prompt to the history (and stop recalling)."""
        if text.strip() and (not self.prompt_history or self.prompt_history[-1] != text):
            self.prompt_history.append(text)
        self._recall = None

    def set_text(self, text: str) -> None:
        """Replace the text and put the cursor at its end."""
        self.load_text(text)
        self.move_cursor(self.document.end)

    def _on_up_at_top(self) -> bool:
        if self.queued and not self.text:
            self.post_message(self.EditQueued(self))
            return True
        if not self.prompt_history:
            return False
        if self._recall is None:
            self._draft = self.text
            self._recall = len(self.prompt_history) - 1
        elif self._recall > 0:
            self._recall -= 1
        else:
            return True
        self.set_text(self.prompt_history[self._recall])
        return True

    def _on_down_at_bottom(self) -> bool:
        if self._recall is None:
            return False
        if self._recall < len(self.prompt_history) - 1:
            self._recall += 1
            self.set_text(self.prompt_history[self._recall])
        else:
            self._recall = None
            self.set_text(self._draft)
        return True

    async def _on_key(self, event: events.Key) -> None:
        pacing.input_seen()
        if self._menu_key(event.key):
            event.stop()
            event.prevent_default()
            return
        if event.key == "enter" and self.send_on_enter:
            event.stop()
            event.prevent_default()
            if self.text.strip():
                if self.menu is not None:
                    self.menu.close()
                self.post_message(self.Submitted(self, self.text))
            return
        if event.key in NEWLINE_KEYS:
            event.stop()
            event.prevent_default()
            self.insert("\n")
            return
        selection = self.selection
        collapsed = selection.start == selection.end
        if event.key == "up" and collapsed and self.cursor_location[0] == 0:
            if self._on_up_at_top():
                event.stop()
                event.prevent_default()
                return
        if event.key == "down" and collapsed and self.cursor_location[0] == self.document.line_count - 1:
            if self._on_down_at_bottom():
                event.stop()
                event.prevent_default()
                return
        self._painted_now = False
        await compat.text_area_key(PromptArea, self, event)  # the text area's own insert / move
        if not self._painted_now:  # not an edit (or not drawn at once): it shows with the next frame
            self.call_after_refresh(pacing.input_painted)

    def edit(self, edit: Edit) -> EditResult:
        """Every change of the text; a typed one is drawn at once (see ``paint_now``)."""
        result = super().edit(edit)
        if self.has_focus and paint_now(self):
            self._painted_now = True
            pacing.input_painted()
        return result
