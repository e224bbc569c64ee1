"""``@path`` in the prompt: the word being completed, the files that fit it, attaching the one chosen.

As in Claude Code, ``@`` followed by a path completes from the session's
folder: ``@src/ma`` lists what in ``src/`` starts with (then contains) "ma",
folders first; choosing a folder narrows to it, choosing a file attaches it
as a context file (the same as the picker) and leaves ``@path`` in the text
so the prompt can refer to it. Folders are read in a thread, never on the UI
thread; a folder that cannot be read offers nothing. Dot files are offered
only when the typed name starts with a dot.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .widgets.completion_menu import Choice

if TYPE_CHECKING:
    from .app import ClaudeTUI
    from .widgets.prompt import PromptArea

log = logging.getLogger(__name__)

MAX_CHOICES = 40


@dataclass(frozen=True)
class AtWord:
    """``@typed`` on ``row``, its ``@`` at column ``start``; the cursor is at its end."""

    row: int
    start: int
    typed: str


def at_word(line: str, row: int, column: int) -> AtWord | None:
    """The ``@word`` that ends at ``column`` of ``line``, if the cursor is at the end of one."""
    if column < len(line) and not line[column].isspace():
        return None
    start = column
    while start > 0 and not line[start - 1].isspace():
        start -= 1
    word = line[start:column]
    if not word.startswith("@"):
        return None
    return AtWord(row, start, word[1:])


def _folder_and_name(cwd: Path, typed: str) -> tuple[Path, str, str]:
    """The folder to list, the name typed in it, and how the folder is written."""
    head, _, name = typed.rpartition("/")
    written = f"{head}/" if head or typed.startswith("/") else ""
    folder = Path(os.path.expanduser(head or ("/" if typed.startswith("/") else "")))
    if not folder.is_absolute():
        folder = cwd / folder
    return folder, name, written


def path_choices(cwd: Path, word: AtWord, limit: int = MAX_CHOICES) -> list[Choice]:
    """What fits ``word`` (see the module docstring); never raises."""
    folder, name, written = _folder_and_name(cwd, word.typed)
    lowered = name.lower()
    starts: list[tuple[bool, str, Path]] = []
    contains: list[tuple[bool, str, Path]] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith(".") and not name.startswith("."):
                    continue
                low = entry.name.lower()
                if low.startswith(lowered):
                    bucket = starts
                elif lowered and lowered in low:
                    bucket = contains
                else:
                    continue
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                bucket.append((not is_dir, entry.name, Path(entry.path)))
    except OSError:
        return []
    found = sorted(starts, key=lambda e: (e[0], e[1].lower())) + sorted(contains, key=lambda e: (e[0], e[1].lower()))
    choices = []
    for is_file, entry_name, path in found[:limit]:
        shown = f"{written}{entry_name}" + ("" if is_file else "/")
        choices.append(
            Choice(
                label=shown,
                insert=f"@{shown}" + (" " if is_file else ""),
                row=word.row,
                start=word.start,
                value=str(path) if is_file else None,
            )
        )
    return choices


class PathCompleter:
    """Fills the prompt's menu as ``@path`` is typed; attaches a chosen file."""

    def __init__(self, app: ClaudeTUI) -> None:
        self.app = app
        self._asked = 0  # the newest request: an older answer is dropped

    def changed(self, prompt: PromptArea) -> None:
        menu = prompt.menu
        if menu is None:
            return
        row, column = prompt.cursor_location
        word = at_word(prompt.document.get_line(row), row, column) if prompt.has_focus else None
        self._asked += 1
        if word is None:
            if menu.display:
                menu.close()
            return
        asked = self._asked
        cwd = self._cwd()

        async def fill() -> None:
            choices = await asyncio.to_thread(path_choices, cwd, word)
            if asked == self._asked and prompt.is_attached:
                menu.offer(choices)

        self.app.run_worker(fill(), group="path-completion", exclusive=True, exit_on_error=False)

    def chosen(self, path: str) -> None:
        """A file picked after ``@``: attached to the session on screen, as from the picker."""
        self.app.panels.attach_paths([Path(path)])

    def _cwd(self) -> Path:
        view = self.app.current_view
        live = self.app.live.session_of(view) if view is not None else None
        return live.cwd if live is not None else Path.cwd()
