"""Permission requests from the engine, asked one at a time in a modal.

The ``PermissionBroker`` (made at start, with the manager) holds every request
until it is answered. A request for the session on screen opens the modal at
once; for another session it marks that session and rings the bell once, and
the modal opens when the user switches to it (``show_next``). A request the
engine dropped meanwhile (the turn ended or was interrupted) is taken off the
session and, if its modal is open, the modal closes (``prune``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .inbox import PermissionNote, deliver
from .status import show_status, update_marker
from .text import permission_note

if TYPE_CHECKING:
    from ..engine.permissions import PermissionAnswer, PermissionBroker, PermissionRequest
    from ..screens.permission import PermissionScreen
    from .host import LiveHost
    from .session import LiveSession, Sessions

# The broker and the modal bring in the engine: imported when the engine starts
# or a request arrives, never for the first frame.


class PermissionFlow:
    """``closing()`` is true once the app is quitting (no modal opens then). An answer
    goes to the broker, and a note of it into the session's inbox."""

    def __init__(
        self,
        host: LiveHost,
        sessions: Sessions,
        *,
        closing: Callable[[], bool],
        needs_answer: Callable[[LiveSession, str], None] | None = None,
    ) -> None:
        """``needs_answer(live, tool)`` hears a request of a session not on screen (attention)."""
        self.host = host
        self.needs_answer = needs_answer
        self.sessions = sessions
        self.closing = closing
        self.broker: PermissionBroker | None = None
        self.bells = 0
        self._open: PermissionScreen | None = None  # the modal on screen, if one is

    def start(self) -> PermissionBroker:
        """Make the broker (once): the engine's permission callback goes to it."""
        from ..engine.permissions import PermissionBroker

        if self.broker is None:
            self.broker = PermissionBroker()
            self.broker.cwd_of = self.sessions.cwd_of
            self.broker.subscribe(self.arrived)
        return self.broker

    def arrived(self, request: PermissionRequest) -> None:
        """The broker's subscriber: a tool waits for the user."""
        live = self.sessions.by_sid.get(request.session_id)
        if live is None:
            from ..engine.permissions import Decision, PermissionAnswer

            assert self.broker is not None
            self.broker.answer(request.request_id, PermissionAnswer(Decision.DENY, "The session is not open."))
            return
        live.requests.append(request)
        update_marker(self.host, live)
        show_status(self.host, live)
        if self.host.current_view is live.view:
            self.show_next()
        else:
            self.bells += 1
            self.host.bell()
            if self.needs_answer is not None:
                self.needs_answer(live, request.tool_name)

    def cancel_session(self, session_id: str) -> None:
        """Deny what ``session_id`` still waits for: its pane closed."""
        if self.broker is not None:
            self.broker.cancel_session(session_id)

    def cancel_all(self, why: str) -> None:
        """Deny every waiting request (the app quits)."""
        if self.broker is not None:
            for request in self.broker.pending():
                self.broker.cancel_session(request.session_id, why)

    def prune(self, live: LiveSession) -> None:
        """Forget ``live``'s requests the broker no longer holds; close a modal asking one."""
        if self.broker is None or live.session_id is None:
            return
        pending = {r.request_id for r in self.broker.pending(live.session_id)}
        live.requests = [r for r in live.requests if r.request_id in pending]
        show_status(self.host, live)
        screen = self._open
        if (
            screen is not None
            and screen.request.session_id == live.session_id
            and screen.request.request_id not in pending
            and screen.is_active
        ):
            self._open = None
            screen.dismiss(None)

    def show_next(self) -> None:
        """Open the modal for the next request of the session on screen, if none is open."""
        if self._open is not None or self.closing():
            return
        live = self.sessions.of_view(self.host.current_view)
        if live is None or not live.requests:
            return
        from ..screens.permission import PermissionScreen

        request = live.requests[0]

        def answered(answer: PermissionAnswer | None) -> None:
            self._open = None
            if request in live.requests:
                live.requests.remove(request)
            show_status(self.host, live)
            if answer is not None and self.broker is not None and self.broker.answer(request.request_id, answer):
                deliver(live, PermissionNote(permission_note(request, answer), answer.allowed))
            update_marker(self.host, live)
            self.show_next()

        self._open = PermissionScreen(request, live.view.title)
        self.host.push_screen(self._open, answered)


__all__ = ["PermissionFlow"]
