"""The live half of the app: sessions on the engine, seen through their panes.

``LiveController`` owns the ``SessionManager`` and the ``PermissionBroker``
(made lazily, so nothing of the engine or the SDK is imported before the first
frame) and keeps one ``LiveSession`` per open pane: its worker, the prompts
waiting for the running turn to end, the last prompt (for "retry"), the
permission requests waiting for the user, and whether it finished unseen.

Events go one way: the manager calls ``feed`` (in the event loop) for each
engine event; ``feed`` puts it in the session's inbox and, when the inbox was
idle, posts one wake-up to the session's pane, whose message queue then calls
``handle``: it drains the inbox in order, merging runs of text (or thinking)
deltas of one block into one. So a reply streaming thousands of deltas a
second costs a handful of Textual messages, not one each. User actions (send,
retry, edit or cancel a queued prompt) go through the same inbox, so every
change to one conversation happens in one order.

Rules this keeps (from the issues):

* A prompt written while a turn runs waits in the pane ("queued", editable and
  cancellable) and goes out when the turn ends. When the turn was cut short
  (interrupted, stalled, crashed) the waiting prompts go back into the prompt
  box instead: the user decides, nothing is sent behind their back.
* "retry" resends the last prompt only when asked (key or button).
* A permission request for the session on screen opens the modal at once; for
  another session it marks that session and rings the bell once, and the
  modal opens when the user switches to it.
"""

from __future__ import annotations

import asyncio
import atexit
import dataclasses
import logging
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.content import Content

from ..literal import safe_line
from ..widgets.marker import Marker
from ..widgets.queued_prompt import QueuedPrompt
from ..widgets.session_pane import SessionPane
from .text import OUTCOME_RETRY, mode_text, permission_note, prompt_title, status_text

if TYPE_CHECKING:
    from ..app import ClaudeTUI, OpenView
    from ..engine.events import EngineEvent, TextDelta, ThinkingDelta, TurnCompleted
    from ..engine.manager import SessionManager
    from ..engine.permissions import PermissionAnswer, PermissionBroker, PermissionRequest
    from ..engine.state import SessionState
    from ..engine.worker import SessionWorker
    from ..store import SqliteSessionStore
    from .renderer import TurnRenderer

# The engine's event types and the renderer (which brings the transcript model)
# load with the first event or note, not before the app's first frame.

log = logging.getLogger(__name__)

FAILED_OUTCOMES = frozenset({"error", "crashed", "stalled", "timed_out"})
CUT_SHORT = frozenset({"interrupted", "stalled", "timed_out", "crashed"})
SHUTDOWN_S = 5.0


# -- UI notes posted to a pane's queue next to engine events -------------------------


@dataclass(frozen=True)
class Submit:
    text: str


@dataclass(frozen=True)
class TurnDone:
    """The future of a send resolved: the turn's ``TurnCompleted``, or None when
    the prompt never went out."""

    result: TurnCompleted | None


@dataclass(frozen=True)
class PermissionNote:
    text: str
    allowed: bool


@dataclass(frozen=True)
class Retry:
    pass


@dataclass(frozen=True)
class EditQueued:
    widget: QueuedPrompt | None = None  # None: the last one


@dataclass(frozen=True)
class CancelQueued:
    widget: QueuedPrompt


@dataclass(frozen=True)
class Flush:
    """Resolves ``done`` once everything posted to the pane before it was handled."""

    done: asyncio.Future[None]


