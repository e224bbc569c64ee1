"""Sending prompts, and the prompts waiting for the running turn to end.

Rules this keeps (from the issues):

* A prompt written while a turn runs waits in the pane ("queued", editable and
  cancellable) and goes out when the turn ends. When the turn was cut short
  (interrupted, stalled, crashed) the waiting prompts go back into the prompt
  box instead: the user decides, nothing is sent behind their back.
* "retry" resends the last prompt only when asked (key or button).

Everything here runs in the pane's queue (as notes of its inbox).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..widgets.queued_prompt import QueuedPrompt
from ..words import plural
from .inbox import TurnDone, deliver
from .status import show_all, show_status
from .text import prompt_title

if TYPE_CHECKING:
    from ..engine.events import TurnCompleted
    from .host import LiveHost
    from .session import LiveSession
    from .workers import Workers

CUT_SHORT = frozenset({"interrupted", "stalled", "timed_out", "crashed"})


class Sender:
    """Sends through ``workers``; the end of a send comes back as a ``TurnDone`` note."""

    def __init__(self, host: LiveHost, workers: Workers) -> None:
        self.host = host
        self.workers = workers
        self.files_for: Callable[[LiveSession], list[str] | None] | None = None  # the attached files (panels)

    async def submit(self, live: LiveSession, text: str) -> None:
        """Send ``text`` now, or queue it behind the running turn."""
        if live.busy:
            widget = QueuedPrompt(text)
            live.queued.append(widget)
            await live.pane.chat.append_widget(widget)
            live.pane.chat.anchor()
            self._queue_changed(live)
            return
        await self.send(live, text)

    async def send(self, live: LiveSession, text: str, *, retry: bool = False) -> None:
        worker = await self.workers.ensure(live)
        manager = self.workers.manager
        if worker is None or manager is None:
            await live.renderer.note("not sent: the session engine is not running", "error")
            return
        live.first_send = live.view.key is None
        if live.view.key is None:
            self.host.became_session(live.view, (worker.project_key, worker.session_id), prompt_title(text), live.cwd)
            live.pane.set_intro(None)
            live.pane.set_hint(None)
        live.busy = True
        live.sent = True
        live.error_reported = False
        live.last_prompt = text
        live.retry_prompt = None
        live.pane.prompt.remember(text)
        live.pane.chat.anchor()
        await live.renderer.user_prompt(text, self.host.clock())
        files = self.files_for(live) if self.files_for is not None else None
        future = await manager.send(worker.session_id, text, files, retry=retry)
        live.turn = future

        def done(f: asyncio.Future[TurnCompleted | None]) -> None:
            result = None if f.cancelled() or f.exception() is not None else f.result()
            deliver(live, TurnDone(result))

        future.add_done_callback(done)
        show_all(self.host, live)

    async def turn_done(self, live: LiveSession, result: TurnCompleted | None) -> None:
        live.busy = False
        live.turn = None
        if result is not None and failed_for_auth(result):  # the prompts go back (login.py)
            texts = [t for t in [live.last_prompt, *(w.text for w in live.queued)] if t]
            await self._drop_queued(live)
            self.host.auth_failed(live.view, "\n\n".join(texts), first=live.first_send)
            show_all(self.host, live)
            return
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
            await self.send(live, widget.text)
            return
        show_all(self.host, live)

    async def retry(self, live: LiveSession) -> None:
        text = live.retry_prompt
        if not text or live.busy:
            return
        live.retry_prompt = None
        await self.send(live, text, retry=True)  # its first try is left out: the model sees it once

    # -- the queue -------------------------------------------------------------------------

    async def edit_queued(self, live: LiveSession, widget: QueuedPrompt | None) -> None:
        """Take a waiting prompt (the last one if ``widget`` is None) back into the prompt box."""
        if not live.queued:
            return
        widget = widget if widget in live.queued else live.queued[-1]
        live.queued.remove(widget)
        await widget.remove()
        self._queue_changed(live)
        prompt = live.pane.prompt
        prompt.set_text(widget.text + (("\n\n" + prompt.text) if prompt.text.strip() else ""))
        prompt.focus()

    async def cancel_queued(self, live: LiveSession, widget: QueuedPrompt) -> None:
        if widget in live.queued:
            live.queued.remove(widget)
            await widget.remove()
            self._queue_changed(live)

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
            f"{plural(count, 'queued prompt')} moved back to the prompt: {why}", "info"
        )

    async def _drop_queued(self, live: LiveSession) -> None:
        for widget in live.queued:
            await widget.remove()
        live.queued.clear()
        self._queue_changed(live)

    def _queue_changed(self, live: LiveSession) -> None:
        live.pane.prompt.queued = len(live.queued)
        show_status(self.host, live)


def failed_for_auth(result: TurnCompleted) -> bool:
    """The turn ended because Claude could not be reached with these credentials."""
    from ..engine.errors import api_failure

    return result.outcome == "error" and api_failure(result.api_error_status, result.result_text).kind == "auth"


__all__ = ["CUT_SHORT", "Sender", "failed_for_auth"]
