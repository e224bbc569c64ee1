"""What a session shows about itself: the status line above its prompt and its marker.

Both are read off the ``LiveSession`` (engine state, busy, queue, waiting
permission requests), so every part of the live half calls these after a
change instead of setting the line or the marker itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..literal import safe_line
from ..widgets.marker import Marker
from .text import mode_text, status_text

if TYPE_CHECKING:
    from .host import LiveHost
    from .session import LiveSession

TONES = {
    "failed": "error",
    "reconnecting": "warn",
    "queued": "warn",
    "connecting": "busy",
    "streaming": "busy",
    "interrupting": "busy",
}
"""The status line's colour per phase ("queued" also while a permission request waits); else "ok"."""


def show_status(host: LiveHost, live: LiveSession) -> None:
    state = live.state
    if live.is_draft and not live.sent:
        text = status_text(None, queued=len(live.queued), draft_cwd=str(live.cwd))
    else:
        text = status_text(state, queued=len(live.queued), preconnect=host.settings.sessions.preconnect)
    if live.requests:
        text = f"waiting for your permission: {safe_line(live.requests[0].tool_name)}"
    phase = "queued" if live.requests else state.phase.value if state is not None else "idle"
    model = state.model if state is not None else host.settings.claude.model
    live.pane.status.show(text, mode_text(live.mode, model), TONES.get(phase, "ok"))


def marker_of(live: LiveSession) -> Marker | None:
    """The sidebar and tab marker: what most needs the user's eye first."""
    if live.requests:
        return Marker.NEEDS_PERMISSION
    phase = live.state.phase.value if live.state is not None else None
    if phase == "queued":
        return Marker.QUEUED
    if (live.busy and not live.turn_ended) or phase in ("streaming", "interrupting"):
        return Marker.STREAMING
    if phase == "failed" or live.failed:
        return Marker.ERROR
    if live.unread:
        return Marker.UNREAD
    return None


def update_marker(host: LiveHost, live: LiveSession) -> None:
    key = live.view.key
    if key is None:
        return
    marker = marker_of(live)
    if host.markers.get(key) != marker:
        host.set_marker(key, marker)


def show_all(host: LiveHost, live: LiveSession) -> None:
    """Status line, marker and the key bar (what "retry"/"interrupt" offer) after a change."""
    show_status(host, live)
    update_marker(host, live)
    host.refresh_bindings()


__all__ = ["marker_of", "show_all", "show_status", "update_marker"]