@dataclass
class LiveSession:
    """The UI side of one open session (or draft)."""

    view: OpenView
    pane: SessionPane
    retry_key: str
    cwd: Path
    mode: str
    session_id: str | None = None
    worker: SessionWorker | None = None
    state: SessionState | None = None
    busy: bool = False  # a prompt is on its way or its turn runs
    sent: bool = False  # at least one prompt went out from this pane
    queued: list[QueuedPrompt] = field(default_factory=list)
    last_prompt: str | None = None
    retry_prompt: str | None = None  # offered after a failed or cut-short turn
    failed: bool = False
    unread: bool = False
    requests: list[PermissionRequest] = field(default_factory=list)
    starting: asyncio.Lock = field(default_factory=asyncio.Lock)  # one worker per pane, however asked
    prepared: bool = False  # a pre-connect was asked for
    inbox: deque[Any] = field(default_factory=deque)  # events and notes not yet handled, in order
    woken: bool = False  # a wake-up is posted to the pane and not yet handled
    _renderer: TurnRenderer | None = None

    @property
    def renderer(self) -> TurnRenderer:
        """Made on first use (see the imports above)."""
        if self._renderer is None:
            from .renderer import TurnRenderer

            self._renderer = TurnRenderer(self.pane.chat, retry_key=self.retry_key)
        return self._renderer

    @property
    def is_draft(self) -> bool:
        return self.view.key is None

    @property
    def streaming(self) -> bool:
        return self.state is not None and self.state.phase.value in ("streaming", "interrupting")


