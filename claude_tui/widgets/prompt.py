"""The prompt under a conversation: a multi-line text area with the session's history.

Enter sends (``PromptArea.Submitted``) once the app turns ``send_on_enter``
on; shift+enter, alt+enter or ctrl+j insert a line break (before that, Enter
inserts one too, so nothing pretends to send). Up on the first line recalls
the session's earlier prompts, Down on the last line comes back (to what was
being written). While prompts wait in the queue (``queued`` > 0), Up in an
empty prompt asks for the last queued one back (``EditQueued``) to change it.
While the completion menu over the prompt is open (``@path``), up, down, tab,
enter and escape work the menu instead; a choice replaces the word being
completed and, when it is final, is told with ``Completed``.
"""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import TextArea
from textual.widgets.text_area import Edit, EditResult

from .. import compat
from .completion_menu import Choice, CompletionMenu
from .pacing import paint_now, pacing

NEWLINE_KEYS = {"shift+enter", "alt+enter", "ctrl+j"}
MENU_KEYS = {"up", "down", "tab", "enter", "escape"}


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

    class Completed(Message):
        """A completion was chosen (``choice.value``: the path picked after ``@``)."""

        def __init__(self, prompt: PromptArea, choice: Choice) -> None:
            super().__init__()
            self.prompt = prompt
            self.choice = choice

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
        self.menu: CompletionMenu | None = None  # set by the pane that holds both

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

    def _menu_key(self, key: str) -> bool:
        """Work the open completion menu with ``key``; True when it took the key."""
        menu = self.menu
        if menu is None or not menu.is_open or key not in MENU_KEYS:
            return False
        if key in ("up", "down"):
            menu.move(-1 if key == "up" else 1)
        elif key == "escape":
            menu.close()
        else:
            choice = menu.current()
            menu.close()
            if choice is not None:
                self.complete(choice)
        return True

    def on_blur(self) -> None:
        if self.menu is not None and self.menu.display:
            self.menu.close()

    def complete(self, choice: Choice) -> None:
        """Put ``choice`` in place of the word it completes; a final one is told."""
        row, column = self.cursor_location
        if row == choice.row and choice.start <= column:
            self.replace(choice.insert, (row, choice.start), (row, column), maintain_selection_offset=False)
        if choice.value is not None:
            self.post_message(self.Completed(self, choice))

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
