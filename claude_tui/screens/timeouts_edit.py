"""Edit timeouts: this session's connect, first-token, stall and turn timeouts.

Each field holds this session's own value in seconds (0 turns the timer
off); an empty field means "the config's value" (shown as the placeholder).
A bad value is named under the fields as it is typed and Enter does not
save. Dismisses with the overrides ``{name: seconds}``, or None on Escape.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from ..literal import literal_line

FIELDS = (("connect", "connect"), ("first_token", "first token"), ("stall", "stall"), ("turn", "turn"))


def parse_overrides(values: dict[str, str]) -> tuple[dict[str, float], str | None]:
    """(overrides, None) or ({}, what is wrong)."""
    out: dict[str, float] = {}
    labels = dict(FIELDS)
    for name, text in values.items():
        text = text.strip()
        if not text:
            continue
        try:
            seconds = float(text)
        except ValueError:
            return {}, f"{labels.get(name, name)}: {text!r} is not a number of seconds"
        if seconds < 0 or seconds != seconds or seconds == float("inf"):
            return {}, f"{labels.get(name, name)}: must be 0 (off) or more seconds, not {text}"
        out[name] = seconds
    return out, None


class TimeoutsScreen(ModalScreen[dict[str, float] | None]):
    BINDINGS = [Binding("escape", "dismiss_none", "Cancel", show=False)]

    def __init__(self, title: str, current: dict[str, float], config: dict[str, float]) -> None:
        super().__init__()
        self.session_title = title
        self.current = current
        self.config = config

    def compose(self) -> ComposeResult:
        with Vertical(id="timeouts-box", classes="small-modal"):
            yield Static(Content.assemble(("Timeouts of this session", "bold")), classes="modal-title")
            yield Static(literal_line(self.session_title), classes="modal-subtitle")
            for name, label in FIELDS:
                with Horizontal(classes="timeout-field"):
                    yield Label(f"{label:<12}", classes="timeout-label")
                    value = self.current.get(name)
                    yield Input(
                        value="" if value is None else f"{value:g}",
                        placeholder=f"config: {self.config.get(name, 0):g}",
                        id=f"timeout-{name}",
                    )
            yield Static("", id="timeouts-error")
            yield Static("seconds, 0 = off, empty = the config's · Enter saves · Escape cancels", classes="modal-hint")

    def _values(self) -> dict[str, str]:
        return {name: self.query_one(f"#timeout-{name}", Input).value for name, _ in FIELDS}

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        _, error = parse_overrides(self._values())
        self.query_one("#timeouts-error", Static).update(literal_line(error or ""))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        overrides, error = parse_overrides(self._values())
        if error is not None:
            self.query_one("#timeouts-error", Static).update(literal_line(error))
            return
        self.dismiss(overrides)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
