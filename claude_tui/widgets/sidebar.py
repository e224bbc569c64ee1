"""The left column: a filter box, a status line, the session list and import progress.

The sidebar only reports what was typed (``FilterChanged``, debounced so a
fast typist costs one query, not one per key); the app runs the query in a
worker and hands the rows back through ``show_rows``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, ProgressBar, Static

from .marker import Marker
from .session_list import ListRow, SessionKey, SessionList

DEBOUNCE_SECONDS = 0.15


class FilterInput(Input):
    """The filter box; Escape clears it, Down moves into the list."""

    BINDINGS = [
        Binding("escape", "clear", "Clear filter", show=False),
        Binding("down", "to_list", "To list", show=False),
    ]

    def action_clear(self) -> None:
        self.value = ""

    def action_to_list(self) -> None:
        self.post_message(Sidebar.ToList())


class Sidebar(Vertical):
    """Sessions grouped by project, with filter-as-you-type over titles and full text."""

    class FilterChanged(Message):
        """The filter text settled (after the debounce); empty means show everything."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class ToList(Message):
        """Internal: move focus from the filter box to the list."""

    def __init__(
        self,
        *,
        clock: Callable[[], datetime] | None = None,
        markers: Mapping[SessionKey, Marker] | None = None,
        debounce: float = DEBOUNCE_SECONDS,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._clock = clock
        self._markers = markers
        self.debounce = debounce
        self._timer: Timer | None = None
        self.filter_text = ""
        self._import: tuple[Vertical, Static, ProgressBar] | None = None  # box, label, bar
        self.hidden = False  # wide layout: the user hid it ("-hidden")
        self.shown_narrow = "-shown" in (classes or "").split()  # narrow layout: shown over the session ("-shown")

    def compose(self) -> ComposeResult:
        yield FilterInput(placeholder="Filter titles and text", id="filter", compact=True, select_on_focus=False)
        yield Static("", id="sidebar-status")
        yield SessionList(clock=self._clock, markers=self._markers, id="session-list")
        # The import box is mounted when an import first reports progress: the
        # first frame does without its widgets (start-up time).

    @property
    def session_list(self) -> SessionList:
        return self.query_one(SessionList)

    @property
    def filter_input(self) -> FilterInput:
        return self.query_one(FilterInput)

    # -- filter --------------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        text = event.value.strip()
        if self.debounce <= 0:
            self._emit(text)
        else:
            self._timer = self.set_timer(self.debounce, lambda: self._emit(text))

    def _emit(self, text: str) -> None:
        self._timer = None
        if text != self.filter_text:
            self.filter_text = text
            self.post_message(self.FilterChanged(text))

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        # Posted from here: a message posted by a child on our behalf would not bubble past us.
        message = self.session_list.selection()
        if message is not None:
            self.post_message(message)

    @on(SessionList.TypedAhead)
    def _typed_ahead(self, event: SessionList.TypedAhead) -> None:
        event.stop()
        box = self.filter_input
        box.focus()
        box.insert_text_at_cursor(event.character)

    @on(ToList)
    def _to_list(self) -> None:
        self.session_list.focus()

    # -- where it shows -------------------------------------------------------------------

    def set_shown(self, *, hidden: bool | None = None, shown_narrow: bool | None = None) -> None:
        """Change where it shows (the styles read the classes): on a wide
        screen a column the user may hide; on a narrow one it shows until a
        session opens, and again on demand."""
        if hidden is not None:
            self.hidden = hidden
        if shown_narrow is not None:
            self.shown_narrow = shown_narrow
        self.set_class(self.hidden, "-hidden")
        self.set_class(self.shown_narrow, "-shown")

    def toggle(self, *, narrow: bool) -> None:
        """Show or hide it, the way that fits the screen's width."""
        if narrow:
            self.set_shown(shown_narrow=not self.shown_narrow)
        else:
            self.set_shown(hidden=not self.hidden)

    # -- what the app tells it -------------------------------------------------------------

    def show_rows(self, rows: list[ListRow], status: str) -> None:
        self.session_list.show(rows)
        self.set_status(status)

    def set_status(self, status: str) -> None:
        self.query_one("#sidebar-status", Static).update(Content(status))

    def show_import(self, done: int, total: int, label: str) -> None:
        """Show import progress; ``total`` 0 hides the box."""
        showing = total > 0 and done < total
        if self._import is None:
            if not showing:
                return
            text = Static(Content(label), id="import-label")
            bar = ProgressBar(total=max(total, 1), id="import-progress", show_eta=False, show_percentage=False)
            self._import = (Vertical(text, bar, id="import-box"), text, bar)
            self.mount(self._import[0])
        box, text, bar = self._import
        box.display = showing
        text.update(Content(label))
        bar.update(total=max(total, 1), progress=done)
