"""The line at the top of the main screen: the app's title and the open session's.

It draws what Textual's ``Header`` draws here (its icon and clock places left
blank), as one widget instead of four: fewer widgets to style and lay out
before the first frame.
"""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget


class TitleBar(Widget, can_focus=False):
    """``title — sub_title``, centred; it follows the app's two attributes."""

    ALLOW_SELECT = False

    def on_mount(self) -> None:
        self.watch(self.app, "title", self._title_changed, init=False)
        self.watch(self.app, "sub_title", self._title_changed, init=False)

    def _title_changed(self) -> None:
        self.refresh()

    def render(self) -> Content:
        return self.app.format_title(self.app.title, self.app.sub_title)
