"""How wide the sidebar is: a share of the terminal, or the width the user chose.

Automatic (``[ui] sidebar_width = 0``, the default) the sidebar takes about a
quarter of a wide terminal, between ``AUTO_MIN`` and ``AUTO_MAX`` columns, so
titles are not cut at 200 columns. "Widen sidebar" / "Narrow sidebar" set a
width of its own, kept in the config like the theme. The chat keeps at least
``CHAT_MIN`` columns. On a narrow terminal the sidebar is an overlay that the
stylesheet sizes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import ClaudeTUI

AUTO_SHARE = 0.28
AUTO_MIN = 38
AUTO_MAX = 64
MIN_WIDTH = 24
MAX_WIDTH = 120
CHAT_MIN = 40
STEP = 4
NARROW_BELOW = 100  # the app's "-narrow" breakpoint


def sidebar_width(total: int, chosen: int = 0) -> int:
    """The sidebar's columns (its border included) in a terminal ``total`` wide."""
    if chosen > 0:
        width = max(MIN_WIDTH, min(MAX_WIDTH, chosen))
    else:
        width = max(AUTO_MIN, min(AUTO_MAX, round(total * AUTO_SHARE)))
    return max(MIN_WIDTH, min(width, total - CHAT_MIN))


class SidebarSizer:
    """The app's side of it: applies the width on resize, widens and narrows."""

    def __init__(self, app: ClaudeTUI) -> None:
        self.app = app

    @property
    def chosen(self) -> int:
        return self.app.settings.ui.sidebar_width

    def apply(self, total: int | None = None) -> None:
        """Size the sidebar for a terminal ``total`` columns wide (the app's size
        when not given: on a resize, the event's, which the app has not taken yet)."""
        app = self.app
        total = app.size.width if total is None else total
        found = app.screen_stack[0].query("#sidebar") if app.screen_stack else None
        if not found:
            return  # not composed yet: the main screen's mount applies it
        sidebar: Any = found.first()
        if total < NARROW_BELOW:
            sidebar.styles.width = None  # the narrow overlay's width comes from the stylesheet
        else:
            sidebar.styles.width = sidebar_width(total, self.chosen)

    def step(self, direction: int) -> None:
        """Widen (+1) or narrow (-1) by ``STEP`` columns from what is shown; saved."""
        app = self.app
        total = app.size.width
        now = sidebar_width(total, self.chosen)
        wanted = max(MIN_WIDTH, min(MAX_WIDTH, now + direction * STEP))
        if sidebar_width(total, wanted) == now:
            app.notify(
                "The sidebar is as wide as it can be here." if direction > 0 else "The sidebar is as narrow as it can be.",
                markup=False,
            )
            return
        app.settings.ui.sidebar_width = wanted
        self.apply()
        app.save_settings_soon()
