"""Moving a project's sessions to its new folder, the one way both
``claude-tui mv-project`` and the app's "Move project" do it.

The new project key follows the engine's rule (``engine.options.project_key_for``,
the same as Claude Code's); the store re-keys (``store/relocate.py``); the
local transcript is written under the new key from the store when a moved
session is next resumed (the engine's restore path), except where a local file
of it is already there (a move back to where it was): that one is brought up
to date from the store now (never over a longer one), or the CLI would resume
the shorter copy.

Nothing here imports Textual or the SDK.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import TYPE_CHECKING

from .paths import resolve_directory
from .store.relocate import MoveReport, keys_of, move_project

if TYPE_CHECKING:
    from .store import SqliteSessionStore


def check_new_folder(text: str, base: Path) -> tuple[Path | None, str]:
    """(the folder, "") or (None, what is wrong with it): it must exist and be a directory."""
    return resolve_directory(
        text, base, empty="type the folder the project is in now", missing=": type the folder the project is in now"
    )


def folder_key(folder: str | os.PathLike[str]) -> str:
    from .engine.options import project_key_for

    return project_key_for(str(folder))


async def project_keys_of(store: SqliteSessionStore, old: str) -> list[str]:
    """The project keys of sessions stored with cwd ``old`` (as typed or as an
    absolute path), or under the key ``old`` would have."""
    forms = {old, old.rstrip("/") or "/", os.path.abspath(os.path.expanduser(old))}
    return await keys_of(store, forms, {folder_key(f) for f in forms})


async def move_sessions(
    store: SqliteSessionStore, old_key: str, new_folder: Path, claude_config_dir: Path
) -> MoveReport:
    """Re-home every session stored under ``old_key`` in ``new_folder`` (see the module docstring)."""
    new_key = folder_key(new_folder)
    report = await move_project(store, old_key, new_key, str(new_folder))
    if new_key != old_key:
        from .store.restore import restore_transcript

        project = Path(claude_config_dir) / "projects" / new_key
        for session_id in report.moved:
            path = project / f"{session_id}.jsonl"
            if await asyncio.to_thread(path.is_file):  # only here is the restore on resume not enough (it keeps any file there)
                await restore_transcript(store, new_key, session_id, path)
    return report


def describe(report: MoveReport, what: str) -> str:
    """One line for a notification or the terminal."""
    moved = len(report.moved)
    text = f"Moved {moved} session{'s' if moved != 1 else ''} of {what} to {report.new_cwd}"
    if report.skipped:
        text += (
            f"; {len(report.skipped)} left where {'it was' if len(report.skipped) == 1 else 'they were'}"
            " (a copy is already stored under the new folder)"
        )
    return text
