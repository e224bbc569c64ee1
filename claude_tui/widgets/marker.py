"""The live marker a session shows in the sidebar: what its worker is doing now.

The engine will report session states; the app turns them into one ``Marker``
per session in ``ClaudeTUI.markers`` and the sidebar draws a glyph for it.
Glyphs are single-cell characters so rows never shift; colours come from
component classes in ``styles/sidebar.tcss`` (theme variables), not from here.
"""

from __future__ import annotations

from enum import Enum


class Marker(str, Enum):
    """A session's live state, most urgent last in definition order of importance."""

    STREAMING = "streaming"
    QUEUED = "queued"
    UNREAD = "unread"
    NEEDS_PERMISSION = "needs-permission"
    ERROR = "error"

    @property
    def glyph(self) -> str:
        return _GLYPHS[self]

    @property
    def label(self) -> str:
        """Words for the help screen and screen readers of the snapshot."""
        return _LABELS[self]

    @property
    def style(self) -> str:
        """Content style for places outside the list (tabs, help); same colours as the TCSS."""
        return _STYLES[self]

    @property
    def component_class(self) -> str:
        return f"session-list--marker-{self.value}"


_GLYPHS = {
    Marker.STREAMING: "●",
    Marker.QUEUED: "○",
    Marker.UNREAD: "◆",
    Marker.NEEDS_PERMISSION: "?",
    Marker.ERROR: "✗",
}

_LABELS = {
    Marker.STREAMING: "Claude is answering",
    Marker.QUEUED: "prompt queued, waiting for a free session slot",
    Marker.UNREAD: "finished while you were elsewhere",
    Marker.NEEDS_PERMISSION: "waiting for your permission",
    Marker.ERROR: "the last turn failed",
}

_STYLES = {
    Marker.STREAMING: "bold $success",
    Marker.QUEUED: "bold $text-muted",
    Marker.UNREAD: "bold $accent",
    Marker.NEEDS_PERMISSION: "bold reverse $warning",
    Marker.ERROR: "bold $error",
}
