"""The app's side of the attention queue: telling the user, and "Next needing attention".

The live side decides *when* a background session needs the user (its turn
ended or failed, or a tool waits for a permission answer: ``live/attention.py``)
and calls the app's ``alert``; this module decides *how*: a notification that
names the session and the reason and, with ``[ui] desktop_notify = true``, a
terminal notification escape (OSC 9, and OSC 777 for the terminals that read
that one instead) written straight to the terminal through ``compat``. Neither
is ever sent for the session on screen (the live side does not ask then).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from . import compat
from .literal import safe_line

if TYPE_CHECKING:
    from textual.app import SystemCommand

    from .app import ClaudeTUI
    from .live.attention import Attention

NOTIFY_TITLE = "needs attention"
NONE_WAITING = "No session needs attention."
PAYLOAD_MAX = 200


def escape_payload(text: str) -> str:
    """``text`` safe inside an OSC string: no control characters at all (C0, DEL, C1:
    any of them could end the sequence or start another), ``;`` (OSC 777's field
    separator) made a comma, and at most ``PAYLOAD_MAX`` characters."""
    kept = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    return " ".join(kept.replace(";", ",").split())[:PAYLOAD_MAX]


def desktop_escapes(title: str, body: str) -> str:
    """OSC 9 (iTerm2, WezTerm, kitty, Ghostty, Windows Terminal) and OSC 777 (foot,
    urxvt, WezTerm, Ghostty) for one notification; a terminal ignores what it does not know."""
    t, b = escape_payload(title), escape_payload(body)
    return f"\x1b]9;{t}: {b}\x07\x1b]777;notify;{t};{b}\x07"


class AttentionAlerts:
    """How one app tells the user; ``write`` puts raw text on the terminal (tests replace it)."""

    def __init__(self, app: ClaudeTUI) -> None:
        self.app = app
        self.write: Callable[[str], object] = lambda data: compat.write_to_terminal(app, data)

    def alert(self, item: Attention) -> None:
        app = self.app
        key = app.key_for("next_attention")
        hint = f" · {key}: go there" if key else ""
        app.notify(safe_line(item.text) + hint, title=NOTIFY_TITLE, markup=False)
        if app.settings.ui.desktop_notify:
            self.write(desktop_escapes("claude-tui", item.text))

    def next(self) -> None:
        """Open the oldest session needing attention; showing it clears its mark."""
        app = self.app
        queue = app.live.attention
        while (item := queue.oldest()) is not None:
            view = app.view_for(item.key)
            if view is not None:
                app.views.activate(view)  # ``live.shown`` takes it off the queue
                queue.clear(item.key)  # also when it was on screen already
                return
            queue.clear(item.key)  # closed meanwhile
        app.notify(NONE_WAITING, title="next needing attention", markup=False)


class AttentionActionsMixin:
    """``alert`` (the live side's ``LiveHost.alert``), the alt+n action and its palette command."""

    _attention_alerts: AttentionAlerts | None = None

    @property
    def attention_alerts(self) -> AttentionAlerts:
        if self._attention_alerts is None:
            self._attention_alerts = AttentionAlerts(self)  # type: ignore[arg-type]
        return self._attention_alerts

    def alert(self, item: Attention) -> None:
        """A background session needs the user (called by the live side)."""
        self.attention_alerts.alert(item)

    def action_next_attention(self) -> None:
        self.attention_alerts.next()

    def attention_commands(self) -> Iterable[SystemCommand]:
        from textual.app import SystemCommand

        app: Any = self
        waiting = len(app.live.attention)
        help_text = f"Open the oldest session waiting for you ({waiting} waiting)"
        yield SystemCommand("Next needing attention", help_text, self.action_next_attention)


__all__ = ["AttentionActionsMixin", "AttentionAlerts", "desktop_escapes", "escape_payload"]
