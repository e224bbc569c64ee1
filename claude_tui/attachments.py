"""Context files attached to the open sessions (and drafts): the list, its statuses, the store.

Per open view, the attached paths (absolute) in the order attached. A stored
session's list is read from the store when it comes on screen and every
change is written back (``context_files``); a draft keeps its list in memory
until its first send, when its worker (and so its session id) exists: then
the list is stored under that id. What each file's status is (ok, changed
since sent, missing, too large, binary, unreadable, not a file) is worked
out in a thread, never on the UI thread; "sent" comes from the store's
send-once record (``store/context_marks.py``), which the engine writes.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .widgets.panels.context import FileRow, size_text

if TYPE_CHECKING:
    from .app import ClaudeTUI
    from .live.session import LiveSession

log = logging.getLogger(__name__)

SNIFF_BYTES = 8192


@dataclass(frozen=True)
class Checked:
    size: int | None
    status: str
    digest: str | None


def check_file(path: str, max_bytes: int) -> Checked:
    """A file's size, status and SHA-256 (never raises)."""
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        return Checked(None, "missing", None)  # also a broken link
    except PermissionError:
        return Checked(None, "unreadable", None)
    except OSError:
        return Checked(None, "unreadable", None)
    if not p.is_file():
        return Checked(None, "not a file", None)
    if max_bytes and st.st_size > max_bytes:
        return Checked(st.st_size, "too large", None)
    try:
        data = p.read_bytes()
    except OSError:
        return Checked(st.st_size, "unreadable", None)
    if b"\x00" in data[:SNIFF_BYTES]:
        return Checked(len(data), "binary", None)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return Checked(len(data), "binary", None)
    return Checked(len(data), "ok", hashlib.sha256(data).hexdigest())


def shown_path(path: str, cwd: Path) -> str:
    try:
        return str(Path(path).relative_to(cwd))
    except ValueError:
        return path


