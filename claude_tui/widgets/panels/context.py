"""The Context panel: the files attached to the current session, one row each.

A row: the path (relative to the session's folder when inside it), size,
approximate tokens, status (ok, changed since sent, missing, too large,
binary, unreadable, not a file) and whether it was sent. The rows are a
focusable ``OptionList``: "Remove context file" (delete) removes the
highlighted one (``ContextPanel.Remove`` goes up to the app).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...keys import PANEL_BINDINGS
from ...literal import safe_line

STATUS_STYLE = {
    "ok": "$success",
    "changed since sent": "$warning",
    "missing": "$error",
    "too large": "$error",
    "binary": "$error",
    "unreadable": "$error",
    "not a file": "$error",
}


@dataclass(frozen=True)
class FileRow:
    path: str  # absolute, as stored
    shown: str  # relative to the cwd when inside it
    size: int | None
    status: str
    sent: bool


def size_text(size: int | None) -> str:
    if size is None:
        return "—"
    if size >= 1024 * 1024:
        return f"{size / 1048576:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size} B"


def row_content(row: FileRow) -> Content:
    tokens = f"~{max(1, (row.size or 0) // 4):,} tok" if row.size else ""
    sent = "sent" if row.sent and row.status == "ok" else ("not sent" if row.status == "ok" else "")
    return Content.assemble(
        (safe_line(row.shown), "bold"),
        "\n  ",
        (f"{size_text(row.size)}  {tokens}  ", "$text-muted"),
        (row.status, STATUS_STYLE.get(row.status, "")),
        (f"  {sent}" if sent else "", "$text-muted"),
    )


class ContextList(OptionList):
    BINDINGS = PANEL_BINDINGS  # delete (keys.py)

    def action_remove(self) -> None:
        index = self.highlighted
        if index is not None:
            option = self.get_option_at_index(index)
            if option.id:
                self.post_message(ContextPanel.Remove(option.id))


class ContextPanel(Vertical):
    DEFAULT_CLASSES = "panel"

    class Remove(Message):
        def __init__(self, path: str) -> None:
            super().__init__()
            self.path = path

    def __init__(self) -> None:
        super().__init__(id="context-panel")
        self.border_title = "Context"
        self.rows: list[FileRow] = []
        self.plain = ""
        self.updates = 0

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("No files attached.", "$text-muted"), id="context-empty")
        yield ContextList(id="context-list")

    def show_files(self, rows: list[FileRow]) -> bool:
        if rows == self.rows and self.updates:
            return False
        self.rows = list(rows)
        self.updates += 1
        self.query_one("#context-empty").display = not rows
        listing = self.query_one(ContextList)
        listing.display = bool(rows)
        highlighted = listing.highlighted
        listing.clear_options()
        listing.add_options([Option(row_content(r), id=r.path) for r in rows])
        if rows:
            listing.highlighted = min(highlighted or 0, len(rows) - 1)
        self.plain = "\n".join(row_content(r).plain for r in rows) or "No files attached."
        return True
