"""Python's full garbage collections held off while replies stream.

A streaming reply creates widgets, styles and render caches by the thousand,
and each full (oldest-generation) collection walks every object the app
holds: 100-200 ms on a modest machine, a visible freeze under the user's
typing, several times a minute at high token rates. While any reply streams
the oldest generation's threshold is raised out of reach; young objects are
still collected as usual. When the last stream ends the threshold comes back
and Python runs the full collection when it is due, between turns.
(Textual itself pauses collection during smooth scrolling for the same reason.)
"""

from __future__ import annotations

import gc

_HELD_THRESHOLD = 1_000_000_000

_holders = 0
_saved: tuple[int, int, int] | None = None


def hold() -> None:
    """One more stream is running."""
    global _holders, _saved
    if _holders == 0:
        _saved = gc.get_threshold()
        gc.set_threshold(_saved[0], _saved[1], _HELD_THRESHOLD)
    _holders += 1


def release() -> None:
    """A stream ended (call once per ``hold``)."""
    global _holders, _saved
    if _holders == 0:
        return
    _holders -= 1
    if _holders == 0 and _saved is not None:
        gc.set_threshold(*_saved)
        _saved = None


def held() -> bool:
    return _holders > 0
