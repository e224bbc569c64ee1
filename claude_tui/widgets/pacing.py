"""Streamed output steps aside while the user types.

Every hand-over of streamed text costs a layout of the screen (tens of
milliseconds in a long conversation). A key that arrives during one waits for
it, so typing feels sticky while a reply streams. The prompt reports each key
(``input_seen``) and when its change was painted (``input_painted``); while
the user types, a stream due to flush waits (``after_input``, bounded) until
the next key is on screen, so its layout runs in the gap after one key
instead of in front of the next.

A key is also painted at once (``paint_now``), ahead of a layout the stream
already asked for: Textual would otherwise draw the key only with the next
full frame, after laying out the whole screen again.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from .. import compat

if TYPE_CHECKING:
    from textual.widget import Widget

TYPING_WINDOW = 0.5
"""Seconds after a key during which the user counts as typing."""

MAX_DEFER = 0.15
"""A stream never waits longer than this for a key to be painted."""


class InputPacing:
    def __init__(self) -> None:
        self.last_input = float("-inf")
        self.painted_at = float("-inf")
        self._painted: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def input_seen(self) -> None:
        self.last_input = time.monotonic()

    def input_painted(self) -> None:
        self.painted_at = time.monotonic()
        if self._painted is not None and self._loop is _running_loop():
            self._painted.set()

    @property
    def typing(self) -> bool:
        return time.monotonic() - self.last_input < TYPING_WINDOW

    async def after_input(self) -> None:
        """While the user types, return right after the next key is painted
        (at most ``MAX_DEFER`` from now); otherwise at once."""
        if not self.typing:
            return
        loop = asyncio.get_running_loop()
        if self._painted is None or self._loop is not loop:  # an Event belongs to one loop
            self._painted, self._loop = asyncio.Event(), loop
        self._painted.clear()
        try:
            await asyncio.wait_for(self._painted.wait(), MAX_DEFER)
        except asyncio.TimeoutError:
            pass


def paint_now(widget: Widget) -> bool:
    """Draw ``widget``'s pending repaint now, without waiting for the screen's
    next update (which lays out the whole screen first when a stream grew).

    Only the widget's own cells are drawn, at the place the last layout gave
    it; the full update follows as usual. It is for a widget whose place a
    stream does not move (the prompt, docked under the conversation). Uses
    Textual's compositor directly; if that is not there (another Textual),
    the key is drawn with the next frame as before. True if it drew.
    """
    return compat.paint_widget_now(widget)


pacing = InputPacing()
"""The one instance: keys anywhere in the app pace every stream."""


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
