"""Which sessions' folders are gone: the sidebar's moved-folder marks.

Claude Code keys sessions by their folder, so a moved or renamed project
folder leaves its sessions pointing nowhere (``Move project`` re-homes them).
The check stats each distinct folder once, in a thread, after the list is
read (start-up, import, a move) and when the terminal gets focus back (the
user may have moved a folder meanwhile); the sidebar draws from the cached
set, never a stat per row or per repaint.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .app import ClaudeTUI


def missing_folders(cwds: Iterable[str | None], exists: Callable[[str], bool] = os.path.isdir) -> frozenset[str]:
    """The folders among ``cwds`` that are not directories (blocking: a stat each)."""
    return frozenset(cwd for cwd in set(cwds) if cwd and not exists(cwd))


class FolderCheck:
    """The app's cached answer and the thread that refreshes it."""

    def __init__(self, app: ClaudeTUI, exists: Callable[[str], bool] = os.path.isdir) -> None:
        self.app = app
        self.exists = exists
        """Whether a folder is there (tests with made-up folders replace it)."""
        self.missing: frozenset[str] = frozenset()
        self.checks = 0
        """How many checks finished (tests wait on it)."""

    def recheck(self) -> None:
        """Check the listed sessions' folders again, off the UI thread."""
        self.app.run_worker(self._check(), group="folders", exclusive=True, exit_on_error=False)

    async def _check(self) -> None:
        cwds = [row.cwd for row in self.app.index.rows]
        missing = await asyncio.to_thread(missing_folders, cwds, self.exists)
        self.missing = missing
        self.checks += 1
        self.app.session_list.set_missing(missing)

    def is_missing(self, cwd: str | None) -> bool:
        return bool(cwd) and cwd in self.missing
