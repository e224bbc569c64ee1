"""Export and copy: "Export session", "Copy last reply", "Copy message", "Copy code block".

Export writes ``export.py``'s Markdown or JSON to a file asked for in a dialog
(default: in the session's folder), never over an existing file without
asking, in a thread. Copy goes through Textual's ``App.copy_to_clipboard``
(the terminal's OSC 52), and a notification says what was copied.
"""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

from .literal import safe_line

if TYPE_CHECKING:
    from .app import ClaudeTUI
    from .screens.export import ExportChoice
    from .store import SessionRow
    from .transcript import Message

log = logging.getLogger(__name__)

FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})[^\n]*\n(?P<code>.*?)^(?P=fence)[ \t]*$", re.MULTILINE | re.DOTALL)


def code_blocks(text: str) -> list[str]:
    """The fenced code blocks of a Markdown text, in order, without their fences."""
    return [m.group("code").rstrip("\n") for m in FENCE.finditer(text)]


def last_reply(messages: list[Message]) -> Message | None:
    """The newest assistant message with text."""
    return next((m for m in reversed(messages) if m.role == "assistant" and m.text.strip()), None)


def default_name(row: SessionRow, fmt: str) -> str:
    """A file name from the title: lower case words joined by dashes, and the id's start."""
    words = re.findall(r"[a-z0-9]+", row.display_title.lower())[:8]
    stem = "-".join(words) or "session"
    return f"{stem}-{row.session_id[:8]}.{'md' if fmt == 'markdown' else 'json'}"


def write_new(path: Path, text: str, *, overwrite: bool) -> None:
    """Write ``text`` to ``path``; unless ``overwrite``, fail if it exists (FileExistsError)."""
    with open(path, "w" if overwrite else "x", encoding="utf-8") as handle:
        handle.write(text)


class ExportCopy:
    """Export and copy for one app (``app.session_actions.export_copy``)."""

    def __init__(self, app: ClaudeTUI) -> None:
        self.app = app

    # -- copy -------------------------------------------------------------------------

    def _chat_messages(self) -> list[Message]:
        view = self.app.current_view
        return list(self.app.views.pane(view).chat.messages) if view is not None else []

    def _focused_message(self) -> Message | None:
        """The message holding the focus (a fold in it), else the last one on screen."""
        from .widgets.message import MessageView

        app = self.app
        view = app.current_view
        if view is None:
            return None
        chat = app.views.pane(view).chat
        focused = app.screen_stack[0].focused if app.screen_stack else None
        if focused is not None:
            for node in focused.ancestors_with_self:
                if isinstance(node, MessageView):
                    return node.message
        shown = [w for w in chat.query(MessageView) if chat.region.overlaps(w.region) and w.message.text.strip()]
        if shown:
            return shown[-1].message
        return last_reply(self._chat_messages())

    def _copy(self, text: str, what: str) -> None:
        self.app.copy_to_clipboard(text)
        lines = text.count("\n") + 1
        self.app.notify(
            safe_line(f"Copied {what} ({len(text)} characters, {lines} line{'s' if lines != 1 else ''})"),
            title="copied",
            markup=False,
        )

    def _nothing(self, what: str) -> None:
        self.app.notify(f"Nothing to copy: {what}", title="copy", severity="warning", markup=False)

    def copy_last_reply(self) -> None:
        reply = last_reply(self._chat_messages())
        if reply is None:
            self._nothing("no reply from Claude in this session yet.")
            return
        self._copy(reply.text, "the last reply")

    def copy_message(self) -> None:
        message = self._focused_message()
        if message is None or not message.text.strip():
            self._nothing("no message with text on screen.")
            return
        self._copy(message.text, "your message" if message.role == "user" else "Claude's message")

    def copy_code_block(self) -> None:
        """The last code block of the focused message (else of the newest reply that has one)."""
        message = self._focused_message()
        blocks = code_blocks(message.text) if message is not None else []
        if not blocks:
            for candidate in reversed(self._chat_messages()):
                blocks = code_blocks(candidate.text)
                if blocks:
                    break
        if not blocks:
            self._nothing("no code block in this session's messages.")
            return
        self._copy(blocks[-1], "a code block")

    # -- export -----------------------------------------------------------------------

    def export(self, row: SessionRow) -> None:
        from .screens.export import ExportScreen

        folder = Path(row.cwd) if row.cwd and Path(row.cwd).is_dir() else self.app.cwd

        def answered(choice: ExportChoice | None) -> None:
            if choice is not None:
                self.app.run_worker(self.write(row, choice, folder), group="export", exit_on_error=False)

        self.app.push_screen(ExportScreen(row.display_title, folder, lambda fmt: default_name(row, fmt)), answered)

    async def write(self, row: SessionRow, choice: ExportChoice, folder: Path) -> Path | None:
        """Render and write the export; asks before replacing a file. The path written, or None."""
        from .export import to_json, to_markdown
        from .screens.confirm import ConfirmScreen

        app = self.app
        if app.store is None:
            return None
        target = Path(choice.path).expanduser()
        if not target.is_absolute():
            target = folder / target
        # The row as stored now: the sidebar's rows hold no last prompt (SessionRow.LIST_COLUMNS).
        row = await app.store.session(row.project_key, row.session_id) or row
        entries = list(await app.store.load({"project_key": row.project_key, "session_id": row.session_id}) or [])
        render = to_markdown if choice.format == "markdown" else to_json
        text = await asyncio.to_thread(render, row, entries, tools=choice.tools, thinking=choice.thinking)
        overwrite = False
        while True:
            try:
                await asyncio.to_thread(write_new, target, text, overwrite=overwrite)
                break
            except FileExistsError:
                question = ConfirmScreen("Replace the file?", f"{target} exists.\n\nReplace it with this export?", yes="Replace")
                if not await app.push_screen_wait(question):
                    app.notify(safe_line(f"Not exported: {target} exists and was kept."), title="export session", severity="warning", markup=False)
                    return None
                overwrite = True
            except OSError as exc:
                app.notify(
                    safe_line(f"Cannot write {target}: {exc.strerror or exc}. Choose another file name."),
                    title="export session",
                    severity="error",
                    markup=False,
                )
                return None
        app.notify(safe_line(f"Exported {row.display_title} to {target}"), title="export session", markup=False)
        return target
