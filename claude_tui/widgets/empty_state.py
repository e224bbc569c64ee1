"""What the centre shows when no session is open: how to start, and what was found."""

from __future__ import annotations

from pathlib import Path

from textual.content import Content
from textual.widgets import Static

from ..literal import safe_line
from ..words import plural


def empty_state_text(
    *,
    sessions: int,
    importing: bool,
    found: int | None,
    projects_dir: Path,
    new_key: str = "ctrl+n",
    help_key: str = "f1",
    draft: bool = False,
) -> Content:
    """The words for the current situation; ``found`` is transcripts seen on disk (None: not scanned yet).

    ``draft``: shown under a new session's empty conversation, where typing a
    prompt is the way to start (rather than the centre with nothing open).
    """
    where = safe_line(str(projects_dir))
    start = "Type a prompt below and press Enter to start a new session here." if draft else ""
    if sessions:
        if draft:
            return Content(
                f"{start}\nOr open {'the session' if sessions == 1 else f'one of the {sessions} sessions'} in the sidebar"
                f" (tab moves there; type to filter by title and text). {help_key} lists every key."
            )
        return Content.assemble(
            ("Pick a session", "bold"),
            f"\n\n{plural(sessions, 'session')} in the sidebar."
            " Up/Down and Enter open one, or type to filter by title and text.\n"
            f"{new_key} starts a new session, {help_key} lists every key.",
        )
    title = () if draft else (("Welcome to claude-tui", "bold"), "\n\n")
    if importing or found is None:
        return Content.assemble(
            *title,
            (f"{start}\n" if draft else "")
            + f"Looking for Claude Code sessions in {where} …\n"
            "They appear in the sidebar as they are imported.",
        )
    if found:
        return Content.assemble(
            *title,
            f"Found {plural(found, 'transcript file')} in {where},"
            f" but {'it holds no' if found == 1 else 'none holds a'} conversation yet.\n\n"
            + (start if draft else f"{new_key} starts a new session.")
            + f" {help_key} lists every key.",
        )
    return Content.assemble(
        *title,
        f"No Claude Code sessions were found in {where}.\n\n"
        + (f"{start} " if draft else f"Start one here with {new_key}, or ")
        + ("Or run" if draft else "run")
        + " `claude` in a project folder: its sessions are imported every time claude-tui starts.\n"
        "Set CLAUDE_CONFIG_DIR if Claude Code keeps its files elsewhere."
        f" {help_key} lists every key.",
    )


class EmptyState(Static):
    """Centre placeholder; the app calls ``update(empty_state_text(...))`` as facts change."""
