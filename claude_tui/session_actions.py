"""Verbs on stored sessions: rename, pin, tag, archive, delete.

The app delegates to ``SessionActions`` (``app.session_actions``): each verb
works on the sidebar's marked rows or its highlighted row when the sidebar
has focus, else on the session on screen. The store is written first; what
Claude Code keeps (its transcript's title and tag) is written through the
SDK's public functions in a thread, so the UI never waits for the disk, and
a session whose local transcript is gone still changes in the store.
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

NO_TARGET = "No session: open one, or highlight it in the sidebar."
RELIST_MAX = 50  # archived at once: above this, reading the list again is as quick


def tags_of(row: SessionRow) -> list[str]:
    """A session's tags (the store's ``tag`` holds them space separated)."""
    return (row.tag or "").split()


def _sdk_rename(session_id: str, title: str, cwd: str | None) -> str | None:
    """Write the title into Claude Code's transcript; None, or why it was not."""
    from claude_agent_sdk import rename_session

    try:
        rename_session(session_id, title, directory=cwd)
    except FileNotFoundError:
        return "Claude Code has no local transcript of it"
    except (OSError, ValueError) as exc:
        return f"Claude Code's transcript was not changed: {exc}"
    return None


def _sdk_tag(session_id: str, tag: str | None, cwd: str | None) -> str | None:
    from claude_agent_sdk import tag_session

    try:
        tag_session(session_id, tag, directory=cwd)
    except FileNotFoundError:
        return "Claude Code has no local transcript of it"
    except (OSError, ValueError) as exc:
        return f"Claude Code's transcript was not changed: {exc}"
    return None


def _what(rows: list[SessionRow]) -> str:
    """The session's title, or "N sessions"."""
    return rows[0].display_title if len(rows) == 1 else f"{len(rows)} sessions"


