"""The attention queue: background sessions waiting for the user, oldest first.

A session joins when a turn of it ends, fails or asks for a permission answer
while another session is on screen; it leaves when it is shown (or closed).
"Next needing attention" takes the oldest. A session already waiting keeps its
place (the oldest stays oldest) and its reason is updated to the newest one,
so the notification and the queue say the same thing. Data only: no Textual,
no engine; the live controller fills it and the app reads it
(``attention_actions.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..widgets.session_list import SessionKey

FINISHED = "finished"
FAILED = "failed"
PERMISSION = "needs permission"


@dataclass(frozen=True)
class Attention:
    """One session waiting for the user: its key, its title then and why."""

    key: SessionKey
    title: str
    reason: str
    detail: str = ""  # e.g. the tool that waits, the failure's outcome

    @property
    def text(self) -> str:
        """What a notification says: "<title>: <reason> (<detail>)"."""
        tail = f" ({self.detail})" if self.detail else ""
        return f"{self.title}: {self.reason}{tail}"


class AttentionQueue:
    """Sessions needing attention in the order they first did (dicts keep insertion order)."""

    def __init__(self) -> None:
        self._items: dict[SessionKey, Attention] = {}

    def add(self, key: SessionKey, title: str, reason: str, detail: str = "") -> Attention:
        """Mark ``key``; a session already marked keeps its place, with the new reason."""
        item = self._items.get(key)
        if item is None:
            item = Attention(key, title, reason, detail)
        else:
            item = replace(item, title=title, reason=reason, detail=detail)
        self._items[key] = item
        return item

    def clear(self, key: SessionKey) -> bool:
        """Unmark ``key`` (shown or closed); True if it was marked."""
        return self._items.pop(key, None) is not None

    def oldest(self) -> Attention | None:
        return next(iter(self._items.values()), None)

    def items(self) -> list[Attention]:
        return list(self._items.values())

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)


__all__ = ["FAILED", "FINISHED", "PERMISSION", "Attention", "AttentionQueue"]
