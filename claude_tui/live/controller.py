"""The live half of the app: sessions on the engine, seen through their panes.

``LiveController`` is what the app holds (as ``app.live``), and the app is a
``LiveHost`` to it (``host``: the few things the live half asks of the UI).
It keeps one ``LiveSession`` per open pane and joins the parts that do the work:

* ``workers.Workers``: the ``SessionManager`` (made lazily, so nothing of the
  engine or the SDK is imported before the first frame) and each pane's worker;
* ``inbox``: engine events and UI notes, handled in order in each pane's queue;
* ``sending.Sender``: sending, the queue of prompts behind a running turn, retry;
* ``permission_flow.PermissionFlow``: the broker and the permission modal;
* ``status``: the status line and the sidebar marker of a session;
* ``attention.AttentionQueue``: background sessions waiting for the user.

What the sidebar marker and the attention queue need from an engine event
(the turn ended, the state changed) is taken in ``feed`` as the event arrives,
not in the pane's queue: a background pane may be slow to draw (or not drawn
at all while hidden), and its marker and notification must not wait for it.

The app calls the methods below; everything that changes a conversation goes
through the session's inbox (``post``), so it happens in one order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .attention import FAILED, FINISHED, PERMISSION, AttentionQueue
from .inbox import FAILED_OUTCOMES, CancelQueued, EditQueued, Flush, Inbox, Retry, Submit, deliver
from .permission_flow import PermissionFlow
from .sending import Sender
from .session import LiveSession, Sessions
from .status import show_status, update_marker
from .text import draft_intro_text
from .workers import SHUTDOWN_S, Workers

if TYPE_CHECKING:
    from ..engine.events import EngineEvent
    from ..engine.manager import SessionManager
    from ..store import SqliteSessionStore
    from ..widgets.queued_prompt import QueuedPrompt
    from ..widgets.session_pane import SessionPane
    from .host import LiveHost, LiveView


class LiveController:
    """See the module docstring. ``env`` goes to every CLI (tests point it at a local Messages API)."""

    def __init__(self, host: LiveHost, *, env: dict[str, str] | None = None) -> None:
        self.host = host
        self.sessions = Sessions()
        self.workers = Workers(host, self.sessions, dict(env or {}))
        self.attention = AttentionQueue()
        self.permissions = PermissionFlow(host, self.sessions, closing=self._closing, needs_answer=self._needs_answer)
        self.sender = Sender(host, self.workers)
        self.inbox = Inbox(host, self.sessions, self.sender, self.permissions, closing=self._closing)
        self.listeners: list[Callable[[EngineEvent], None]] = []  # also hear every event (the panels)

    def _closing(self) -> bool:
        return self.workers.shut_down

    # -- start and stop ------------------------------------------------------------------

    def start(self, store: SqliteSessionStore | None) -> None:
        """Make the engine (the store is open, or failed to open: then no store)."""
        if self.workers.manager is not None:
            return
        broker = self.permissions.start()
        self.workers.start(store, permission_callback=broker.callback, feed=self.feed)

    async def shutdown(self, timeout: float = SHUTDOWN_S) -> None:
        """Interrupt and disconnect every session; no CLI process is left after it."""
        if self.workers.shut_down:
            return
        self.workers.shut_down = True  # from now on nothing is drawn, sent or asked
        if self.workers.manager is None:
            return
        self.permissions.cancel_all("claude-tui is quitting.")
        await self.workers.shutdown(timeout)

    @property
    def shut_down(self) -> bool:
        return self.workers.shut_down

    @property
    def manager(self) -> SessionManager | None:
        return self.workers.manager

    # -- panes ----------------------------------------------------------------------------

    def attach(self, view: LiveView, pane: SessionPane, cwd: Path) -> LiveSession:
        """A pane was opened (a stored session, or a draft in ``cwd``)."""
        live = LiveSession(
            view=view,
            pane=pane,
            retry_key=self.host.key_for("retry") or "ctrl+r",
            cwd=cwd,
            mode=self.host.settings.claude.permission_mode,
        )
        if view.key is not None:
            live.session_id = view.key[1]
            manager = self.workers.manager
            worker = manager.get(live.session_id) if manager is not None else None
            if worker is not None:
                live.worker, live.state, live.mode = worker, worker.state, worker.state.permission_mode
        self.sessions.add(live)
        pane.handler = self.inbox.handle
        show_status(self.host, live)
        return live

    def loaded(self, view: LiveView) -> None:
        """The stored transcript is on screen: its prompts become the history."""
        live = self.sessions.of_view(view)
        if live is None:
            return
        prompt = live.pane.prompt
        prompt.prompt_history = [m.text for m in live.pane.chat.messages if m.role == "user" and m.text.strip()]

    def session_of(self, view: LiveView | None) -> LiveSession | None:
        return self.sessions.of_view(view)

    def shown(self, view: LiveView | None) -> None:
        """``view`` is now on screen: it is read, and its permission requests may ask."""
        live = self.sessions.of_view(view)
        if live is None:
            return
        if live.view.key is not None:
            self.attention.clear(live.view.key)
        if live.unread:
            live.unread = False
            update_marker(self.host, live)
        self.permissions.show_next()

    def detach(self, view: LiveView) -> None:
        """The pane closes: disconnect its worker in the background (stays in the store)."""
        live = self.sessions.remove(view)
        if live is None:
            return
        live.pane.handler = None
        if view.key is not None:
            self.attention.clear(view.key)
        if live.session_id is not None:
            self.permissions.cancel_session(live.session_id)
            if view.key is not None:
                self.host.set_marker(view.key, None)
            self.workers.close(live)

    def prepare(self, view: LiveView) -> None:
        """The user started typing: connect the session's CLI in the background (once)."""
        live = self.sessions.of_view(view)
        if live is not None:
            self.workers.prepare(live)

    # -- events and notes in ---------------------------------------------------------------

    def feed(self, event: EngineEvent) -> None:
        """Every engine event (the manager's subscriber; also the seam for tests and
        screenshots to draw synthetic events): delivered to its session's pane."""
        for listener in self.listeners:
            listener(event)
        live = self.sessions.by_sid.get(event.session_id)
        if live is not None:
            self._observe(live, event)
            deliver(live, event)

    def _observe(self, live: LiveSession, event: EngineEvent) -> None:
        """What follows from ``event`` at once, whether or not its pane is drawn:
        the session's state, its end of turn, its marker and the attention queue."""
        from ..engine.events import StateChanged, TurnCompleted

        if isinstance(event, StateChanged):
            live.state = event.state
            live.mode = event.state.permission_mode
            update_marker(self.host, live)
        elif isinstance(event, TurnCompleted):
            live.failed = event.outcome in FAILED_OUTCOMES
            live.turn_ended = True
            if self.host.current_view is not live.view:
                live.unread = True
                if event.outcome != "cancelled":
                    reason = FAILED if live.failed else FINISHED
                    detail = event.outcome.replace("_", " ") if live.failed else ""
                    self.need_attention(live, reason, detail)
            update_marker(self.host, live)

    def _needs_answer(self, live: LiveSession, tool: str) -> None:
        self.need_attention(live, PERMISSION, tool)

    def need_attention(self, live: LiveSession, reason: str, detail: str = "") -> None:
        """A background session waits for the user: queue it and have the app tell them."""
        key = live.view.key
        if key is None or self.host.current_view is live.view or self.shut_down:
            return
        self.host.alert(self.attention.add(key, live.view.title, reason, detail))

    def post(self, view: LiveView, note: Any) -> bool:
        """Put ``note`` (see ``inbox``) into ``view``'s inbox; False if it is not open."""
        live = self.sessions.of_view(view)
        if live is None:
            return False
        deliver(live, note)
        return True

    async def settled(self, view: LiveView) -> None:
        """Wait until the pane of ``view`` handled everything posted to it so far."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if self.post(view, Flush(done)):
            await done

    # -- commands from the app ---------------------------------------------------------

    def submit(self, view: LiveView, text: str) -> bool:
        if not text.strip() or self.workers.shut_down:
            return False
        return self.post(view, Submit(text))

    def can_interrupt(self, view: LiveView | None) -> bool:
        live = self.sessions.of_view(view)
        return live is not None and live.busy

    def interrupt(self, view: LiveView | None) -> bool:
        live = self.sessions.of_view(view)
        if live is None or not live.busy or live.worker is None:
            return False
        live.worker.interrupt()
        return True

    def can_retry(self, view: LiveView | None) -> bool:
        live = self.sessions.of_view(view)
        return live is not None and bool(live.retry_prompt) and not live.busy

    def retry(self, view: LiveView | None) -> bool:
        if not self.can_retry(view):
            return False
        assert view is not None
        return self.post(view, Retry())

    def edit_queued(self, view: LiveView, widget: QueuedPrompt | None = None) -> None:
        self.post(view, EditQueued(widget))

    def cancel_queued(self, view: LiveView, widget: QueuedPrompt) -> None:
        self.post(view, CancelQueued(widget))

    def mode_of(self, view: LiveView | None) -> str:
        live = self.sessions.of_view(view)
        return live.mode if live is not None else self.host.settings.claude.permission_mode

    async def set_mode(self, view: LiveView, mode: str) -> str | None:
        """Switch the permission mode; returns the engine's refusal, or None when done."""
        live = self.sessions.of_view(view)
        if live is None:
            return "no session here"
        if live.worker is None:
            if mode == "bypassPermissions" and not self.host.settings.claude.allow_bypass:
                return (
                    "bypassPermissions needs `allow_bypass = true` under [claude] in the config"
                    " (the CLI must be started allowing it)"
                )
            from ..config import PERMISSION_MODES

            if mode not in PERMISSION_MODES:
                return f"unknown permission mode {mode!r}"
            live.mode = mode
            show_status(self.host, live)
            return None
        try:
            await live.worker.set_permission_mode(mode)
        except (ValueError, RuntimeError) as exc:
            return str(exc)
        live.mode = mode
        show_status(self.host, live)
        return None

    def can_change_directory(self, view: LiveView | None) -> bool:
        live = self.sessions.of_view(view)
        return live is not None and live.is_draft and not live.sent

    async def change_directory(self, view: LiveView, path: Path) -> bool:
        live = self.sessions.of_view(view)
        if live is None or not self.can_change_directory(view):
            return False
        await self.workers.drop(live)
        live.cwd = path
        live.prepared = False  # typing connects again, in the new folder
        live.pane.set_intro(self.host.draft_intro(path))
        show_status(self.host, live)
        return True


__all__ = ["LiveController", "draft_intro_text"]  # app.py imports draft_intro_text from here