class Attachments:
    """See the module docstring. ``changed`` is called after any change (the panels redraw)."""

    def __init__(self, app: ClaudeTUI, changed: Any) -> None:
        self.app = app
        self.changed = changed
        self.by_view: dict[int, list[str]] = {}
        self.stored: dict[int, tuple[str, str] | None] = {}  # view -> the (project, session) its list is stored under
        self.sent: dict[str, dict[str, str]] = {}  # session id -> path -> digest sent
        self.checked: dict[str, Checked] = {}
        self.unstored: dict[str, LiveSession] = {}  # session id -> a draft whose list waits for its row
        self._scanning = False

    # -- the list ----------------------------------------------------------------------------

    def paths(self, live: LiveSession) -> list[str]:
        return self.by_view.setdefault(live.view.number, [])

    async def load(self, live: LiveSession) -> None:
        """A stored session came on screen: read its attachments and sent marks (once)."""
        number = live.view.number
        key = live.view.key
        store = self.app.store
        if number in self.stored or key is None or store is None:
            return
        self.stored[number] = key
        from .store.context_marks import sent_marks

        stored = [p for p, _ in await store.context_files(*key)]
        self.sent[key[1]] = await sent_marks(store, *key)
        current = self.by_view.setdefault(number, [])
        current[:0] = [p for p in stored if p not in current]
        await self.scan()

    async def attach(self, live: LiveSession, paths: list[Path]) -> list[str]:
        """Attach ``paths`` (kept in the store when the session has an id); the new ones."""
        current = self.paths(live)
        added = []
        for path in paths:
            absolute = os.path.normpath(str(Path(path).expanduser()))
            if absolute not in current:
                current.append(absolute)
                added.append(absolute)
        await self._store(live, added, attached=True)
        await self.scan()
        return added

    async def remove(self, live: LiveSession, path: str) -> bool:
        current = self.paths(live)
        if path not in current:
            return False
        current.remove(path)
        await self._store(live, [path], attached=False)
        self.changed()
        return True

    async def _store(self, live: LiveSession, paths: list[str], *, attached: bool) -> None:
        key = self._key(live)
        store = self.app.store
        if key is None or store is None:
            return  # a draft: stored at its first send
        for path in paths:
            await store.set_context_file(*key, path, attached=attached)

    def _key(self, live: LiveSession) -> tuple[str, str] | None:
        if live.view.key is not None:
            return live.view.key
        worker = live.worker
        if worker is not None:
            return (worker.project_key, worker.session_id)
        return None

    def files_for(self, live: LiveSession) -> list[str]:
        """What goes with the next send of ``live`` (the Sender asks); a draft's
        list is stored now, under the id its worker has."""
        paths = list(self.paths(live))
        if paths and self.stored.get(live.view.number) is None and live.session_id:
            self.unstored[live.session_id] = live  # stored once the session's row exists
        return paths

    async def session_saved(self, sid: str) -> None:
        """The session's row is in the store: a draft's list can be stored under it."""
        live = self.unstored.get(sid)
        key = self._key(live) if live is not None else None
        if live is None or key is None:
            return
        try:
            await self._store(live, self.paths(live), attached=True)
        except Exception:  # noqa: BLE001 - e.g. the row is not there yet: the next save tries again
            log.warning("storing the context files of %s failed; trying at the next save", sid, exc_info=True)
            return
        self.unstored.pop(sid, None)
        self.stored[live.view.number] = key

    def problem(self, live: LiveSession) -> str | None:
        """Why the next send would be refused (naming the file), from the last check; None: fine."""
        settings = self.app.settings.context
        total = 0
        sent = self.sent.get(live.session_id or "", {})
        for path in self.paths(live):
            checked = self.checked.get(path)
            if checked is None:
                continue
            shown = shown_path(path, live.cwd)
            if checked.status == "too large":
                return (
                    f"{shown} is too large ({size_text(checked.size)}; [context] max_file_bytes is"
                    f" {size_text(settings.max_file_bytes)}): remove it or raise the limit"
                )
            if checked.status not in ("ok", "changed since sent"):
                return f"{shown} is {checked.status}: remove it (Remove context file) or fix it"
            if checked.digest is not None and sent.get(path) != checked.digest:
                total += checked.size or 0
        cap = settings.max_total_bytes
        if cap and total > cap:
            return (
                f"the attached files to send add up to {size_text(total)}, over [context] max_total_bytes"
                f" ({size_text(cap)}): remove some"
            )
        return None

    # -- statuses -----------------------------------------------------------------------------

    def rows(self, live: LiveSession) -> list[FileRow]:
        sent = self.sent.get(live.session_id or "", {})
        rows = []
        for path in self.paths(live):
            checked = self.checked.get(path) or Checked(None, "…", None)
            status = checked.status
            if status == "ok" and path in sent and sent[path] != checked.digest:
                status = "changed since sent"
            rows.append(FileRow(path, shown_path(path, live.cwd), checked.size, status, path in sent))
        return rows

    async def scan(self) -> None:
        """Check every attached file of the open views, in a thread; then redraw."""
        if self._scanning:
            return
        self._scanning = True
        try:
            paths = sorted({p for paths in self.by_view.values() for p in paths})
            max_bytes = self.app.settings.context.max_file_bytes
            found = await asyncio.to_thread(lambda: {p: check_file(p, max_bytes) for p in paths})
            if found != {p: self.checked.get(p) for p in paths}:
                self.checked.update(found)
                self.changed()
        finally:
            self._scanning = False

    async def reload_sent(self, key: tuple[str, str]) -> None:
        """The engine sent files for ``key``: read its record again."""
        store = self.app.store
        if store is None:
            return
        from .store.context_marks import sent_marks

        self.sent[key[1]] = await sent_marks(store, *key)
        self.changed()

    def _spawn(self, work: Any) -> None:
        self.app.panels._spawn(work)  # noqa: SLF001 - one place that keeps background tasks
