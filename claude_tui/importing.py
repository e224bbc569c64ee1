"""Importing Claude Code transcripts in a thread, reported to the app by messages.

The import reads and parses JSONL for seconds on a first run; it runs in a
thread worker on its own store connection and event loop, so the UI thread
never waits for disk or JSON. Progress crosses back as Textual messages
(``post_message`` is safe from any thread); quitting sets an event that the
next progress report turns into ``ImportCancelled``.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

from .literal import safe_line

if TYPE_CHECKING:
    from .store.importer import ImportProgress, ImportReport

REFRESH_DURING_IMPORT = 0.5  # seconds between sidebar refreshes while importing


class ImportCancelled(Exception):
    """Raised inside the import thread to stop it when the app quits."""


class ImportProgressed(Message):
    """Posted from the import thread after each transcript file."""

    def __init__(self, progress: ImportProgress) -> None:
        super().__init__()
        self.progress = progress


class ImportFinished(Message):
    """Posted from the import thread at its end (``error`` if it failed)."""

    def __init__(self, report: ImportReport | None, error: str | None = None) -> None:
        super().__init__()
        self.report = report
        self.error = error


def run_import(
    db_path: Path | str, claude_config_dir: Path, post: Callable[[Message], object], stop: threading.Event
) -> None:
    """The import thread: every transcript under ``claude_config_dir`` into the
    store at ``db_path``, posting progress and, at the end, ``ImportFinished``
    (nothing once ``stop`` is set: the app is quitting)."""
    try:
        report = asyncio.run(_import(db_path, claude_config_dir, post, stop))
    except ImportCancelled:
        return
    except Exception as exc:  # reported in the UI; the app keeps running
        post(ImportFinished(None, f"{type(exc).__name__}: {exc}"))
        return
    post(ImportFinished(report))


async def _import(
    db_path: Path | str, claude_config_dir: Path, post: Callable[[Message], object], stop: threading.Event
) -> ImportReport:
    from .store.importer import import_transcripts
    from .store.select import open_store

    def progress(update: ImportProgress) -> None:
        if stop.is_set():
            raise ImportCancelled()
        post(ImportProgressed(update))

    store = await open_store(db_path)
    try:
        return await import_transcripts(store, claude_config_dir, progress=progress)
    finally:
        await store.close()


def progress_label(progress: ImportProgress) -> str:
    return f"Importing {progress.files_done}/{progress.files_total} transcripts"


def finished_notice(event: ImportFinished) -> tuple[str, str] | None:
    """(text, severity) to notify when an import ends badly; None when it went well."""
    if event.error:
        return f"Import failed: {event.error}", "error"
    if event.report is not None and event.report.errors:
        count = len(event.report.errors)
        return safe_line(event.report.errors[0]) + (f" (and {count - 1} more)" if count > 1 else ""), "warning"
    return None
