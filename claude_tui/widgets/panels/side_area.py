"""The side area right of the chat: the Context, Timeouts and Session panels.

Wide terminals (``ROOM`` columns and more) show the three stacked, when the
user wants them (``[panels] shown``, toggled with "Toggle panels").
Narrower ones fold them into one tabbed panel that shows only on demand and
is not remembered (at 80 columns it would take half the chat).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Tab, Tabs

from .context import ContextPanel
from .session import SessionPanel
from .timeouts import TimeoutsPanel

ROOM = 140  # columns from which the panels show beside the chat (unfolded)
PANEL_TABS = (("tab-context", "Context", "context-panel"), ("tab-timeouts", "Timeouts", "timeouts-panel"), ("tab-session", "Session", "session-panel"))


class SidePanels(Vertical):
    """Shown or hidden by ``wanted`` (wide) and ``shown_folded`` (narrow)."""

    def __init__(self, *, wanted: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.wanted = wanted
        self.shown_folded = False
        self.folded = False

    def compose(self) -> ComposeResult:
        yield Tabs(*(Tab(label, id=tab_id) for tab_id, label, _ in PANEL_TABS), active="tab-session", id="panel-tabs")
        with VerticalScroll(id="panel-stack"):
            yield ContextPanel()
            yield TimeoutsPanel()
            yield SessionPanel()

    @property
    def context(self) -> ContextPanel:
        return self.query_one(ContextPanel)

    @property
    def timeouts(self) -> TimeoutsPanel:
        return self.query_one(TimeoutsPanel)

    @property
    def session(self) -> SessionPanel:
        return self.query_one(SessionPanel)

    @property
    def shown(self) -> bool:
        return self.shown_folded if self.folded else self.wanted

    def set_room(self, width: int) -> None:
        """The terminal is ``width`` columns wide: fold below ``ROOM``."""
        folded = width < ROOM
        if folded != self.folded:
            self.folded = folded
            self.set_class(folded, "-folded")
            if not folded:
                self.shown_folded = False
        self._apply()

    def toggle(self) -> bool:
        """Show or hide; True when the wide choice changed (it is kept in the config)."""
        if self.folded:
            self.shown_folded = not self.shown_folded
            self._apply()
            return False
        self.wanted = not self.wanted
        self._apply()
        return True

    def _apply(self) -> None:
        self.set_class(self.shown, "-shown")

    @on(Tabs.TabActivated, "#panel-tabs")
    def _tab(self, event: Tabs.TabActivated) -> None:
        event.stop()
        active = event.tab.id if event.tab else None
        for tab_id, _, panel_id in PANEL_TABS:
            self.query_one(f"#{panel_id}").set_class(tab_id == active, "-active")

    def on_mount(self) -> None:
        self.session.add_class("-active")
        self.set_room(self.app.size.width)
