"""The sessions open in the centre: one tab and one pane each, numbered in tab order.

``OpenViews`` keeps them in order and keeps the tabs, the panes, the title
bar and the sidebar's "current" mark in step when one opens, closes, is
retitled or comes to the front. The live controller streams into a view's
pane (``pane(view).chat``); the app decides when views open and close.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.content import Content
from textual.widgets import ContentSwitcher, Tab, Tabs

from .literal import safe_line
from .widgets.session_pane import SessionPane

if TYPE_CHECKING:
    from textual.screen import Screen

    from .app import ClaudeTUI
    from .widgets.marker import Marker
    from .widgets.session_rows import SessionKey

TAB_TITLE_LIMIT = 28


@dataclass
class OpenView:
    """A session (or draft, ``key`` None) open in the centre, in tab order."""

    key: SessionKey | None
    number: int
    title: str

    @property
    def pane_id(self) -> str:
        return f"pane-{self.number}"

    @property
    def tab_id(self) -> str:
        return f"tab-{self.number}"


class OpenViews:
    """The open views of the app's main screen, in tab order (``views``)."""

    def __init__(self, app: ClaudeTUI) -> None:
        self.app = app
        self.views: list[OpenView] = []
        self._counter = 0

    @property
    def _main(self) -> Screen[Any]:
        return self.app.screen_stack[0]

    # -- finding ---------------------------------------------------------------------

    def view_for(self, key: SessionKey) -> OpenView | None:
        return next((v for v in self.views if v.key == key), None)

    def pane(self, view: OpenView) -> SessionPane:
        return self._main.query_one(f"#{view.pane_id}", SessionPane)

    @property
    def current(self) -> OpenView | None:
        """The view whose tab is active."""
        active = self._main.query_one(Tabs).active
        return next((v for v in self.views if v.tab_id == active), None)

    def of_widget(self, widget: Any) -> OpenView | None:
        """The view whose pane holds ``widget``."""
        pane = next((p for p in widget.ancestors_with_self if isinstance(p, SessionPane)), None)
        return next((v for v in self.views if v.pane_id == pane.id), None) if pane is not None else None

    # -- opening and closing ------------------------------------------------------------

    def make(self, key: SessionKey | None, title: str, intro: Content | None = None) -> tuple[OpenView, SessionPane]:
        """A new view and its pane, not mounted yet (its tab is numbered once adopted)."""
        self._counter += 1
        view = OpenView(key, self._counter, title)
        return view, SessionPane(key, title=title, intro=intro, id=view.pane_id)

    async def mount(self, view: OpenView, pane: SessionPane, cwd: Path) -> None:
        """Mount ``pane`` hidden, with its tab, and adopt it."""
        pane.display = False
        await self._main.query_one(ContentSwitcher).add_content(pane)
        self.adopt(view, pane, cwd)
        tabs = self._main.query_one(Tabs)
        tabs.display = True
        await tabs.add_tab(Tab(self.tab_label(view), id=view.tab_id))

    def adopt(self, view: OpenView, pane: SessionPane, cwd: Path) -> None:
        """``view``'s pane is mounted: it is an open session from now on."""
        self.views.append(view)
        pane.prompt.send_on_enter = self.app.sending_enabled
        self.app.live.attach(view, pane, cwd)

    async def close(self, view: OpenView) -> OpenView | None:
        """Remove ``view``'s tab and pane (the engine lets it go first); the view
        to show instead, at its place in the tabs, or None when none is left."""
        self.app.live.detach(view)
        index = self.views.index(view)
        self.views.remove(view)
        await self._main.query_one(Tabs).remove_tab(view.tab_id)
        await self.pane(view).remove()
        for other in self.views:
            self.retitle(other, other.title)  # numbers shift
        return self.views[min(index, len(self.views) - 1)] if self.views else None

    # -- tabs -----------------------------------------------------------------------------

    def tab_label(self, view: OpenView) -> Content:
        """Number (alt+n opens it), live marker and title, cut to fit."""
        title = safe_line(view.title)
        if len(title) > TAB_TITLE_LIMIT:
            title = title[: TAB_TITLE_LIMIT - 1] + "…"
        number = self.views.index(view) + 1 if view in self.views else 0
        marker = self.app.markers.get(view.key) if view.key else None
        parts: list[Content | tuple[str, str] | str] = []
        if number <= 9:
            parts.append((f"{number} ", "dim"))
        if marker is not None:
            parts += [(marker.glyph, marker.style), " "]
        parts.append(Content(title))
        return Content.assemble(*parts)

    def retitle(self, view: OpenView, title: str) -> None:
        view.title = title
        try:
            tab = self._main.query_one(f"#{view.tab_id}", Tab)
        except Exception:
            return
        tab.label = self.tab_label(view)
        if self.current is view:
            self.app.sub_title = safe_line(title)

    def retitle_key(self, key: SessionKey) -> None:
        """Redraw the tab of session ``key`` (its marker changed)."""
        for view in self.views:
            if view.key == key:
                self.retitle(view, view.title)
        self._refresh_overflow()

    def retitle_all(self) -> None:
        """Redraw every tab (the markers were all replaced)."""
        for view in self.views:
            self.retitle(view, view.title)
        self._refresh_overflow()

    def marker_of_tab(self, tab_id: str) -> Marker | None:
        """The marker of the session whose tab is ``tab_id`` (the tab strip's overflow sign)."""
        view = next((v for v in self.views if v.tab_id == tab_id), None)
        return self.app.markers.get(view.key) if view is not None and view.key else None

    def _refresh_overflow(self) -> None:
        from .widgets.tab_strip import TabStrip

        try:
            strip = self._main.query_one(TabStrip)
        except Exception:  # before the main screen is composed
            return
        strip.refresh_indicators()

    # -- showing ----------------------------------------------------------------------------

    def cycle(self, step: int) -> None:
        """Show the next (``step`` 1) or previous (-1) view, round the end."""
        if not self.views:
            return
        current = self.current
        index = self.views.index(current) if current in self.views else -1
        self.activate(self.views[(index + step) % len(self.views)])

    def goto(self, number: int) -> None:
        if 1 <= number <= len(self.views):
            self.activate(self.views[number - 1])

    def activate(self, view: OpenView) -> None:
        tabs = self._main.query_one(Tabs)
        if tabs.active != view.tab_id:
            tabs.active = view.tab_id
        self.show(view)

    def show(self, view: OpenView | None) -> None:
        """Put ``view``'s pane (None: the welcome) in the centre and tell who cares."""
        app = self.app
        switcher = self._main.query_one(ContentSwitcher)
        switcher.current = view.pane_id if view else "welcome"
        app.sub_title = safe_line(view.title) if view else ""
        app.session_list.set_current(view.key if view else None)
        if view is not None:
            self._focus_into(view)
        app.live.shown(view)
        app.panels.follow()
        app.refresh_bindings()

    def _focus_into(self, view: OpenView) -> None:
        """However the session came to the front, typing goes to its prompt (focus.py)."""
        from .focus import focus_opened

        focus_opened(self._main, self.pane(view))

    def tab_activated(self, tab: Tab | None) -> None:
        """A tab was clicked or activated: show its view."""
        view = next((v for v in self.views if v.tab_id == tab.id), None) if tab else None
        if view is None and tab is not None:
            return  # the launch draft's tab, before the screen is ready: the app shows it then
        self.show(view)
