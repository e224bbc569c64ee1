"""The app's side of the panels: what the current session's panels show, kept current.

The app delegates here (``ClaudeTUI.panels``): "Toggle panels", following the
current session, and feeding the Session and Timeouts panels. Facts come from
the live side (``LiveSession.state``, the engine's ``SessionState``) and from
the few engine events the state does not carry (the CLI's version, API
retries, cost and tokens, when an error happened), heard on the controller's
event feed. The context-window use and the MCP servers are asked of the live
CLI through the engine (``worker.context_usage()`` / ``mcp_status()``) after
each turn and when a connected session comes on screen.

Cost: other sessions' events only update a small record; the panels are
redrawn for the current session alone, once a second (countdowns) or when
one of its events arrives, and a panel whose text did not change is not
touched (``PanelBox.show``).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .attachments import Attachments
from .config import TimeoutSettings
from .attachments import shown_path
from .widgets.panels.session import RetryNote, SessionFacts
from .widgets.panels.timeouts import Countdown, Fired, TimeoutRow

if TYPE_CHECKING:
    from textual.timer import Timer

    from .app import ClaudeTUI
    from .live.session import LiveSession
    from .views import OpenView
    from .widgets.panels.side_area import SidePanels

log = logging.getLogger(__name__)

TICK_S = 1.0
OUTCOME_WORDS = {
    "stalled": "the turn was interrupted (partial reply kept; retry offers it again)",
    "timed_out": "the turn was interrupted (retry offers it again)",
    "crashed": "the CLI was killed; reconnecting",
    "interrupted": "the turn was interrupted",
}
SCAN_EVERY = 3  # refreshes between re-checks of the attached files (in a thread)
MAX_RETRY_NOTES = 10
WATCHED = frozenset({"StateChanged", "SessionStarted", "ApiRetry", "TurnCompleted", "ErrorOccurred", "PromptSent", "SessionSaved"})
"""The engine events the panels listen to (by class name: no engine import here)."""


@dataclass
class Heard:
    """What the events of one session said that its state does not hold."""

    cli_version: str | None = None
    retries: list[RetryNote] = field(default_factory=list)
    cost_usd: float = 0.0  # the session's total: each turn's own cost summed, over CLI restarts
    turns_costed: int = 0  # the turns in that total
    input_tokens: int = 0
    output_tokens: int = 0
    last_error: str | None = None
    last_error_at: float | None = None
    state: Any = None  # the newest SessionState heard (before the pane's inbox drew it)
    context: tuple[int, int] | None = None
    mcp: tuple[tuple[str, str], ...] | None = None
    asking: bool = False
    fired: Fired | None = None


def git_branch(cwd: str) -> str | None:
    """The branch checked out in the repository holding ``cwd`` (read from .git/HEAD), if any."""
    try:
        path = Path(cwd).resolve()
    except (OSError, RuntimeError):
        return None
    for folder in (path, *path.parents):
        head = folder / ".git" / "HEAD"
        try:
            if (folder / ".git").is_file():  # a worktree: "gitdir: <path>"
                text = (folder / ".git").read_text(encoding="utf-8", errors="replace").strip()
                if text.startswith("gitdir:"):
                    head = Path(text[7:].strip()) / "HEAD"
            text = head.read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            continue
        if text.startswith("ref: refs/heads/"):
            return text[len("ref: refs/heads/") :]
        if text.startswith("ref:"):
            return text.rsplit("/", 1)[-1]
        return f"detached {text[:8]}"
    return None


def timeout_rows(settings: TimeoutSettings, overrides: dict[str, Any] | None = None) -> list[TimeoutRow]:
    """The four timeouts in force, each with where it comes from."""
    defaults = TimeoutSettings()
    rows = []
    for f in fields(TimeoutSettings):
        value = (overrides or {}).get(f.name)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
            rows.append(TimeoutRow(f.name, float(value), "this session"))
            continue
        configured = float(getattr(settings, f.name))
        rows.append(TimeoutRow(f.name, configured, "default" if configured == getattr(defaults, f.name) else "config"))
    return rows


class PanelsController:
    """See the module docstring."""

    def __init__(self, app: ClaudeTUI) -> None:
        self.app = app
        self.heard: dict[str, Heard] = {}
        self.branches: dict[str, str | None] = {}
        self._timer: Timer | None = None
        self._pending = False
        self._background: set[asyncio.Task[Any]] = set()
        self.redraws = 0  # refreshes that ran (tests, benchmarks)
        self.files = Attachments(app, self.refresh_soon)
        self.overrides: dict[str, dict[str, Any]] = {}  # session id -> its timeout overrides (store)
        from .panel_actions import PanelActions

        self.actions = PanelActions(app, self)
        self._ticks = 0

    # -- the side area ---------------------------------------------------------------------

    @property
    def side(self) -> SidePanels:
        from .widgets.panels.side_area import SidePanels

        return self.app.screen_stack[0].query_one(SidePanels)

    def mounted(self) -> None:
        """The main screen is up: listen to the engine's events, tick once a second."""
        side = self.side
        side.wanted = self.app.settings.panels.shown
        side.set_room(self.app.size.width)
        self.app.live.listeners.append(self.heard_event)
        self.app.live.sender.files_for = self.files.files_for
        self._timer = self.app.set_interval(TICK_S, self.refresh, name="panels")
        self.refresh()

    def resized(self, width: int) -> None:
        if self._timer is None:
            return  # before the main screen is up (mounted() reads the width itself)
        self.side.set_room(width)
        self.refresh()

    def toggle(self) -> None:
        """"Toggle panels": on a wide terminal the choice is kept in the config."""
        side = self.side
        if side.toggle():
            self.app.settings.panels.shown = side.wanted
            self.app.save_settings_soon()
        elif side.shown and self.app.screen_stack[0].has_class("-narrow"):
            self.app.sidebar.set_shown(shown_narrow=False)  # the chat keeps the room (ctrl+b brings the list)
        self.refresh()

    def follow(self) -> None:
        """Another session came on screen: draw its panels; ask its CLI what it knows."""
        live = self._current_live()
        if live is not None and live.view.number not in self.files.stored:
            self._spawn(self.files.load(live))
        if live is not None and live.view.key is not None and live.view.key[1] not in self.overrides:
            self.overrides[live.view.key[1]] = {}
            self._spawn(self._load_overrides(live.view.key[1], live.view.key))
        if live is not None and live.session_id:
            heard = self.heard.get(live.session_id)
            if heard is not None and heard.context is None and live.state is not None and live.state.is_live:
                self._ask_cli(live.session_id)
        self.refresh_soon()

    # -- context files ----------------------------------------------------------------------

    def attach(self) -> None:
        """"Attach context files": the picker, rooted at the session's folder."""
        from .screens.file_picker import FilePickerScreen

        live = self._current_live()
        if live is None:
            self.app.notify("Open a session (or a draft) first.", title="attach context files", markup=False)
            return

        def picked(paths: list[Path] | None) -> None:
            if paths:
                self._spawn(self._attach(live, paths))

        self.app.push_screen(FilePickerScreen(live.cwd), picked)

    def attach_paths(self, paths: list[Path]) -> None:
        """Attach ``paths`` to the session on screen (``@path`` in the prompt)."""
        live = self._current_live()
        if live is not None:
            self._spawn(self._attach(live, paths))

    async def _attach(self, live: LiveSession, paths: list[Path]) -> None:
        added = await self.files.attach(live, paths)
        names = ", ".join(shown_path(p, live.cwd) for p in added) or "nothing new"
        self.app.notify(f"attached: {names}", title="context", markup=False)
        problem = self.files.problem(live)
        if problem is not None:
            self.app.notify(problem, title="context", severity="warning", markup=False)
        self.refresh_soon()

    def remove(self, path: str | None = None) -> None:
        """"Remove context file": the row given, or the highlighted one in the Context panel."""
        live = self._current_live()
        if live is None:
            return
        if path is None:
            from .widgets.panels.context import ContextList

            listing = self.side.query_one(ContextList)
            index = listing.highlighted
            if index is None or not self.files.paths(live):
                self.app.notify("No context file to remove.", title="context", markup=False)
                return
            path = listing.get_option_at_index(index).id
        if path is not None:
            self._spawn(self._remove(live, path))

    async def _remove(self, live: LiveSession, path: str) -> None:
        if await self.files.remove(live, path):
            self.app.notify(f"removed: {shown_path(path, live.cwd)}", title="context", markup=False)

    # -- timeouts -----------------------------------------------------------------------------

    async def _load_overrides(self, sid: str, key: tuple[str, str]) -> None:
        store = self.app.store
        if store is None:
            return
        stored = await store.overrides(*key)
        self.overrides[sid] = dict(stored.get("timeouts") or {})
        self.refresh_soon()

    def may_send(self, view: Any) -> bool:
        """Before a prompt goes: a file that would be refused is named and the prompt kept."""
        live = self.app.live.session_of(view)
        problem = self.files.problem(live) if live is not None else None
        if problem is None:
            return True
        self.app.notify(problem + ". The prompt was not sent.", title="context", severity="warning", markup=False)
        return False

    # -- what is heard -----------------------------------------------------------------

    def heard_event(self, event: Any) -> None:
        """Every engine event passes here (the live controller's feed): cheap for deltas."""
        kind = type(event).__name__
        if kind not in WATCHED:
            return
        sid = event.session_id
        heard = self.heard.get(sid)
        if heard is None:
            heard = self.heard[sid] = Heard()
        now = self.app.clock().timestamp()
        if kind == "StateChanged":
            heard.state = event.state
        elif kind == "SessionStarted":
            heard.cli_version = event.claude_code_version
        elif kind == "ApiRetry":
            heard.retries.append(RetryNote(event.attempt, event.max_retries, event.status, now))
            del heard.retries[:-MAX_RETRY_NOTES]
        elif kind == "TurnCompleted":
            fired = heard.fired
            if fired is not None and fired.outcome == "…" and event.outcome in OUTCOME_WORDS:
                heard.fired = Fired(fired.name, fired.seconds, fired.at, OUTCOME_WORDS[event.outcome])
            if event.cost_usd is not None:
                heard.cost_usd += event.cost_usd
                heard.turns_costed += 1
            heard.input_tokens += event.input_tokens or 0
            heard.output_tokens += event.output_tokens or 0
            self._ask_cli(sid)
        elif kind == "ErrorOccurred":
            heard.last_error, heard.last_error_at = event.message, now
            if event.kind == "timeout" and event.timeout:
                outcome = "the CLI was killed; reconnecting" if event.timeout in ("connect", "interrupt") else "…"
                heard.fired = Fired(event.timeout, event.seconds or 0.0, now, outcome)
        elif kind == "PromptSent" and event.files:
            self._reload_sent(sid)
        elif kind == "SessionSaved" and sid in self.files.unstored:
            self._spawn(self.files.session_saved(sid))
        if self._is_current(sid):
            self.refresh_soon()

    def _reload_sent(self, sid: str) -> None:
        live = self.app.live.sessions.by_sid.get(sid)
        key = self.files._key(live) if live is not None else None  # noqa: SLF001
        if key is not None:
            self._spawn(self.files.reload_sent(key))

    def _is_current(self, sid: str) -> bool:
        live = self._current_live()
        return live is not None and live.session_id == sid

    # -- drawing ---------------------------------------------------------------------------

    def refresh_soon(self) -> None:
        if not self._pending:
            self._pending = True
            self.app.call_later(self.refresh)

    def refresh(self) -> None:
        """Draw the current session's panels (nothing happens while they are hidden)."""
        self._pending = False
        if self._timer is None or not self.app.screen_stack:
            return
        try:
            side = self.side
        except Exception:  # noqa: BLE001 - quitting: the screen is gone
            return
        if not side.shown or self.app.live.shut_down or not side.is_attached:
            return  # hidden, or quitting (the panels may be half taken down)
        from textual.css.query import NoMatches

        self.redraws += 1
        live = self._current_live()
        now = self.app.clock().timestamp()
        try:
            side.session.show_facts(self.facts(live) if live is not None else None, now)
            self._show_timeouts(side, live)
            side.context.show_files(self.files.rows(live) if live is not None else [])
        except NoMatches:
            return  # the screen is being taken down
        self._ticks += 1
        if self._ticks % SCAN_EVERY == 0 and live is not None and self.files.paths(live):
            self._spawn(self.files.scan())  # files change on disk: checked in a thread

    def _show_timeouts(self, side: SidePanels, live: LiveSession | None) -> None:
        sid = live.session_id if live is not None else None
        overrides = self.overrides.get(sid) if sid else None
        armed: tuple[Countdown, ...] = ()
        worker = live.worker if live is not None else None
        if worker is not None and hasattr(worker, "armed_timers"):
            armed = tuple(Countdown(t.name, t.seconds, t.left) for t in worker.armed_timers())
        heard = self.heard.get(sid) if sid else None
        side.timeouts.show_rows(
            timeout_rows(self.app.settings.timeouts, overrides), armed, heard.fired if heard is not None else None
        )

    def current_live(self) -> LiveSession | None:
        return self._current_live()

    def spawn(self, work: Any) -> None:
        self._spawn(work)

    def _current_live(self) -> LiveSession | None:
        if not self.app.screen_stack:
            return None  # quitting
        view = self.app.current_view
        return self.app.live.session_of(view) if view is not None else None

    def facts(self, live: LiveSession) -> SessionFacts:
        """The Session panel's facts for ``live`` now."""
        app = self.app
        sid = live.session_id
        heard = self.heard.get(sid) if sid else None
        state = live.state
        if heard is not None and heard.state is not None:
            state = heard.state
        cwd = str(live.cwd)
        branch = self._branch(cwd, live.view)
        manager = app.live.manager
        worker = live.worker
        pid = None
        if worker is not None and state is not None and state.is_live:
            pid = worker.cli_pid
        common: dict[str, Any] = dict(
            cwd=cwd,
            branch=branch,
            permission_mode=live.mode,
            waiting_permission=bool(live.requests),
            queued=len(live.queued),
            live=manager.budget.live if manager is not None else 0,
            max_live=app.settings.sessions.max_live,
            pid=pid,
            **self._lineage_and_note(live.view),
        )
        if heard is not None:
            common.update(
                cli_version=heard.cli_version,
                retries=tuple(heard.retries),
                cost_usd=heard.cost_usd,
                turns_costed=heard.turns_costed,
                input_tokens=heard.input_tokens,
                output_tokens=heard.output_tokens,
                context=heard.context,
                mcp=heard.mcp,
                last_error_at=heard.last_error_at,
            )
        if live.is_draft and not live.sent:
            return SessionFacts(draft=True, session_id=None, model=app.settings.claude.model, **common)
        if state is None:  # opened from the store, no CLI yet: what the stored row says
            from .timestamps import parse_iso

            row = self._row(live.view)
            started = parse_iso(row.created_at) if row is not None and row.created_at else None
            return SessionFacts(
                draft=False,
                session_id=sid,
                started_at=started.timestamp() if started is not None else None,
                messages=row.message_count if row is not None else 0,
                last_error=row.last_error if row is not None else None,
                model=app.settings.claude.model,
                **common,
            )
        last_error = state.last_error or (heard.last_error if heard is not None else None)
        return SessionFacts(
            draft=False,
            session_id=state.session_id,
            phase=state.phase.value,
            started_at=state.started_at,
            messages=state.messages,
            last_error=last_error,
            attempt=state.attempt,
            max_attempts=state.max_attempts,
            next_retry_at=state.next_retry_at,
            model=state.model,
            **common,
        )

    def _lineage_and_note(self, view: Any) -> dict[str, Any]:
        """A fork's "forked from ..." line and the session's note, from its listed row."""
        row = self._row(view)
        if row is None:
            return {}
        from .fork_actions import lineage_text

        lineage = lineage_text(row, self.app.fork_actions.parent_of(row))
        if lineage:
            from .keys import key_for

            key = key_for(self.app, "open_parent_session")
            lineage += f" ({key} opens it)" if key else " (\"Open parent session\" opens it)"
        return {"lineage": lineage, "note": row.note}

    def _branch(self, cwd: str, view: OpenView | Any) -> str | None:
        if cwd in self.branches:
            return self.branches[cwd] or self._row_branch(view)
        self.branches[cwd] = None
        self._spawn(self._read_branch(cwd))
        return self._row_branch(view)

    def _row(self, view: Any) -> Any:
        key = getattr(view, "key", None)
        return self.app.index.by_key.get(key) if key is not None else None

    def _row_branch(self, view: Any) -> str | None:
        row = self._row(view)
        return getattr(row, "git_branch", None) if row is not None else None

    async def _read_branch(self, cwd: str) -> None:
        branch = await asyncio.to_thread(git_branch, cwd)
        if branch is not None:
            self.branches[cwd] = branch
            self.refresh_soon()

    # -- asking the live CLI ---------------------------------------------------------------

    def _ask_cli(self, sid: str) -> None:
        manager = self.app.live.manager
        worker = manager.get(sid) if manager is not None else None
        heard = self.heard.get(sid)
        if worker is None or heard is None or heard.asking or not hasattr(worker, "context_usage"):
            return
        heard.asking = True
        self._spawn(self._ask(worker, heard))

    async def _ask(self, worker: Any, heard: Heard) -> None:
        try:
            usage = await worker.context_usage()
            if usage is not None:
                total, limit = usage.get("totalTokens"), usage.get("maxTokens")
                if isinstance(total, int) and isinstance(limit, int):
                    heard.context = (total, limit)
            servers = await worker.mcp_status()
            if servers is not None:
                heard.mcp = tuple((str(s.get("name", "?")), str(s.get("status", "?"))) for s in servers)
        finally:
            heard.asking = False
        if self._is_current(worker.session_id):
            self.refresh_soon()

    def _spawn(self, work: Any) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._background.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("panels: a background read failed", exc_info=task.exception())
