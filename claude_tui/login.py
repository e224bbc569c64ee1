"""Logging in from the app: is Claude reachable, the banner, the login, reconnecting.

After the first frame a worker asks Claude Code itself (``engine/auth.py``:
``claude auth status``, with the sessions' CLI and environment) whether it has
credentials. When it says no, a banner above the open session says so and
what to do, and a prompt sent meanwhile is not sent at all: it stays in the
prompt box (nothing reaches the CLI, so nothing is stored as a conversation),
and goes out with Enter once Claude can be reached.

"Log in to Claude" suspends the app (Textual's ``App.suspend``) and runs the
CLI's own interactive login (``claude auth login``) in the terminal; back in
the app, auth is asked again and the current session reconnects. "Reconnect
now" does the last two without the login (e.g. after a key appeared in the
environment). No key is read, stored or printed here.
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import ClaudeTUI
    from .engine.auth import AuthStatus
    from .widgets.login_notice import LoginNotice

log = logging.getLogger(__name__)

UNSUPPORTED = (
    "This terminal cannot hand itself over to Claude Code's login (the app cannot be suspended here)."
    " Run `claude-tui claude auth login` in another terminal, then use the palette's Reconnect now."
)


class Login:
    """The app's login state and actions (the app delegates to it)."""

    def __init__(self, app: ClaudeTUI, *, check: bool = True) -> None:
        self.app = app
        self.check_enabled = check
        """False: never ask (tests whose screens must not depend on this machine's login)."""
        self.status: AuthStatus | None = None
        self.checks = 0
        """How many answers came back (tests wait on it)."""
        self.held = False
        """A prompt was refused for want of credentials and waits in its prompt box."""
        self.notice: LoginNotice | None = None

    # -- the sessions' CLI and environment ---------------------------------------------------

    def cli(self) -> Path | None:
        from .cli_claude import session_cli

        return session_cli(self.app.settings.claude.cli_path)

    def env(self) -> dict[str, str]:
        """What the sessions' CLIs get on top of claude-tui's own environment."""
        from .engine.options import cli_env

        extra = {"CLAUDE_CONFIG_DIR": str(self.app.claude_config_dir), **self.app.live.workers.env}
        return cli_env(self.app.settings.claude, extra)

    @property
    def logged_out(self) -> bool:
        """Claude Code said it has no credentials (unknown is not 'out')."""
        return self.status is not None and self.status.known_bad

    # -- asking ----------------------------------------------------------------------------

    def after_first_frame(self) -> None:
        if self.check_enabled:
            self.app.run_worker(self.recheck(), group="auth", exclusive=True, exit_on_error=False)

    async def recheck(self) -> AuthStatus:
        from .engine.auth import check_auth

        status = await check_auth(self.cli(), self.env())
        if status.logged_in is None:
            log.info("could not ask Claude Code about its login: %s", status.problem)
        await self.apply(status)
        return status

    async def apply(self, status: AuthStatus) -> None:
        """Show what Claude Code said (the banner, or a word that it can be reached now)."""
        was_out = self.logged_out
        self.status = status
        self.checks += 1
        await self._show()
        if was_out and status.logged_in:
            held, self.held = self.held, False
            how = f" ({status.method.replace('_', ' ')})" if status.method != "none" else ""
            more = " Press Enter in the prompt to send your prompt." if held else ""
            self.app.notify(f"Claude can be reached{how}.{more}", title="logged in", markup=False)
            self._focus_prompt()

    # -- the banner and the prompt -------------------------------------------------------------

    async def _show(self) -> None:
        from .widgets.login_notice import LoginNotice

        if not self.logged_out:
            if self.notice is not None:
                notice, self.notice = self.notice, None
                await notice.remove()
            return
        key = self.app.key_for("login")
        if self.notice is None:
            self.notice = LoginNotice(key)
            center = self.app.screen_stack[0].query_one("#center")
            await center.mount(self.notice, after="#open-tabs")
        self.notice.update(key, self.held)

    def holds(self, text: str) -> bool:
        """Enter in a prompt: True when the prompt must stay where it is (not logged in)."""
        if not self.logged_out or not text.strip():
            return False
        self.held = True
        self.app.run_worker(self._show(), group="auth-notice", exit_on_error=False)
        self.app.notify(
            f"Not sent: not logged in to Claude. Press {self.app.key_for('login')} to log in;"
            " your prompt stays in the prompt box.",
            title="not logged in",
            severity="warning",
            markup=False,
        )
        return True

    def _focus_prompt(self) -> None:
        view = self.app.current_view
        if view is not None and self.app.screen is self.app.screen_stack[0]:
            self.app.pane_for_view(view).prompt.focus()

    # -- a send that failed for want of credentials -------------------------------------------

    async def turn_failed(self, view: Any, prompt: str, *, first: bool) -> None:
        """The prompt goes back into a prompt box; a draft's first attempt is not kept.

        Claude Code wrote the failed attempt to its transcript and the engine
        stored it: for a new session whose only turn this was, both go, and a
        fresh draft in the same folder takes the prompt (Enter sends it).
        """
        self.held = True
        if first and view.key is not None and view in self.app.open_views:
            view = await self._forget(view)
        await self.recheck()
        if view is None or view not in self.app.open_views:
            return
        box = self.app.pane_for_view(view).prompt
        if prompt.strip() and prompt.strip() not in box.text:
            box.set_text(prompt + (("\n\n" + box.text) if box.text.strip() else ""))
        self._focus_prompt()

    async def _forget(self, view: Any) -> Any:
        """Close ``view``'s session and delete what was stored of it; a new draft in its folder."""
        app = self.app
        live = app.live.session_of(view)
        cwd = live.cwd if live is not None else app.cwd
        worker = live.worker if live is not None else None
        manager = app.live.manager
        project_key, session_id = view.key
        transcript = worker.transcript_path if worker is not None else None
        if worker is not None and manager is not None:
            await manager.close_session(worker.session_id)  # its last save is done after this
        await app.views.close(view)
        if app.store is not None:
            await app.store.delete_session(project_key, session_id)
        if transcript is not None:
            await asyncio.to_thread(_remove_transcript, transcript)
        await app._reload_sessions()
        await app.action_new_draft()
        draft = app.current_view
        if draft is not None and cwd != app.cwd:
            await app.live.change_directory(draft, cwd)
        log.info("session %s failed for want of credentials before its first reply: not kept", session_id)
        return draft

    # -- actions ------------------------------------------------------------------------------

    async def log_in(self) -> None:
        """Claude Code's own login in this terminal, the app suspended meanwhile."""
        from textual.app import SuspendNotSupported

        from .engine.auth import login_argv

        cli = self.cli()
        if cli is None:
            self.app.notify(
                "Claude Code's CLI was not found: reinstall claude-agent-sdk or set [claude] cli_path in the config.",
                title="log in", severity="error", markup=False,
            )
            return
        argv = login_argv(cli)
        env = {**os.environ, **self.env()}
        try:
            with self.app.suspend():
                code = _run_in_terminal(argv, env)
        except SuspendNotSupported:
            self.app.notify(UNSUPPORTED, title="log in", severity="warning", markup=False, timeout=20)
            return
        if code is None:
            self.app.notify(f"Could not run {cli}.", title="log in", severity="error", markup=False)
            return
        await self.reconnect()
        if self.logged_out:
            self.app.notify(
                "Still not logged in to Claude (the login did not finish).", title="log in",
                severity="warning", markup=False,
            )

    async def reconnect(self) -> None:
        """Ask about the login again and reconnect the current session's CLI."""
        await self.recheck()
        live = self.app.live.session_of(self.app.current_view)
        worker = live.worker if live is not None else None
        if worker is not None:
            worker.reconnect()


def _remove_transcript(path: Path) -> None:
    """Claude Code's local transcript of a session not kept (and its side folder, if any)."""
    import shutil

    path.unlink(missing_ok=True)
    shutil.rmtree(path.with_suffix(""), ignore_errors=True)


def _run_in_terminal(argv: list[str], env: dict[str, Any]) -> int | None:
    """Run ``argv`` on the (handed over) terminal; its exit status, None if it could not start."""
    print("claude-tui: running Claude Code's login. claude-tui comes back when it ends.\n", flush=True)
    try:
        return subprocess.call(argv, env=env)
    except OSError:
        log.exception("could not run %s", argv[0])
        return None
    except KeyboardInterrupt:
        return 130


__all__ = ["UNSUPPORTED", "Login"]
