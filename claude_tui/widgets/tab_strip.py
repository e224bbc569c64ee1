"""The open sessions' tab strip: the active tab always in view, and what is out of view said.

Textual's ``Tabs`` scrolls the active tab into view only when the active tab
changes or the strip is resized. Tabs widen afterwards (a title arrives, a
marker appears, a tab before the active one is retitled), which pushed the
active tab past the right edge, with nothing saying that more tabs (and their
markers) were out of view. ``TabStrip`` is ``Tabs`` with:

* the active tab brought fully into view whenever the tabs' width, the
  strip's size or the active tab changes (set directly: the tabs' scroll
  container hides its overflow, so Textual's ``scroll_to`` would not move it);
* an overflow indicator at each side, "‹ N" / "N ›", N the tabs cut off on
  that side, followed by the most urgent marker glyph among them (so an
  answer finished in a scrolled-away session is still seen). Clicking one
  brings the nearest hidden tab on that side to the front.

Which tab has which marker is the app's knowledge: it is asked through
``marker_of`` (a tab id to a ``Marker`` or None) and told to redraw the
indicators by ``refresh_indicators`` when a marker changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static, Tab, Tabs

from .. import compat
from .marker import Marker

LEFT = "left"
RIGHT = "right"


@dataclass(frozen=True)
class Overflow:
    """What one side's indicator says: how many tabs are cut off there, and their most urgent marker."""

    hidden: int
    marker: Marker | None

    def content(self, side: str) -> Content:
        if not self.hidden:
            return Content("")
        parts: list[Content | tuple[str, str] | str] = [f"‹ {self.hidden}" if side == LEFT else f"{self.hidden} ›"]
        if self.marker is not None:
            parts += [" ", (self.marker.glyph, self.marker.style)]
        return Content.assemble(*parts)


def most_urgent(markers: list[Marker | None]) -> Marker | None:
    """The marker that matters most (``Marker`` lists them least urgent first)."""
    order = list(Marker)
    present = [m for m in markers if m is not None]
    return max(present, key=order.index) if present else None


class OverflowIndicator(Static):
    """One side's "there are more tabs" sign; a click brings the nearest hidden one forward."""

    def __init__(self, side: str) -> None:
        super().__init__("", id=f"tabs-more-{side}", classes="tabs-more", markup=False)
        self.side = side

    def on_click(self, event: events.Click) -> None:
        event.stop()
        strip = self.parent
        if isinstance(strip, TabStrip):
            strip.bring_hidden(self.side)


