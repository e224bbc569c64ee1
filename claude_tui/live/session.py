"""The UI side of one open session (or draft), and the table of open ones.

A ``LiveSession`` is a plain record: every part of the live half reads and
changes it, always from the pane's own queue (see ``inbox``), so there is no
locking beyond the one that keeps a pane to one worker.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..engine.permissions import PermissionRequest
    from ..engine.state import SessionState
    from ..engine.worker import SessionWorker
    from ..widgets.queued_prompt import QueuedPrompt
    from ..widgets.session_pane import SessionPane
    from .host import LiveView
    from .renderer import TurnRenderer

# The renderer brings the transcript model and the engine's event types: it is
# made with the first event or note, not before the app's first frame.


@dataclass
class LiveSession:
    """One open session (or draft): its pane, its worker and what waits in it."""

    view: LiveView
    pane: SessionPane
    retry_key: str
    cwd: Path
    mode: str
    session_id: str | None = None
    worker: SessionWorker | None = None
    state: SessionState | None = None
    busy: bool = False  # a prompt is on its way or its turn runs
    turn_ended: bool = False  # the engine reported the turn's end; the pane may not have handled it yet
    turn: asyncio.Future[Any] | None = None  # the send whose end (``TurnDone``) is awaited
    sent: bool = False  # at least one prompt went out from this pane
    queued: list[QueuedPrompt] = field(default_factory=list)
    last_prompt: str | None = None
    first_send: bool = False  # the running (or last) send made this draft a session
    retry_prompt: str | None = None  # offered after a failed or cut-short turn
    failed: bool = False
    unread: bool = False
    error_reported: bool = False  # an unexpected failure was reported since the last send
    requests: list[PermissionRequest] = field(default_factory=list)
    starting: asyncio.Lock = field(default_factory=asyncio.Lock)  # one worker per pane, however asked
    prepared: bool = False  # a pre-connect was asked for
    inbox: deque[Any] = field(default_factory=deque)  # events and notes not yet handled, in order
    woken: bool = False  # a wake-up is posted to the pane and not yet handled
    _renderer: TurnRenderer | None = None

    @property
    def renderer(self) -> TurnRenderer:
        """Made on first use (see the note above the class)."""
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


class Sessions:
    """The open sessions, by view number and (once it has one) by session id."""

    def __init__(self) -> None:
        self.by_view: dict[int, LiveSession] = {}
        self.by_sid: dict[str, LiveSession] = {}

    def add(self, live: LiveSession) -> None:
        self.by_view[live.view.number] = live
        if live.session_id is not None:
            self.by_sid[live.session_id] = live

    def remove(self, view: LiveView) -> LiveSession | None:
        live = self.by_view.pop(view.number, None)
        if live is not None and live.session_id is not None:
            self.by_sid.pop(live.session_id, None)
        return live

    def of_view(self, view: LiveView | None) -> LiveSession | None:
        return self.by_view.get(view.number) if view is not None else None

    def of_pane(self, pane: SessionPane) -> LiveSession | None:
        return next((s for s in self.by_view.values() if s.pane is pane), None)

    def is_open(self, live: LiveSession) -> bool:
        """False once its pane closed (a worker made meanwhile must not stay)."""
        return self.by_view.get(live.view.number) is live

    def cwd_of(self, session_id: str) -> str | None:
        """Where session ``session_id`` runs (the permission broker shows paths relative to it)."""
        live = self.by_sid.get(session_id)
        if live is not None and live.worker is not None:
            return live.worker.spec.cwd
        return str(live.cwd) if live is not None else None


__all__ = ["LiveSession", "Sessions"]
