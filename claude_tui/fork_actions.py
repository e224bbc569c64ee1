"""Forks and notes: "Fork session", "Fork from message", "Open parent session", "Session note".

A fork is made in the store (``store/forking.py``: the SDK's fork over the
stored history, written under a new id with its parent and message number)
and opened at once as a tab with the focus in its prompt; its first prompt
resumes it, and the engine's restore path writes Claude Code's transcript of
it from the store first. So the fork needs neither a live CLI nor a local
transcript of the parent, and the parent is never touched.

"Fork from message" follows the issue's words: the fork holds the history up
to and including the chosen message's reply, and its prompt is pre-filled
with that message's text, to be edited into the variant to ask next.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from .literal import safe_line

if TYPE_CHECKING:
    from collections.abc import Iterable

    from textual.app import SystemCommand

    from .app import ClaudeTUI
    from .store import SessionRow
    from .widgets.session_rows import SessionKey

log = logging.getLogger(__name__)


def lineage_text(row: SessionRow, parent: SessionRow | None) -> str | None:
    """"forked from <title> at message N" for a fork's row (None for others)."""
    if not row.parent_session_id:
        return None
    # Unlisted (archived, deleted, or the other view): its id, read nowhere else.
    title = parent.display_title if parent is not None else f"session {row.parent_session_id[:8]}"
    at = f" at message {row.fork_message}" if row.fork_message else ""
    return f"forked from {title}{at}"


