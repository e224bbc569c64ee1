"""The key bar at the bottom of a screen: the bindings that work right now.

It draws the same line as Textual's ``Footer`` (key, description, the
palette key on the right), but as one widget. ``Footer`` mounts a widget per
key and restyles each of them as it mounts, and it does that again on every
focus change, because it recomposes: about 45 ms of the app's first frame,
and a frame's worth of work each time Tab moves focus. Here a change of
bindings recomputes a list and repaints one line.

Clicking a key presses it, like ``Footer``; a disabled key rings the bell.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

SEPARATOR = "▏"  # between the keys and the palette key on the right
KEPT_ACTIONS = frozenset({"help"})


@dataclass(frozen=True)
class KeyItem:
    """One key as the bar shows it."""

    key: str
    display: str
    description: str
    enabled: bool
    tooltip: str

    palette: bool = False  # drawn on the right, after a separator
    kept: bool = False  # shown even when others are left out (help: where every key is listed)

    def parts(self) -> tuple[str, str, str, str]:
        """(separator, key, description, padding) as drawn: Footer's paddings, to the cell."""
        if self.palette:
            return SEPARATOR, self.display, f" {self.description}", " "
        return "", f" {self.display} ", f"{self.description} " if self.description else "", ""

    @property
    def width(self) -> int:
        return sum(cell_len(part) for part in self.parts())


class KeyBar(Widget, can_focus=False):
    """Every shown binding of the focused widget's chain, the palette key docked right."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "key-bar--key",
        "key-bar--description",
        "key-bar--hover",
        "key-bar--disabled",
        "key-bar--separator",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: list[KeyItem] = []
        self.palette: KeyItem | None = None
        self._hover: KeyItem | None = None

    def on_mount(self) -> None:
        # Not read here: the app's check_action looks at widgets that may not
        # be mounted yet. The screen publishes its bindings once focus is set.
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        items, palette = self._collect()
        if (items, palette) != (self.items, self.palette):
            self.items, self.palette = items, palette
            self._hover = None
            self.refresh()

    def _collect(self) -> tuple[list[KeyItem], KeyItem | None]:
        """The first shown binding of each action, in the order the screen lists them."""
        app = self.app
        bindings = self.screen.active_bindings
        palette_key = app.COMMAND_PALETTE_BINDING if app.ENABLE_COMMAND_PALETTE else None
        items: list[KeyItem] = []
        actions: set[str] = set()
        for key, (_node, binding, enabled, tooltip) in bindings.items():
            if not binding.show or binding.action in actions or key == palette_key:
                continue
            actions.add(binding.action)
            items.append(
                KeyItem(
                    binding.key, app.get_key_display(binding), binding.description, enabled, tooltip,
                    kept=binding.action in KEPT_ACTIONS,
                )
            )
        palette = None
        if palette_key is not None and palette_key in bindings:
            _node, binding, enabled, tooltip = bindings[palette_key]
            palette = KeyItem(
                binding.key, app.get_key_display(binding), binding.description, enabled,
                binding.tooltip or binding.description, palette=True,
            )
        return items, palette

    def spans(self, width: int) -> list[tuple[int, int, KeyItem]]:
        """(start, end) cells of each item on a bar ``width`` cells wide.

        The palette key keeps the right end. A key that does not fit whole
        before it is left out (never cut mid-word), and room is kept for the
        help key, which lists all the others.
        """
        limit = width
        spans: list[tuple[int, int, KeyItem]] = []
        if self.palette is not None:
            limit = max(0, width - self.palette.width)
        kept = sum(item.width for item in self.items if item.kept)
        x = 0
        for item in self.items:
            room = limit if item.kept else limit - kept
            if x + item.width > room:
                continue
            spans.append((x, x + item.width, item))
            x += item.width
            if item.kept:
                kept -= item.width
        if self.palette is not None:
            spans.append((limit, width, self.palette))
        return spans

    def render(self) -> Text:
        styles = {
            name: self.get_component_rich_style(f"key-bar--{name}")
            for name in ("key", "description", "hover", "disabled", "separator")
        }
        line = Text(no_wrap=True, overflow="crop", end="")
        for start, end, item in self.spans(self.size.width):
            line.append(" " * (start - line.cell_len))
            separator, key, description, padding = item.parts()
            extra = Style()
            if not item.enabled:
                extra += styles["disabled"]
            if item is self._hover:
                extra += styles["hover"]
            drawn = Text(end="")
            drawn.append(separator, styles["separator"])
            drawn.append(key, styles["key"] + extra)
            drawn.append(description, styles["description"] + extra)
            drawn.append(padding)
            drawn.truncate(end - start)
            line.append_text(drawn)
        return line

    def item_at(self, x: int) -> KeyItem | None:
        for start, end, item in self.spans(self.size.width):
            if start <= x < end:
                return item
        return None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        item = self.item_at(event.x)
        if item is not self._hover:
            self._hover = item
            self.tooltip = (item.tooltip or item.description) if item is not None else None
            self.refresh()

    def on_leave(self) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        item = self.item_at(event.x)
        if item is None:
            return
        if item.enabled:
            self.app.simulate_key(item.key)
        else:
            self.app.bell()