class LiveController:
    """See the module docstring. ``env`` goes to every CLI (tests point it at a local Messages API)."""

    def __init__(self, app: ClaudeTUI, *, env: dict[str, str] | None = None) -> None:
        self.app = app
        self.env = dict(env or {})
        self.manager: SessionManager | None = None
        self.broker: PermissionBroker | None = None
        self.sessions: dict[int, LiveSession] = {}  # by view number
        self.by_sid: dict[str, LiveSession] = {}
        self.bells = 0
        self._ready = asyncio.Event()
        self._closing: set[asyncio.Task[Any]] = set()
        self._shut_down = False
        self._permission_open: PermissionRequest | None = None

    # -- start and stop ------------------------------------------------------------------

    def start(self, store: SqliteSessionStore | None) -> None:
        """Make the manager (the store is open, or failed to open: then no store)."""
        from ..engine.manager import SessionManager
        from ..engine.permissions import PermissionBroker

        if self.manager is not None:
            return
        self.broker = PermissionBroker()
        self.broker.cwd_of = self._cwd_of
        self.broker.subscribe(self._on_permission)
        self.manager = SessionManager(
            self.app.settings,
            store,
            env=self.env,
            permission_callback=self.broker.callback,
            config_dir=self.app.claude_config_dir,
        )
        self.manager.subscribe(self.feed)
        atexit.register(self._kill_all)
        self._ready.set()

    def _kill_all(self) -> None:
        if self.manager is not None:
            self.manager.kill_all()

    async def shutdown(self, timeout: float = SHUTDOWN_S) -> None:
        """Interrupt and disconnect every session; no CLI process is left after it."""
        if self._shut_down:
            return
        self._shut_down = True
        manager = self.manager
        if manager is None:
            return
        if self.broker is not None:
            for request in self.broker.pending():
                self.broker.cancel_session(request.session_id, "claude-tui is quitting.")
        try:
            await asyncio.wait_for(manager.shutdown(timeout=timeout), timeout + 1.0)
        except (asyncio.TimeoutError, Exception):  # noqa: BLE001 - quitting: the kill below is the net
            log.exception("engine shutdown did not finish")
        manager.kill_all()
        atexit.unregister(self._kill_all)

    @property
    def shut_down(self) -> bool:
        return self._shut_down

    def _cwd_of(self, session_id: str) -> str | None:
        live = self.by_sid.get(session_id)
        if live is not None and live.worker is not None:
            return live.worker.spec.cwd
        return str(live.cwd) if live is not None else None

    # -- panes ----------------------------------------------------------------------------

    def attach(self, view: OpenView, pane: SessionPane, cwd: Path) -> LiveSession:
        """A pane was opened (a stored session, or a draft in ``cwd``)."""
        live = LiveSession(
            view=view,
            pane=pane,
            retry_key=self.app.key_for("retry") or "ctrl+r",
            cwd=cwd,
            mode=self.app.settings.claude.permission_mode,
        )
        self.sessions[view.number] = live
        if view.key is not None:
            live.session_id = view.key[1]
            self.by_sid[live.session_id] = live
            worker = self.manager.get(live.session_id) if self.manager is not None else None
            if worker is not None:
                live.worker, live.state, live.mode = worker, worker.state, worker.state.permission_mode
        pane.handler = self.handle
        self._show_status(live)
        return live

    def loaded(self, view: OpenView) -> None:
        """The stored transcript is on screen: its prompts become the history."""
        live = self.sessions.get(view.number)
        if live is None:
            return
        prompt = live.pane.prompt
        prompt.prompt_history = [m.text for m in live.pane.chat.messages if m.role == "user" and m.text.strip()]

    def session_of(self, view: OpenView | None) -> LiveSession | None:
        return self.sessions.get(view.number) if view is not None else None

    def shown(self, view: OpenView | None) -> None:
        """``view`` is now on screen: it is read, and its permission requests may ask."""
        live = self.session_of(view)
        if live is None:
            return
        if live.unread:
            live.unread = False
            self._update_marker(live)
        self._show_permission()

    def detach(self, view: OpenView) -> None:
        """The pane closes: disconnect its worker in the background (stays in the store)."""
        live = self.sessions.pop(view.number, None)
        if live is None:
            return
        live.pane.handler = None
        if live.session_id is not None:
            self.by_sid.pop(live.session_id, None)
            if self.broker is not None:
                self.broker.cancel_session(live.session_id)
            if view.key is not None:
                self.app.set_marker(view.key, None)
            if self.manager is not None and live.worker is not None:
                task = asyncio.get_running_loop().create_task(self._close(live.session_id, view.key))
                self._closing.add(task)
                task.add_done_callback(self._closing.discard)

    async def _close(self, session_id: str, key: tuple[str, str] | None) -> None:
        """Disconnect a closed pane's session; it was saved on the way out, so its row may change."""
        assert self.manager is not None
        await self.manager.close_session(session_id)
        if key is not None and not self._shut_down:
            await self.app.refresh_session_row(key)

    # -- events in ------------------------------------------------------------------------

    def feed(self, event: EngineEvent) -> None:
        """Every engine event (the manager's subscriber; also the seam for tests and
        screenshots to draw synthetic events): delivered to its session's pane."""
        live = self.by_sid.get(event.session_id)
        if live is not None:
            self._deliver(live, event)

    def _deliver(self, live: LiveSession, item: Any) -> None:
        live.inbox.append(item)
        if not live.woken:
            live.woken = True
            live.pane.post_message(SessionPane.Wake())

    async def settled(self, view: OpenView) -> None:
        """Wait until the pane of ``view`` handled everything posted to it so far."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if self.post(view, Flush(done)):
            await done

    def post(self, view: OpenView, note: Any) -> bool:
        live = self.session_of(view)
        if live is None:
            return False
        self._deliver(live, note)
        return True

    async def handle(self, pane: SessionPane) -> None:
        """In ``pane``'s queue: handle everything in the session's inbox, in order."""
        from ..engine.events import TextDelta, ThinkingDelta

        live = next((s for s in self.sessions.values() if s.pane is pane), None)
        if live is None:
            return
        live.woken = False
        inbox = live.inbox
        while inbox:
            event = inbox.popleft()
            if isinstance(event, (TextDelta, ThinkingDelta)):
                event = _merge_deltas(event, inbox)
            await self._handle_one(live, event)

    async def _handle_one(self, live: LiveSession, event: Any) -> None:
        """Draw one event, then do what follows from it."""
        if isinstance(event, Flush):
            await live.renderer.flush()
            if not event.done.done():
                event.done.set_result(None)
            return
        if self._shut_down or live.pane.handler is None:
            return  # quitting or closed: nothing more is drawn or sent
        from ..engine.events import EngineEvent

        try:
            if isinstance(event, EngineEvent):
                await self._engine_event(live, event)
            elif isinstance(event, Submit):
                await self._submit(live, event.text)
            elif isinstance(event, TurnDone):
                await self._turn_done(live, event.result)
            elif isinstance(event, PermissionNote):
                await live.renderer.note(event.text, "permission" if event.allowed else "denied")
            elif isinstance(event, Retry):
                await self._retry(live)
            elif isinstance(event, EditQueued):
                await self._edit_queued(live, event.widget)
            elif isinstance(event, CancelQueued):
                await self._cancel_queued(live, event.widget)
        except Exception:  # noqa: BLE001 - one bad event must not stop the session's pane
            log.exception("handling %r failed", type(event).__name__)

    async def _engine_event(self, live: LiveSession, event: EngineEvent) -> None:
        from ..engine.events import SessionSaved, SessionStarted, StateChanged, TurnCompleted

        if isinstance(event, StateChanged):
            live.state = event.state
            live.mode = event.state.permission_mode
            self._show_status(live)
            self._update_marker(live)
            self.app.refresh_bindings()
            return
        if isinstance(event, SessionSaved):
            if live.view.key is not None:
                await self.app.refresh_session_row(live.view.key)
            return
        await live.renderer.handle(event)
        if isinstance(event, SessionStarted) and not event.resumed and live.view.key is not None:
            self.app.call_later(self.app.refresh_session_row, live.view.key)  # the row exists from now on
        if isinstance(event, TurnCompleted):
            live.failed = event.outcome in FAILED_OUTCOMES
            if event.outcome in OUTCOME_RETRY and live.last_prompt:
                live.retry_prompt = live.last_prompt
            if self.app.current_view is not live.view:
                live.unread = True
            self._prune_requests(live)
            self._update_marker(live)
            self.app.refresh_bindings()

    # -- sending ---------------------------------------------------------------------------

    async def _submit(self, live: LiveSession, text: str) -> None:
        if live.busy:
            widget = QueuedPrompt(text)
            live.queued.append(widget)
            await live.pane.chat.append_widget(widget)
            live.pane.chat.anchor()
            self._queue_changed(live)
            return
        await self._send(live, text)

    def prepare(self, view: OpenView) -> None:
        """Connect ``view``'s session in the background before its first send
        (the user started typing). Once per pane; a draft stays a draft (it
        is stored when its first prompt goes out)."""
        live = self.session_of(view)
        if live is None or live.prepared or live.busy or live.worker is not None or self._shut_down:
            return
        live.prepared = True

        async def connect() -> None:
            worker = await self._ensure_worker(live)
            if worker is None:
                return
            if self.sessions.get(live.view.number) is not live:
                # The pane closed while the worker was made: do not leave its CLI running.
                self.by_sid.pop(worker.session_id, None)
                if self.manager is not None and not self._shut_down:
                    await self.manager.close_session(worker.session_id)
                return
            if not live.sent and worker.state.phase.value == "idle":
                worker.connect()

        task = asyncio.get_running_loop().create_task(connect())
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def _ensure_worker(self, live: LiveSession) -> SessionWorker | None:
        async with live.starting:
            return await self._start_worker(live)

    async def _start_worker(self, live: LiveSession) -> SessionWorker | None:
        await self._ready.wait()
        manager = self.manager
        if manager is None or self._shut_down:
            return None
        if live.worker is not None and live.session_id in manager.workers:
            return live.worker
        try:
            if live.view.key is None:
                worker = manager.new_session(live.cwd, connect=False, session_id=live.session_id)
            else:
                worker = await manager.open_session(live.view.key[1], project_key=live.view.key[0], cwd=live.cwd, connect=False)
        except Exception as exc:  # noqa: BLE001 - e.g. no recorded cwd; the user sees why
            self.app.notify(safe_line(str(exc)), title="cannot start the session", severity="error", markup=False)
            return None
        live.worker = worker
        live.session_id = worker.session_id
        live.state = worker.state
        self.by_sid[worker.session_id] = live
        if live.mode != worker.state.permission_mode:
            try:
                await worker.set_permission_mode(live.mode)
            except (ValueError, RuntimeError) as exc:
                self.app.notify(safe_line(str(exc)), title="permission mode", severity="error", markup=False)
                live.mode = worker.state.permission_mode
        return worker

    async def _send(self, live: LiveSession, text: str) -> None:
        worker = await self._ensure_worker(live)
        if worker is None or self.manager is None:
            await live.renderer.note("not sent: the session engine is not running", "error")
            return
        if live.view.key is None:
            self.app.became_session(live.view, (worker.project_key, worker.session_id), prompt_title(text), live.cwd)
            live.pane.set_intro(None)
            live.pane.set_hint(None)
        live.busy = True
        live.sent = True
        live.last_prompt = text
        live.retry_prompt = None
        live.pane.prompt.remember(text)
        live.pane.chat.anchor()
        await live.renderer.user_prompt(text, self.app.clock())
        future = await self.manager.send(worker.session_id, text)
        def done(f: asyncio.Future[TurnCompleted | None]) -> None:
            result = None if f.cancelled() or f.exception() is not None else f.result()
            self._deliver(live, TurnDone(result))

        future.add_done_callback(done)
        self._show_status(live)
        self._update_marker(live)
        self.app.refresh_bindings()

    async def _turn_done(self, live: LiveSession, result: TurnCompleted | None) -> None:
        live.busy = False
        if result is None:
            reason = live.state.last_error if live.state is not None and live.state.last_error else None
            await live.renderer.note("not sent" + (f": {reason}" if reason else ""), "error", retry=bool(live.last_prompt))
            live.retry_prompt = live.last_prompt
            await self._return_queued(live, "the prompt before them was not sent")
        elif result.outcome in CUT_SHORT:
            await self._return_queued(live, f"the turn was {result.outcome.replace('_', ' ')}")
        elif result.outcome == "cancelled":
            await self._drop_queued(live)
        elif live.queued:
            widget = live.queued.pop(0)
            await widget.remove()
            self._queue_changed(live)
            await self._send(live, widget.text)
            return
        self._show_status(live)
        self._update_marker(live)
        self.app.refresh_bindings()

    async def _return_queued(self, live: LiveSession, why: str) -> None:
        """Put waiting prompts back into the prompt box (never sent unasked)."""
        if not live.queued:
            return
        texts = [w.text for w in live.queued]
        await self._drop_queued(live)
        prompt = live.pane.prompt
        prompt.set_text("\n\n".join([*texts, prompt.text] if prompt.text.strip() else texts))
        count = len(texts)
        await live.renderer.note(
            f"{count} queued prompt{'s' if count != 1 else ''} moved back to the prompt: {why}", "info"
        )

    async def _drop_queued(self, live: LiveSession) -> None:
        for widget in live.queued:
            await widget.remove()
        live.queued.clear()
        self._queue_changed(live)

    async def _edit_queued(self, live: LiveSession, widget: QueuedPrompt | None) -> None:
        if not live.queued:
            return
        widget = widget if widget in live.queued else live.queued[-1]
        live.queued.remove(widget)
        await widget.remove()
        self._queue_changed(live)
        prompt = live.pane.prompt
        prompt.set_text(widget.text + (("\n\n" + prompt.text) if prompt.text.strip() else ""))
        prompt.focus()

    async def _cancel_queued(self, live: LiveSession, widget: QueuedPrompt) -> None:
        if widget in live.queued:
            live.queued.remove(widget)
            await widget.remove()
            self._queue_changed(live)

    def _queue_changed(self, live: LiveSession) -> None:
        live.pane.prompt.queued = len(live.queued)
        self._show_status(live)

    async def _retry(self, live: LiveSession) -> None:
        text = live.retry_prompt
        if not text or live.busy:
            return
        live.retry_prompt = None
        await self._send(live, text)

    # -- commands from the app ---------------------------------------------------------

    def submit(self, view: OpenView, text: str) -> bool:
        if not text.strip() or self._shut_down:
            return False
        return self.post(view, Submit(text))

    def can_interrupt(self, view: OpenView | None) -> bool:
        live = self.session_of(view)
        return live is not None and live.busy

    def interrupt(self, view: OpenView | None) -> bool:
        live = self.session_of(view)
        if live is None or not live.busy or live.worker is None:
            return False
        live.worker.interrupt()
        return True

    def can_retry(self, view: OpenView | None) -> bool:
        live = self.session_of(view)
        return live is not None and bool(live.retry_prompt) and not live.busy

    def retry(self, view: OpenView | None) -> bool:
        if not self.can_retry(view):
            return False
        assert view is not None
        return self.post(view, Retry())

    def edit_queued(self, view: OpenView, widget: QueuedPrompt | None = None) -> None:
        self.post(view, EditQueued(widget))

    def cancel_queued(self, view: OpenView, widget: QueuedPrompt) -> None:
        self.post(view, CancelQueued(widget))

    def mode_of(self, view: OpenView | None) -> str:
        live = self.session_of(view)
        return live.mode if live is not None else self.app.settings.claude.permission_mode

    async def set_mode(self, view: OpenView, mode: str) -> str | None:
        """Switch the permission mode; returns the engine's refusal, or None when done."""
        live = self.session_of(view)
        if live is None:
            return "no session here"
        if live.worker is None:
            if mode == "bypassPermissions" and not self.app.settings.claude.allow_bypass:
                return (
                    "bypassPermissions needs `allow_bypass = true` under [claude] in the config"
                    " (the CLI must be started allowing it)"
                )
            from ..config import PERMISSION_MODES

            if mode not in PERMISSION_MODES:
                return f"unknown permission mode {mode!r}"
            live.mode = mode
            self._show_status(live)
            return None
        try:
            await live.worker.set_permission_mode(mode)
        except (ValueError, RuntimeError) as exc:
            return str(exc)
        live.mode = mode
        self._show_status(live)
        return None

    def can_change_directory(self, view: OpenView | None) -> bool:
        live = self.session_of(view)
        return live is not None and live.is_draft and not live.sent

    async def change_directory(self, view: OpenView, path: Path) -> bool:
        live = self.session_of(view)
        if live is None or not self.can_change_directory(view):
            return False
        if live.worker is not None and self.manager is not None and live.session_id is not None:
            await self.manager.close_session(live.session_id)
            self.by_sid.pop(live.session_id, None)
            live.worker = None
            live.session_id = None
            live.state = None
        live.cwd = path
        live.prepared = False  # typing connects again, in the new folder
        live.pane.set_intro(self.app.draft_intro(path))
        self._show_status(live)
        return True

    # -- status and markers ------------------------------------------------------------------

    def _show_status(self, live: LiveSession) -> None:
        state = live.state
        if live.is_draft and not live.sent:
            text = status_text(None, queued=len(live.queued), draft_cwd=str(live.cwd))
        else:
            text = status_text(state, queued=len(live.queued), preconnect=self.app.settings.sessions.preconnect)
        if live.requests:
            text = f"waiting for your permission: {safe_line(live.requests[0].tool_name)}"
        phase = "queued" if live.requests else state.phase.value if state is not None else "idle"
        tone = {
            "failed": "error",
            "reconnecting": "warn",
            "queued": "warn",
            "connecting": "busy",
            "streaming": "busy",
            "interrupting": "busy",
        }.get(phase, "ok")
        model = state.model if state is not None else self.app.settings.claude.model
        live.pane.status.show(text, mode_text(live.mode, model), tone)

    def marker_of(self, live: LiveSession) -> Marker | None:
        if live.requests:
            return Marker.NEEDS_PERMISSION
        phase = live.state.phase.value if live.state is not None else None
        if phase == "queued":
            return Marker.QUEUED
        if live.busy or phase in ("streaming", "interrupting"):
            return Marker.STREAMING
        if phase == "failed" or live.failed:
            return Marker.ERROR
        if live.unread:
            return Marker.UNREAD
        return None

    def _update_marker(self, live: LiveSession) -> None:
        key = live.view.key
        if key is None:
            return
        marker = self.marker_of(live)
        if self.app.markers.get(key) != marker:
            self.app.set_marker(key, marker)

    # -- permissions ---------------------------------------------------------------------------

    def _on_permission(self, request: PermissionRequest) -> None:
        live = self.by_sid.get(request.session_id)
        if live is None:
            from ..engine.permissions import Decision, PermissionAnswer

            assert self.broker is not None
            self.broker.answer(request.request_id, PermissionAnswer(Decision.DENY, "The session is not open."))
            return
        live.requests.append(request)
        self._update_marker(live)
        self._show_status(live)
        if self.app.current_view is live.view:
            self._show_permission()
        else:
            self.bells += 1
            self.app.bell()

    def _prune_requests(self, live: LiveSession) -> None:
        if self.broker is None or live.session_id is None:
            return
        pending = {r.request_id for r in self.broker.pending(live.session_id)}
        live.requests = [r for r in live.requests if r.request_id in pending]
        self._show_status(live)
        open_request = self._permission_open
        if open_request is not None and open_request.session_id == live.session_id and open_request.request_id not in pending:
            from ..screens.permission import PermissionScreen

            screen = self.app.screen
            if isinstance(screen, PermissionScreen) and screen.request is open_request:
                self._permission_open = None
                screen.dismiss(None)

    def _show_permission(self) -> None:
        """Open the modal for the next request of the session on screen, if none is open."""
        if self._permission_open is not None or self._shut_down:
            return
        live = self.session_of(self.app.current_view)
        if live is None or not live.requests:
            return
        # Imported here: it brings in the engine, which start-up does not need.
        from ..screens.permission import PermissionScreen

        request = live.requests[0]
        self._permission_open = request

        def answered(answer: PermissionAnswer | None) -> None:
            self._permission_open = None
            if request in live.requests:
                live.requests.remove(request)
            self._show_status(live)
            if answer is not None and self.broker is not None and self.broker.answer(request.request_id, answer):
                self._deliver(live, PermissionNote(permission_note(request, answer), answer.allowed))
            self._update_marker(live)
            self._show_permission()

        self.app.push_screen(PermissionScreen(request, live.view.title), answered)


def _merge_deltas(first: TextDelta | ThinkingDelta, inbox: deque[Any]) -> TextDelta | ThinkingDelta:
    """``first`` joined with the deltas right behind it in ``inbox`` of the same
    kind and block (taken out of the inbox): one append instead of many."""
    kind = type(first)
    texts = [first.text]
    while inbox:
        nxt = inbox[0]
        if (
            type(nxt) is not kind
            or nxt.message_id != first.message_id
            or nxt.index != first.index
            or nxt.synthetic != first.synthetic
        ):
            break
        texts.append(inbox.popleft().text)
    return first if len(texts) == 1 else dataclasses.replace(first, text="".join(texts))


def draft_intro_text(cwd: Path, change_key: str) -> Content:
    where = safe_line(str(cwd))
    parts: list[Content | tuple[str, str] | str] = [("New session", "bold"), ("  in " + where, "dim")]
    if change_key:
        parts.append((f"  ({change_key} changes it)", "dim"))
    return Content.assemble(*parts)


__all__ = ["LiveController", "LiveSession", "draft_intro_text"]
