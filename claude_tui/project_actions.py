""""Move project" and "Open in Claude Code": a session's folder and its own CLI.

Both work on the session on screen or the sidebar's highlighted row
(``SessionActions.targets``).

- "Move project" asks for the folder the project is in now and re-homes every
  session of the project there (``relocation.py``): open ones are closed
  first (their CLIs stop) and the one on screen opens again at its new key.
- "Open in Claude Code" hands the terminal to Claude Code's own interface on
  the session: its worker stops (the CLI is done writing, the last turn is
  stored), the local transcript is made complete from the store (never over
  a longer one), the app suspends and runs ``claude --resume ID`` in the
  session's folder, and on return imports the transcript again and opens the
  session with the turns made there. The CLI is awaited, not waited for in a
  blocking call, so the other sessions' workers keep running meanwhile; the
  screen is held still until the app is back.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .literal import safe_line

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from textual.app import SystemCommand

    from .app import ClaudeTUI
    from .store import SessionRow
    from .widgets.session_rows import SessionKey

log = logging.getLogger(__name__)

CANNOT_SUSPEND = (
    "This terminal cannot be handed over to Claude Code (the app cannot be suspended here)."
    " Run `claude-tui claude --resume {id}` in the session's folder instead."
)


def resume_argv(cli: Path, session_id: str) -> list[str]:
    """The command line of "Open in Claude Code"."""
    return [str(cli), "--resume", session_id]


def transcript_path(claude_config_dir: Path, row: SessionRow) -> Path:
    """Where Claude Code keeps ``row``'s transcript (the engine's path too)."""
    return Path(claude_config_dir) / "projects" / row.project_key / f"{row.session_id}.jsonl"


@contextmanager
def terminal_keys_to_child() -> Iterator[None]:
    """ctrl+c and ctrl+z typed while the CLI owns the terminal are for it:
    this process ignores them meanwhile (Python handlers, reset in the child
    at exec, unlike SIG_IGN)."""
    def ignore(signum: int, frame: Any) -> None:
        pass

    saved = {}
    for sig in (signal.SIGINT, signal.SIGTSTP):
        try:
            saved[sig] = signal.signal(sig, ignore)
        except (ValueError, OSError):  # not the main thread, or no such signal
            pass
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


async def run_in_terminal(argv: list[str], cwd: str, env: dict[str, str]) -> int | None:
    """Run ``argv`` in ``cwd`` on the terminal (handed over); its exit status, None if it could not start."""
    print(f"claude-tui: opening the session in Claude Code ({cwd}). claude-tui comes back when it ends.\n", flush=True)
    try:
        process = await asyncio.create_subprocess_exec(*argv, cwd=cwd, env=env)
    except OSError:
        log.exception("could not run %s", argv[0])
        return None
    code = await process.wait()
    if code != 0:  # its last words stay readable until the user is back
        print(f"\nclaude-tui: Claude Code exited with status {code}. Press Enter to return to claude-tui.", flush=True)
        await asyncio.to_thread(_read_line)
    return code


def _read_line() -> None:
    import sys

    try:
        sys.stdin.readline()
    except (OSError, ValueError):
        pass


class ProjectActions:
    """The two verbs of one app (see the module docstring)."""

    def __init__(self, app: ClaudeTUI) -> None:
        self.app = app
        self.running_cli = False
        """Claude Code has the terminal now ("Open in Claude Code")."""

    def _target(self, verb: str) -> SessionRow | None:
        from .session_actions import NO_TARGET

        rows = self.app.session_actions.targets()
        if not rows:
            self.app.notify(NO_TARGET, title=verb, severity="warning", markup=False)
            return None
        return rows[0]

    async def _stop(self, key: SessionKey) -> bool:
        """Stop ``key``'s worker (its CLI exits, its last turn is stored) and close
        its tab; whether it was the one on screen."""
        app = self.app
        manager = app.live.manager
        if manager is not None and manager.get(key[1]) is not None:
            await manager.close_session(key[1])
        view = app.view_for(key)
        if view is None:
            return False
        current = app.current_view is view
        if current:
            await app.action_close_session()
        else:
            await app.views.close(view)
        return current

    # -- move project ---------------------------------------------------------------------

    def move(self) -> None:
        row = self._target("move project")
        if row is None:
            return
        if self.app.store is None:
            self.app.notify("The session database is not open.", title="move project", severity="error", markup=False)
            return
        self.app.run_worker(self._ask_move(row), group="session-action", exit_on_error=False)

    async def _ask_move(self, row: SessionRow) -> None:
        """The dialog, with the old folder looked at now (it may have moved a moment ago)."""
        from .screens.move_project import MoveProjectScreen

        app = self.app
        old = row.cwd or ""
        gone = not old or not await asyncio.to_thread(os.path.isdir, old)
        if gone != app.folders.is_missing(old):
            app.folders.recheck()
        count = sum(1 for r in app.index.rows if r.project_key == row.project_key)
        base = Path(old).parent if old else app.cwd

        def answered(path: Path | None) -> None:
            if path is not None:
                app.run_worker(self.apply_move(row, path), group="session-action", exit_on_error=False)

        app.push_screen(MoveProjectScreen(old or "(unknown folder)", max(count, 1), gone=gone, base=base), answered)

    async def apply_move(self, row: SessionRow, folder: Path) -> None:
        """Close the project's open sessions, move them all, list again and reopen the one on screen."""
        from .relocation import describe, move_sessions

        app = self.app
        if app.store is None:
            return
        old_key = row.project_key
        reopen: list[str] = []
        for view in list(app.open_views):
            if view.key is not None and view.key[0] == old_key:
                if await self._stop(view.key):
                    reopen.insert(0, view.key[1])
                else:
                    reopen.append(view.key[1])
        report = await move_sessions(app.store, old_key, folder, app.claude_config_dir)
        await app._reload_sessions()
        for session_id in reversed(reopen):  # the one on screen last, so it is on screen again
            where = report.new_key if session_id in report.moved else old_key
            await app._open_session((where, session_id), None)
        app.notify(
            safe_line(describe(report, row.cwd or "the project")),
            title="move project",
            severity="warning" if report.skipped else "information",
            markup=False,
        )

    # -- open in Claude Code --------------------------------------------------------------

    def open_in_claude(self) -> None:
        row = self._target("open in claude code")
        if row is None:
            return
        if self.running_cli:
            return
        app = self.app
        cli = app.login.cli()
        if cli is None:
            app.notify(
                "Claude Code's CLI was not found: reinstall claude-agent-sdk or set [claude] cli_path in the config.",
                title="open in claude code", severity="error", markup=False,
            )
            return
        self.running_cli = True
        app.run_worker(self.apply_open(row, cli), group="open-in-claude", exit_on_error=False)

    async def apply_open(self, row: SessionRow, cli: Path) -> None:
        try:
            await self._open(row, cli)
        finally:
            self.running_cli = False

    async def _open(self, row: SessionRow, cli: Path) -> None:
        from textual.app import SuspendNotSupported

        from .store.importer import import_session_file
        from .store.restore import restore_transcript

        app = self.app
        cwd = row.cwd or ""
        if not cwd or not await asyncio.to_thread(os.path.isdir, cwd):
            app.notify(
                safe_line(f"The session's folder {cwd or '(unknown)'} is gone: \"Move project\" to where it is now, then open it."),
                title="open in claude code", severity="warning", markup=False,
            )
            return
        key = row.key
        view = app.view_for(key)
        live = app.live.session_of(view) if view is not None else None
        if live is not None and live.busy:
            app.notify(
                "Claude is still replying in this session: wait, or interrupt it (Escape), then open it in Claude Code.",
                title="open in claude code", severity="warning", markup=False,
            )
            return
        was_open = view is not None
        await self._stop(key)
        path = transcript_path(app.claude_config_dir, row)
        if app.store is not None:
            try:
                await restore_transcript(app.store, row.project_key, row.session_id, path)
            except OSError as exc:
                app.notify(safe_line(f"Could not write {path}: {exc}"), title="open in claude code", severity="error", markup=False)
                return
        env = {**os.environ, **app.login.env()}
        code: int | None
        try:
            with app.batch_update():  # nothing is drawn over Claude Code meanwhile
                with app.suspend():
                    with terminal_keys_to_child():
                        code = await run_in_terminal(resume_argv(cli, row.session_id), cwd, env)
        except SuspendNotSupported:
            app.notify(CANNOT_SUSPEND.format(id=row.session_id), title="open in claude code", severity="warning", markup=False, timeout=20)
            if was_open:
                await app._open_session(key, None)
            return
        if code is None:
            app.notify(safe_line(f"Could not run {cli}."), title="open in claude code", severity="error", markup=False)
        elif code != 0:
            app.notify(
                f"Claude Code exited with status {code}.",
                title="open in claude code", severity="warning", markup=False,
            )
        if app.store is not None:
            report = await import_session_file(app.store, path)
            if report.errors:
                log.warning("re-import of %s: %s", path, report.errors)
        await app._reload_sessions()
        await app._open_session(key, None)
        app.notify(safe_line(f"Back from Claude Code: {row.display_title}"), title="open in claude code", markup=False)

    # -- palette --------------------------------------------------------------------------

    def commands(self) -> list[tuple[str, str, Any]]:
        if not self.app.session_actions.targets():
            return []
        return [
            ("Move project", "Its folder moved or was renamed: re-home the project's sessions there", self.move),
            ("Open in Claude Code", "Claude Code's own interface on this session; back here when it exits", self.open_in_claude),
        ]


class ProjectActionsMixin:
    """The app's ``action_*`` for "Move project" and "Open in Claude Code"."""

    _project_actions: ProjectActions | None = None

    @property
    def project_actions(self) -> ProjectActions:
        if self._project_actions is None:
            self._project_actions = ProjectActions(self)  # type: ignore[arg-type]
        return self._project_actions

    def action_move_project(self) -> None:
        self.project_actions.move()

    def action_open_in_claude(self) -> None:
        self.project_actions.open_in_claude()

    def project_commands(self) -> Iterable[SystemCommand]:
        from textual.app import SystemCommand

        for name, help_text, callback in self.project_actions.commands():
            yield SystemCommand(name, help_text, callback)