class SessionActions:
    """The session verbs of one app (see the module docstring)."""

    def __init__(self, app: ClaudeTUI) -> None:
        self.app = app
        self.last_archived: list[SessionRow] = []
        """What the last archive took out of the list ("Undo archive" brings it back)."""
        self._export_copy: Any = None

    # -- what a verb works on -------------------------------------------------------------

    def sidebar_focused(self) -> bool:
        """Whether the main screen's focus is in the sidebar (also while the
        command palette is open over it)."""
        app = self.app
        if not app.screen_stack:
            return False
        focused = app.screen_stack[0].focused
        return focused is not None and app.sidebar in focused.ancestors_with_self

    def targets(self) -> list[SessionRow]:
        """The marked rows or the highlighted row (sidebar focused), else the
        session on screen; [] when there is none (a draft, no selection)."""
        from .widgets.session_rows import HitItem, SessionItem

        app = self.app
        if self.sidebar_focused():
            listed = app.session_list
            marked = [app._by_key.get(row.key, row) for row in listed.marked_rows()]  # as they are now
            if marked:
                return marked
            row = listed.highlighted
            if isinstance(row, (SessionItem, HitItem)):
                return [app._by_key.get(row.key, row.session)]
            return []
        view = app.current_view
        if view is not None and view.key is not None:
            found = app._by_key.get(view.key)
            return [found] if found is not None else []
        return []

    def _first(self, verb: str) -> SessionRow | None:
        rows = self.targets()
        if not rows:
            self.app.notify(NO_TARGET, title=verb, severity="warning", markup=False)
            return None
        return rows[0]

    async def _changed(self, key: SessionKey) -> SessionRow | None:
        """Read ``key``'s row again and put it in its place in the sidebar and tab."""
        app = self.app
        if app.store is None:
            return None
        row = await app.store.session(*key)
        if row is None:
            return None
        view = app.view_for(key)
        if view is not None and row.display_title != view.title:
            app.views.retitle(view, row.display_title)
        app._put_row(row)
        if not app._listing_all and app.filter_text:
            app._filter_worker(app.filter_text)  # the filter's results show the change too
        return row

    # -- rename ---------------------------------------------------------------------------

    def rename(self) -> None:
        from .screens.rename import RenameScreen

        row = self._first("rename session")
        if row is None:
            return

        def answered(title: str | None) -> None:
            if title is not None and title != row.display_title:
                self.app.run_worker(self.apply_rename(row, title), group="session-action", exit_on_error=False)

        self.app.push_screen(RenameScreen(row.display_title), answered)

    async def apply_rename(self, row: SessionRow, title: str) -> None:
        """Store the title, show it, and write it to Claude Code's transcript."""
        app = self.app
        if app.store is None:
            return
        await app.store.update_session(row.project_key, row.session_id, custom_title=title)
        await self._changed(row.key)
        problem = await asyncio.to_thread(_sdk_rename, row.session_id, title, row.cwd)
        text = f"Renamed to {title}"
        if problem is not None:
            log.info("rename of %s: %s", row.session_id, problem)
            text += f" (in claude-tui; {problem})"
        app.notify(safe_line(text), title="rename session", markup=False)

    # -- pin ------------------------------------------------------------------------------

    def can_pin(self, pinned: bool) -> bool:
        """Whether "Pin session" (``pinned``) / "Unpin session" applies to the targets."""
        return any(row.pinned != pinned for row in self.targets())

    def pin(self, pinned: bool | None = None) -> None:
        """Pin (or unpin) the targets; None toggles by the first one."""
        rows = self.targets()
        if not rows:
            self.app.notify(NO_TARGET, title="pin session", severity="warning", markup=False)
            return
        if pinned is None:
            pinned = not rows[0].pinned
        self.app.run_worker(self.apply_pin(rows, pinned), group="session-action", exit_on_error=False)

    async def apply_pin(self, rows: list[SessionRow], pinned: bool) -> None:
        app = self.app
        if app.store is None:
            return
        for row in rows:
            if row.pinned != pinned:
                await app.store.update_session(row.project_key, row.session_id, pinned=pinned)
                await self._changed(row.key)
        app.session_list.clear_marks()
        what = rows[0].display_title if len(rows) == 1 else f"{len(rows)} sessions"
        app.notify(safe_line(f"{'Pinned' if pinned else 'Unpinned'} {what}"), title="pin session", markup=False)

    # -- tags -----------------------------------------------------------------------------

    def known_tags(self) -> list[str]:
        return sorted({tag for row in self.app.index.rows for tag in tags_of(row)})

    def tag(self) -> None:
        from .screens.rename import TagScreen

        rows = self.targets()
        if not rows:
            self.app.notify(NO_TARGET, title="tag session", severity="warning", markup=False)
            return
        title = rows[0].display_title if len(rows) == 1 else f"{len(rows)} sessions"

        def answered(text: str | None) -> None:
            if text is not None:
                self.app.run_worker(self.apply_tags(rows, text), group="session-action", exit_on_error=False)

        self.app.push_screen(TagScreen(title, tags_of(rows[0]), self.known_tags()), answered)

    async def apply_tags(self, rows: list[SessionRow], text: str) -> None:
        """Set the tags (space separated; empty clears) in the store and through the SDK."""
        app = self.app
        if app.store is None:
            return
        tag = text or None
        problems = []
        for row in rows:
            await app.store.update_session(row.project_key, row.session_id, tag=tag)
            await self._changed(row.key)
            problem = await asyncio.to_thread(_sdk_tag, row.session_id, tag, row.cwd)
            if problem is not None:
                log.info("tag of %s: %s", row.session_id, problem)
                problems.append(problem)
        app.session_list.clear_marks()
        what = rows[0].display_title if len(rows) == 1 else f"{len(rows)} sessions"
        text = f"Tagged {what}: {tag}" if tag else f"Tags cleared: {what}"
        if problems and len(rows) == 1:
            text += f" (in claude-tui; {problems[0]})"
        app.notify(safe_line(text), title="tag session", markup=False)

    # -- archive --------------------------------------------------------------------------

    def archive(self, archived: bool | None = None) -> None:
        """Archive (or unarchive) the targets; None: the opposite of the first one's state."""
        rows = self.targets()
        if not rows:
            self.app.notify(NO_TARGET, title="archive session", severity="warning", markup=False)
            return
        if archived is None:
            archived = not rows[0].archived
        self.app.run_worker(self.apply_archive(rows, archived), group="session-action", exit_on_error=False)

    async def apply_archive(self, rows: list[SessionRow], archived: bool, *, undo: bool = False) -> None:
        """Set ``archived`` on ``rows`` and list again (they leave the view they were in)."""
        app = self.app
        if app.store is None:
            return
        changed = list(rows)  # (set even where the row in hand says so: it may be older than the store)
        for row in changed:
            await app.store.update_session(row.project_key, row.session_id, archived=archived)
        app.session_list.clear_marks()
        await self._relist(changed)
        what = _what(changed)
        if archived:
            self.last_archived = changed
            key = "ctrl+p"
            app.notify(
                safe_line(f"Archived {what}. \"Undo archive\" in the palette ({key}) brings it back."),
                title="archive session",
                markup=False,
                timeout=10,
            )
        else:
            back = {row.key for row in changed}
            self.last_archived = [] if undo else [r for r in self.last_archived if r.key not in back]
            app.notify(safe_line(f"{'Brought back' if undo else 'Unarchived'} {what}"), title="archive session", markup=False)

    async def _relist(self, rows: list[SessionRow]) -> None:
        """After an archive: each row leaves the view it is no longer in, or is put in
        place, one row at a time (a 10,000-session list is not read again); with a
        filter on, the list is read again (its results are the filter's)."""
        from .store.metadata import session_order

        app = self.app
        if app.store is None or not app._listing_all or app.filter_text or len(rows) > RELIST_MAX:
            await app._reload_sessions()
            return
        for old in rows:
            row = await app.store.session(*old.key)
            if row is not None and row.archived == app.index.archived:
                app._put_row(row)
            else:
                app.index.remove(old.key)
                app.session_list.remove_session(old.key, session_order)
        for view in app.open_views:
            row = app._by_key.get(view.key) if view.key else None
            if row is not None and row.display_title != view.title:
                app.views.retitle(view, row.display_title)
        app.sidebar.set_status(app._count_status())
        app._update_empty_state()

    def undo_archive(self) -> None:
        rows = self.last_archived
        if not rows:
            self.app.notify("Nothing archived to undo.", title="undo archive", severity="warning", markup=False)
            return
        self.app.run_worker(self.apply_archive(rows, False, undo=True), group="session-action", exit_on_error=False)

    def toggle_archived_view(self) -> None:
        """"Show archived": the sidebar lists the archived sessions; again: the others."""
        app = self.app
        app.index.archived = not app.index.archived
        app.session_list.clear_marks()
        app.run_worker(app._reload_sessions(), group="reload", exclusive=True, exit_on_error=False)

    # -- delete ---------------------------------------------------------------------------

    def delete(self) -> None:
        from .screens.confirm import ConfirmScreen

        rows = self.targets()
        if not rows:
            self.app.notify(NO_TARGET, title="delete session", severity="warning", markup=False)
            return
        names = "\n".join(f"  {row.display_title}" for row in rows[:8])
        if len(rows) > 8:
            names += f"\n  … and {len(rows) - 8} more"
        it = "it" if len(rows) == 1 else "them"
        body = (
            f"{names}\n\nDeleted from claude-tui's store and from Claude Code's own transcripts"
            f" (claude --resume will not offer {it}); an open session is closed first. This cannot be undone."
        )
        title = "Delete this session?" if len(rows) == 1 else f"Delete these {len(rows)} sessions?"

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.run_worker(self.apply_delete(rows), group="session-action", exit_on_error=False)

        self.app.push_screen(ConfirmScreen(title, body, yes="Delete"), answered)

    async def apply_delete(self, rows: list[SessionRow]) -> None:
        """Close each open one (its CLI stops), then delete it as ``claude-tui rm`` does."""
        from .deletion import delete_from_store, delete_local

        app = self.app
        if app.store is None:
            return
        problems = []
        for row in rows:
            view = app.view_for(row.key)
            if view is not None:
                if app.current_view is view:
                    await app.action_close_session()
                else:
                    await app.views.close(view)
            await delete_from_store(app.store, row)
            outcome = await asyncio.to_thread(delete_local, row.session_id, row.cwd)
            if outcome.failed:
                log.warning("delete of %s: %s", row.session_id, outcome.message)
                problems.append(f"{row.display_title}: {outcome.message}")
        app.session_list.clear_marks()
        self.last_archived = [r for r in self.last_archived if r.key not in {row.key for row in rows}]
        await app._reload_sessions()
        text = f"Deleted {_what(rows)}"
        if problems:
            text += ". " + "; ".join(problems)
        app.notify(safe_line(text), title="delete session", severity="warning" if problems else "information", markup=False)

    # -- palette --------------------------------------------------------------------------

    def commands(self) -> list[tuple[str, str, Any]]:
        """(name, help, callback) of the palette commands that apply now."""
        rows = self.targets()
        if not rows:
            return []
        found: list[tuple[str, str, Any]] = [
            ("Rename session", "Give the session a new title (also in Claude Code)", self.rename),
        ]
        if any(not row.pinned for row in rows):
            found.append(("Pin session", "Keep it at the top of the sidebar", lambda: self.pin(True)))
        if any(row.pinned for row in rows):
            found.append(("Unpin session", "Let it take its place by date again", lambda: self.pin(False)))
        found.append(("Tag session", "Free-form tags; filter with tag:NAME", self.tag))
        if any(not row.archived for row in rows):
            found.append(("Archive session", "Hide it from the sidebar (\"Show archived\" lists it)", lambda: self.archive(True)))
        if any(row.archived for row in rows):
            found.append(("Unarchive session", "Back among the other sessions", lambda: self.archive(False)))
        found.append(("Delete session", "From the store and Claude Code's transcripts (asks first)", self.delete))
        found.append(("Export session", "Markdown or JSON, to a file", self.export))
        return found

    # -- export and copy (export_actions.py) ------------------------------------------------

    @property
    def export_copy(self) -> Any:
        from .export_actions import ExportCopy

        if self._export_copy is None:
            self._export_copy = ExportCopy(self.app)
        return self._export_copy

    def export(self) -> None:
        row = self._first("export session")
        if row is not None:
            self.export_copy.export(row)

    def general_commands(self) -> list[tuple[str, str, Any]]:
        """Palette commands that need no target."""
        shown = "shown: the archived sessions" if self.app.index.archived else "shown: the others"
        found: list[tuple[str, str, Any]] = [("Show archived", f"Toggle the archived sessions in the sidebar ({shown})", self.toggle_archived_view)]
        if self.last_archived:
            found.append(("Undo archive", f"Bring back {_what(self.last_archived)}", self.undo_archive))
        if self.app.current_view is not None and self.app.current_view.key is not None:
            copy = self.export_copy
            found += [
                ("Copy last reply", "Claude's newest reply to the clipboard", copy.copy_last_reply),
                ("Copy message", "The focused message (else the last on screen)", copy.copy_message),
                ("Copy code block", "The last code block of the focused message", copy.copy_code_block),
            ]
        return found


class SessionActionsMixin:
    """The app's ``action_*`` for the session verbs (keys and the palette), delegating to ``SessionActions``."""

    _session_actions: SessionActions | None = None

    @property
    def session_actions(self) -> SessionActions:
        if self._session_actions is None:
            self._session_actions = SessionActions(self)  # type: ignore[arg-type]
        return self._session_actions

    def action_rename_session(self) -> None:
        self.session_actions.rename()

    def action_pin_session(self) -> None:
        self.session_actions.pin()

    def action_tag_session(self) -> None:
        self.session_actions.tag()

    def action_archive_session(self) -> None:
        self.session_actions.archive()

    def action_delete_session(self) -> None:
        self.session_actions.delete()

    def action_export_session(self) -> None:
        self.session_actions.export()

    def action_copy_last_reply(self) -> None:
        self.session_actions.export_copy.copy_last_reply()

    def session_commands(self) -> Iterable[SystemCommand]:
        """The palette's session verbs that apply now (``ClaudeTUI.get_system_commands``)."""
        from textual.app import SystemCommand

        actions = self.session_actions
        for name, help_text, callback in [*actions.commands(), *actions.general_commands()]:
            yield SystemCommand(name, help_text, callback)
