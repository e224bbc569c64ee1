"""A session's inbox: engine events and UI notes, handled in order in the pane's queue.

The manager calls the controller's ``feed`` (in the event loop) for each engine
event; ``deliver`` puts it in the session's inbox and, when the inbox was idle,
posts one wake-up to the session's pane, whose message queue then calls
``Inbox.handle``: it drains the inbox in order, merging runs of text (or
thinking) deltas of one block into one. So a reply streaming thousands of
deltas a second costs a handful of Textual messages, not one each. User actions
(send, retry, edit or cancel a queued prompt) are notes in the same inbox, so
every change to one conversation happens in one order.

One event that fails to be handled is logged and reported once, and the pane
stays usable: the rest of the inbox is handled, and a session left "busy"
with no turn under way is freed so the user can send again.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..widgets.session_pane import SessionPane
from .status import show_all, update_marker
from .text import OUTCOME_RETRY

if TYPE_CHECKING:
    from ..engine.events import EngineEvent, TextDelta, ThinkingDelta, TurnCompleted
    from ..widgets.queued_prompt import QueuedPrompt
    from .host import LiveHost
    from .permission_flow import PermissionFlow
    from .sending import Sender
    from .session import LiveSession, Sessions

# The engine's event types load with the first event, not before the app's first frame.

log = logging.getLogger(__name__)

FAILED_OUTCOMES = frozenset({"error", "crashed", "stalled", "timed_out"})


# -- UI notes posted to a pane's inbox next to engine events ----------------------------


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


def deliver(live: LiveSession, item: Any) -> None:
    """Queue ``item`` for ``live``'s pane; wake the pane unless a wake-up is pending."""
    live.inbox.append(item)
    if not live.woken:
        live.woken = True
        live.pane.post_message(SessionPane.Wake())


def merge_deltas(first: TextDelta | ThinkingDelta, inbox: deque[Any]) -> TextDelta | ThinkingDelta:
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


class Inbox:
    """Handles what reaches a pane: draws engine events, passes notes to the sender
    or the permission flow. ``closing()`` is true once the app is quitting."""

    def __init__(
        self,
        host: LiveHost,
        sessions: Sessions,
        sender: Sender,
        permissions: PermissionFlow,
        *,
        closing: Callable[[], bool],
    ) -> None:
        self.host = host
        self.sessions = sessions
        self.sender = sender
        self.permissions = permissions
        self.closing = closing

    async def handle(self, pane: SessionPane) -> None:
        """In ``pane``'s queue (its ``handler``): handle everything in the session's inbox, in order."""
        from ..engine.events import TextDelta, ThinkingDelta

        live = self.sessions.of_pane(pane)
        if live is None:
            return
        live.woken = False
        inbox = live.inbox
        while inbox:
            event = inbox.popleft()
            if isinstance(event, (TextDelta, ThinkingDelta)):
                event = merge_deltas(event, inbox)
            await self.handle_one(live, event)

    async def handle_one(self, live: LiveSession, event: Any) -> None:
        """Draw one event, then do what follows from it; a failure stays with this event."""
        try:
            await self._dispatch(live, event)
        except Exception as error:  # noqa: BLE001 - one bad event must not stop the session's pane
            log.exception("handling %s failed", type(event).__name__)
            self._recover(live, event, error)
        finally:
            if isinstance(event, Flush) and not event.done.done():
                event.done.set_result(None)

    async def _dispatch(self, live: LiveSession, event: Any) -> None:
        if isinstance(event, Flush):
            await live.renderer.flush()
            return
        if self.closing() or live.pane.handler is None:
            return  # quitting or closed: nothing more is drawn or sent
        from ..engine.events import EngineEvent

        if isinstance(event, EngineEvent):
            await self._engine_event(live, event)
        elif isinstance(event, Submit):
            await self.sender.submit(live, event.text)
        elif isinstance(event, TurnDone):
            await self.sender.turn_done(live, event.result)
        elif isinstance(event, PermissionNote):
            await live.renderer.note(event.text, "permission" if event.allowed else "denied")
        elif isinstance(event, Retry):
            await self.sender.retry(live)
        elif isinstance(event, EditQueued):
            await self.sender.edit_queued(live, event.widget)
        elif isinstance(event, CancelQueued):
            await self.sender.cancel_queued(live, event.widget)

    def _recover(self, live: LiveSession, event: Any, error: Exception) -> None:
        """After a failed event: free a session stuck "busy" (no turn under way will end
        it), tell the user once (until the next send), show the session as it is."""
        try:
            if live.busy and live.turn is None:
                live.busy = False
            if live.pane.is_attached:
                show_all(self.host, live)
            if not live.error_reported:
                live.error_reported = True
                self.host.report_error(f"handling {type(event).__name__} in {live.view.title!r}", error)
        except Exception:  # noqa: BLE001 - the pane may be going away; the log has it
            log.exception("recovering from a failed %s failed", type(event).__name__)

    async def _engine_event(self, live: LiveSession, event: EngineEvent) -> None:
        from ..engine.events import SessionSaved, SessionStarted, StateChanged, TurnCompleted

        if isinstance(event, StateChanged):
            show_all(self.host, live)  # the controller's ``feed`` took the state as it arrived
            return
        if isinstance(event, SessionSaved):
            if live.view.key is not None:
                await self.host.refresh_session_row(live.view.key)
            return
        await live.renderer.handle(event)
        if isinstance(event, SessionStarted) and not event.resumed and live.view.key is not None:
            self.host.call_later(self.host.refresh_session_row, live.view.key)  # the row exists from now on
        if isinstance(event, TurnCompleted):
            # failed, unread and the marker were set as the event arrived (controller.feed)
            if event.outcome in OUTCOME_RETRY and live.last_prompt:
                live.retry_prompt = live.last_prompt
            self.permissions.prune(live)
            update_marker(self.host, live)
            self.host.refresh_bindings()


__all__ = [
    "CancelQueued",
    "EditQueued",
    "Flush",
    "Inbox",
    "PermissionNote",
    "Retry",
    "Submit",
    "TurnDone",
    "deliver",
    "merge_deltas",
]
