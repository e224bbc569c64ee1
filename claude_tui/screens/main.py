"""The main screen: header, sidebar, open sessions in the centre, panels, footer.

It only lays things out. It exists as a class so tab/shift+tab get binding ids
(Textual's own ``Screen`` bindings for them have none, so a keymap could not
move them).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Tab

from ..keys import SCREEN_BINDINGS
from ..widgets.empty_state import EmptyState
from ..widgets.key_bar import KeyBar
from ..widgets.marker import Marker
from ..widgets.panels.side_area import SidePanels
from ..widgets.session_list import SessionKey
from ..widgets.sidebar import Sidebar
from ..widgets.tab_strip import TabStrip
from ..widgets.title_bar import TitleBar


class MainScreen(Screen[None]):
    BINDINGS = SCREEN_BINDINGS  # tab and shift+tab, with ids (keys.py)

    def __init__(
        self,
        *,
        clock: Callable[[], datetime] | None,
        markers: Mapping[SessionKey, Marker],
        debounce: float,
        ready: Callable[[], Awaitable[None]],
        launch: tuple[Widget, Tab] | None = None,
        tab_marker: Callable[[str], Marker | None] | None = None,
    ) -> None:
        """``ready`` fills the mounted layout; ``launch`` is a pane and its tab
        to show from the first frame (the launch draft); ``tab_marker`` says
        which marker a tab's session has (for the tab strip's overflow sign)."""
        super().__init__()
        self._ready = ready
        self._clock = clock
        self._markers = markers
        self._debounce = debounce
        self._launch = launch
        self._tab_marker = tab_marker

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="body"):
            # "-shown": on a narrow terminal the list shows until a session opens
            # (composed with it, the first frame does not restyle the sidebar).
            yield Sidebar(
                clock=self._clock, markers=self._markers, debounce=self._debounce, id="sidebar", classes="-shown"
            )
            with Vertical(id="center"):
                pane, tab = self._launch or (None, None)
                yield TabStrip(*([tab] if tab else []), marker_of=self._tab_marker, id="open-tabs")
                with ContentSwitcher(id="views", initial=pane.id if pane else "welcome"):
                    yield EmptyState(id="welcome")
                    if pane is not None:
                        yield pane
            yield SidePanels(id="panels")
        yield KeyBar()

    async def on_mount(self) -> None:
        # Called, not posted: a message would be handled after the first
        # frame, which would then show the layout half filled.
        await self._ready()