class ForkActions:
    """The fork and note verbs of one app (see the module docstring)."""

    def __init__(self, app: ClaudeTUI) -> None:
        self.app = app

    def _row(self, verb: str) -> SessionRow | None:
        return self.app.session_actions._first(verb)

    async def _entries(self, row: SessionRow) -> list[Any]:
        """The session's stored entries, after taking in what Claude Code's
        transcript of it has that the store has not (turns made in Claude Code
        since the last import)."""
        from .store.importer import import_session_file

        app = self.app
        assert app.store is not None
        path = app.claude_config_dir / "projects" / row.project_key / f"{row.session_id}.jsonl"
        try:
            if await asyncio.to_thread(path.is_file):  # (no disk call on the app's loop)
                await import_session_file(app.store, path)
        except Exception:  # noqa: BLE001 - the store's copy is still forkable
            log.exception("import of %s before a fork failed", path)
        key = {"project_key": row.project_key, "session_id": row.session_id}
        return list(await app.store.load(key) or [])  # type: ignore[arg-type]

    # -- fork -----------------------------------------------------------------------------

    def fork(self) -> None:
        row = self._row("fork session")
        if row is not None:
            self.app.run_worker(self.apply_fork(row), group="fork", exit_on_error=False)

    async def apply_fork(
        self, row: SessionRow, message: int | None = None, *, prefill: str | None = None, entries: list[Any] | None = None
    ) -> SessionKey | None:
        """Fork ``row`` (whole, or up to user message ``message`` and its reply),
        list and open the fork, put ``prefill`` in its prompt. The fork's key, or None."""
        from .store.forking import ForkError, fork_in_store

        app = self.app
        if app.store is None:
            return None
        title = f"{row.display_title} (fork)"
        try:
            if entries is None:
                entries = await self._entries(row)
            fork_id, number = await fork_in_store(
                app.store, row.project_key, row.session_id, title=title, message=message, entries=entries
            )
        except ForkError as exc:
            app.notify(safe_line(f"{row.display_title}: {exc}"), title="fork session", severity="warning", markup=False)
            return None
        except Exception as exc:  # noqa: BLE001 - a store failure: said, logged, the app goes on
            log.exception("fork of %s failed", row.session_id)
            app.notify(
                safe_line(f"{row.display_title} was not forked: {exc}. The log file has the details."),
                title="fork session",
                severity="error",
                markup=False,
            )
            return None
        key = (row.project_key, fork_id)
        made = await app.store.session(*key)
        if made is not None:
            app._put_row(made)
            if not app._listing_all and app.filter_text:
                app._filter_worker(app.filter_text)  # listed under the filter too when it matches
        await app._open_session(key, None)
        pane = app.pane_for(key)
        if pane is not None:
            if prefill:
                pane.prompt.set_text(prefill)
            pane.prompt.focus()
        app.notify(safe_line(f"Forked {row.display_title} at message {number}"), title="fork session", markup=False)
        return key

    # -- fork from message ----------------------------------------------------------------

    def focused_user_message(self) -> tuple[str | None, str | None]:
        """(the user message holding the focus, the last user message on
        screen while the chat pane has the focus): their uuids, or None."""
        from .widgets.chat_view import ChatView
        from .widgets.message import MessageView

        app = self.app
        focused = app.screen_stack[0].focused if app.screen_stack else None
        if focused is None or app.current_view is None or self.app.session_actions.sidebar_focused():
            return None, None
        for node in focused.ancestors_with_self:
            if isinstance(node, MessageView):
                return (node.message.uuid if node.message.role == "user" else None), None
            if isinstance(node, ChatView):
                shown = [
                    w.message.uuid
                    for w in node.query(MessageView)
                    if w.message.role == "user" and node.region.overlaps(w.region)
                ]
                return None, (shown[-1] if shown else None)
        return None, None

    def fork_from_message(self) -> None:
        row = self._row("fork from message")
        if row is None:
            return
        uuid, near = self.focused_user_message()
        self.app.run_worker(self._pick_and_fork(row, uuid, near), group="fork", exit_on_error=False)

    async def _pick_and_fork(self, row: SessionRow, uuid: str | None, near: str | None = None) -> None:
        """Fork at the message ``uuid`` (focused in the chat), else at the one
        picked from the list (its cursor on ``near``, the user message on
        screen, else on the newest)."""
        from .screens.fork_pick import ForkPickScreen
        from .store.forking import user_messages

        app = self.app
        if app.store is None:
            return
        entries = await self._entries(row)
        messages = user_messages(entries)
        if not messages:
            app.notify(
                safe_line(f"{row.display_title} has no user message to fork from yet."),
                title="fork from message",
                severity="warning",
                markup=False,
            )
            return
        chosen = next((m for m in messages if m.uuid == uuid), None) if uuid else None
        if chosen is None:
            start = next((m.number for m in messages if m.uuid == near), None) if near else None
            number = await app.push_screen_wait(
                ForkPickScreen(row.display_title, [(m.number, m.text) for m in messages], start=start)
            )
            if number is None:
                return
            chosen = messages[number - 1]
        await self.apply_fork(row, chosen.number, prefill=chosen.text, entries=entries)

    # -- lineage --------------------------------------------------------------------------

    def open_parent(self) -> None:
        row = self._row("open parent session")
        if row is None:
            return
        if not row.parent_session_id:
            self.app.notify(
                safe_line(f"{row.display_title} is not a fork: it has no parent session."),
                title="open parent session",
                severity="warning",
                markup=False,
            )
            return
        self.app.run_worker(self._open_parent(row), group="fork", exit_on_error=False)

    async def _open_parent(self, row: SessionRow) -> None:
        app = self.app
        if app.store is None or not row.parent_session_id:
            return
        key = (row.project_key, row.parent_session_id)
        if key not in app._by_key and await app.store.session(*key) is None:
            app.notify(
                safe_line(f"The parent of {row.display_title} ({row.parent_session_id}) is no longer in the store."),
                title="open parent session",
                severity="warning",
                markup=False,
            )
            return
        await app._open_session(key, None)

    def parent_of(self, row: SessionRow) -> SessionRow | None:
        """The parent's row as listed (None when not listed: archived or deleted)."""
        if not row.parent_session_id:
            return None
        return self.app.index.by_key.get((row.project_key, row.parent_session_id))

    # -- note -----------------------------------------------------------------------------

    def note(self) -> None:
        from .screens.note import NoteScreen

        row = self._row("session note")
        if row is None:
            return

        def answered(text: str | None) -> None:
            if text is not None and text != (row.note or ""):
                self.app.run_worker(self.apply_note(row, text), group="session-action", exit_on_error=False)

        self.app.push_screen(NoteScreen(row.display_title, row.note), answered)

    async def apply_note(self, row: SessionRow, text: str) -> None:
        app = self.app
        if app.store is None:
            return
        await app.store.update_session(row.project_key, row.session_id, note=text or None)
        await app.session_actions._changed(row.key)
        app.panels.refresh_soon()
        words = f"Note on {row.display_title}: {text}" if text else f"Note removed: {row.display_title}"
        app.notify(safe_line(words), title="session note", markup=False)

    # -- palette --------------------------------------------------------------------------

    def commands(self) -> list[tuple[str, str, Any]]:
        rows = self.app.session_actions.targets()
        if not rows:
            return []
        row = rows[0]
        found: list[tuple[str, str, Any]] = [
            ("Fork session", "A new session with the same history, opened as a tab", self.fork),
            ("Fork from message", "A new session with the history up to a message you pick", self.fork_from_message),
        ]
        if row.parent_session_id:
            found.append(("Open parent session", "The session this fork was made from", self.open_parent))
        found.append(("Session note", "A short note, shown in the Session panel and found by the filter", self.note))
        return found


class ForkActionsMixin:
    """The app's ``action_*`` for forks and notes (keys and the palette), delegating to ``ForkActions``."""

    _fork_actions: ForkActions | None = None

    @property
    def fork_actions(self) -> ForkActions:
        if self._fork_actions is None:
            self._fork_actions = ForkActions(self)  # type: ignore[arg-type]
        return self._fork_actions

    def action_fork_session(self) -> None:
        self.fork_actions.fork()

    def action_fork_from_message(self) -> None:
        self.fork_actions.fork_from_message()

    def action_open_parent_session(self) -> None:
        self.fork_actions.open_parent()

    def action_session_note(self) -> None:
        self.fork_actions.note()

    def fork_commands(self) -> Iterable[SystemCommand]:
        """The palette's fork and note commands that apply now (``ClaudeTUI.get_system_commands``)."""
        from textual.app import SystemCommand

        for name, help_text, callback in self.fork_actions.commands():
            yield SystemCommand(name, help_text, callback)
