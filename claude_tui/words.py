"""Counted words: one helper for every count shown ("1 session", "3 sessions").

Beside the floors (any of them may use it); no imports.
"""

from __future__ import annotations

_IRREGULAR = {"entry": "entries", "retry": "retries", "match": "matches"}


def plural_word(count: int, noun: str, many: str | None = None) -> str:
    """``noun`` as it goes with ``count``: "session" for 1, "sessions" otherwise."""
    if count == 1:
        return noun
    return many or _IRREGULAR.get(noun) or noun + "s"


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``count`` and its noun: "1 session", "0 sessions", "2 entries"."""
    return f"{count} {plural_word(count, noun, many)}"