class TabStrip(Tabs):
    """``Tabs`` that keep the active tab whole on screen and show what overflows (module doc)."""

    DEFAULT_CSS = """
    TabStrip {
        layout: horizontal;
        & > .tabs-more {
            width: auto;
            height: 1;
            padding: 0 1;
            color: $text-muted;
            display: none;
        }
        & > .tabs-more.-shown {
            display: block;
        }
    }
    """

    def __init__(self, *tabs: Tab | str, marker_of: Callable[[str], Marker | None] | None = None, **kwargs: Any) -> None:
        super().__init__(*tabs, **kwargs)
        self.marker_of: Callable[[str], Marker | None] = marker_of or (lambda _tab_id: None)
        self.overflow: dict[str, Overflow] = {LEFT: Overflow(0, None), RIGHT: Overflow(0, None)}
        self._target_x: int | None = None  # where reveal_active put the tabs' window
        self._reveal_pending = False

    def compose(self) -> ComposeResult:
        yield OverflowIndicator(LEFT)
        yield from super().compose()
        yield OverflowIndicator(RIGHT)

    def on_mount(self) -> None:
        # The tabs widen as titles and markers arrive: their total width is the scroll
        # container's virtual size, so a change there may have pushed the active tab out.
        self.watch(self._scroll, "virtual_size", self._tabs_resized, init=False)
        # Textual centres the active tab itself too (after a refresh, maybe sliding):
        # wherever the window ends up otherwise, it is put back (and the signs redrawn).
        self.watch(self._scroll, "scroll_x", self._scrolled, init=False)

    @property
    def _scroll(self) -> Widget:
        return self.query_one("#tabs-scroll")

    # -- keeping the active tab in view -----------------------------------------------------

    def watch_active(self, previously_active: str, active: str) -> None:
        super().watch_active(previously_active, active)
        self._reveal_soon()

    def on_resize(self, _event: events.Resize) -> None:
        self._reveal_soon()

    def _tabs_resized(self, _old: Any, _new: Any) -> None:
        compat.highlight_active_tab(self)  # the active tab may have moved: its underline follows
        self._reveal_soon()

    def _scrolled(self, _old: float, new: float) -> None:
        if self._target_x is not None and round(new) != self._target_x:
            self._reveal_soon()

    def _reveal_soon(self) -> None:
        """``reveal_active`` after the next refresh (once, however often asked)."""
        if not self._reveal_pending:
            self._reveal_pending = True
            self.call_after_refresh(self.reveal_active)

    def reveal_active(self) -> None:
        """Scroll so the active tab is wholly visible (centred when there is room), then
        redraw the indicators. Called after a layout, when the tabs have their widths."""
        self._reveal_pending = False
        if not self.is_attached:
            return
        scroll = self._scroll
        tab = self.active_tab
        width = scroll.scrollable_content_region.width
        if tab is not None and width > 0:
            region = tab.virtual_region
            target = region.x + region.width // 2 - width // 2  # as Textual centres it
            target = max(target, region.right - width)  # its right edge in view …
            target = min(target, region.x)  # … and its left edge first, if it is wider than all
            # The window starts at a tab's start, not mid-label, when that keeps it in view:
            # the nearest start to the left if the active tab still fits, else to the right.
            starts = [t.virtual_region.x for t in self._tabs_shown()]
            before = [x for x in starts if region.right - width <= x <= target]
            after = [x for x in starts if target <= x <= region.x]
            target = max(before) if before else min(after, default=target)
            target = max(0, min(target, scroll.max_scroll_x))
            animator = getattr(self.app, "animator", None)
            if animator is not None:  # Textual's own (animated) centring must not end elsewhere
                animator.force_stop_animation(scroll, "scroll_x")
            self._target_x = target
            scroll.scroll_target_x = scroll.scroll_x = target
        self.refresh_indicators()

    # -- the indicators -------------------------------------------------------------------------

    def _tabs_shown(self) -> list[Tab]:
        return [t for t in self.query("#tabs-list > Tab").results(Tab) if t.display]

    def _hidden(self, side: str) -> list[Tab]:
        """The tabs whose label is cut off (wholly or partly) on ``side``, nearest first."""
        scroll = self._scroll
        left = round(scroll.scroll_x)
        right = left + scroll.scrollable_content_region.width
        tabs = self._tabs_shown()
        labels = [(t, t.virtual_region.shrink(t.styles.gutter)) for t in tabs]  # a cut padding cell hides nothing
        if side == LEFT:
            return [t for t, label in reversed(labels) if label.x < left]
        return [t for t, label in labels if label.right > right]

    def refresh_indicators(self) -> None:
        """Redraw both sides' counts and markers (also when only a marker changed)."""
        if not self.is_attached:
            return
        narrowed = False
        for side in (LEFT, RIGHT):
            hidden = self._hidden(side)
            overflow = Overflow(len(hidden), most_urgent([self.marker_of(t.id or "") for t in hidden]))
            before = self.overflow[side]
            if overflow != before:
                self.overflow[side] = overflow
                indicator = self.query_one(f"#tabs-more-{side}", OverflowIndicator)
                indicator.update(overflow.content(side))
                indicator.set_class(bool(overflow.hidden), "-shown")
                narrowed |= overflow.content(side).cell_length != before.content(side).cell_length
        if narrowed:  # an indicator came, went or changed width: so did the tabs' window
            self._reveal_soon()

    def bring_hidden(self, side: str) -> None:
        """Make the nearest tab cut off on ``side`` the active one."""
        hidden = self._hidden(side)
        if hidden:
            self.active = hidden[0].id or ""
