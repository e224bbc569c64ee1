"""The main screen: header, sidebar, open sessions in the centre, panels, footer.

It only lays things out. It exists as a class so tab/shift+tab get binding ids
(Textual's own ``Screen`` bindings for them have none, so a keymap could not
move them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Header, Tabs

from ..widgets.empty_state import EmptyState
from ..widgets.marker import Marker
from ..widgets.session_list import SessionKey
from ..widgets.sidebar import Sidebar


class MainScreen(Screen[None]):
    BINDINGS = [
        Binding("tab", "app.focus_next", "Focus next", show=False, id="focus_next"),
        Binding("shift+tab", "app.focus_previous", "Focus previous", show=False, id="focus_previous"),
    ]

    class Ready(Message):
        """The layout is mounted; the app may start filling it."""

    def __init__(
        self,
        *,
        clock: Callable[[], datetime] | None,
        markers: Mapping[SessionKey, Marker],
        debounce: float,
    ) -> None:
        super().__init__()
        self._clock = clock
        self._markers = markers
        self._debounce = debounce

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        with Horizontal(id="body"):
            yield Sidebar(clock=self._clock, markers=self._markers, debounce=self._debounce, id="sidebar")
            with Vertical(id="center"):
                yield Tabs(id="open-tabs")
                with ContentSwitcher(id="views", initial="welcome"):
                    yield EmptyState(id="welcome")
            yield Vertical(id="panels")
        yield Footer()

    def on_mount(self) -> None:
        self.post_message(self.Ready())
