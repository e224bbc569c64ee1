"""Settings: the config file's everyday values, validated as typed.

Each row is one ``section.key`` of ``config.py``'s ``Settings``; text fields
are checked with the same rules as the config file (``config._check_value``
via ``settings_from_dict``) while typing, and a bad value is named under the
form. ctrl+s saves (when every value is valid): the app writes the file,
keeping the previous one as ``config.toml.bak`` and every key this version
does not know. Escape closes without saving. Dismisses with the new
``Settings`` or None.
"""

from __future__ import annotations

import copy
from dataclasses import asdict
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static, Switch

from ..config import PERMISSION_MODES, ConfigError, Settings, settings_from_dict
from ..literal import literal_line

# (section, key, label, kind): kind is "text", "number", "int", "bool", "mode" or "theme".
FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("claude", "model", "model (empty: CLI default)", "text"),
    ("claude", "system_prompt", "system prompt (appended)", "text"),
    ("claude", "permission_mode", "permission mode", "mode"),
    ("timeouts", "connect", "connect timeout, s", "number"),
    ("timeouts", "first_token", "first-token timeout, s", "number"),
    ("timeouts", "stall", "stall timeout, s", "number"),
    ("timeouts", "turn", "turn timeout, s", "number"),
    ("reconnect", "max_attempts", "reconnect attempts", "int"),
    ("reconnect", "backoff_initial", "first retry after, s", "number"),
    ("reconnect", "backoff_max", "longest wait, s", "number"),
    ("sessions", "max_live", "live sessions at once", "int"),
    ("sessions", "idle_disconnect", "idle disconnect, s", "number"),
    ("sessions", "preconnect", "start CLI while typing", "bool"),
    ("context", "max_file_bytes", "max context file, bytes", "int"),
    ("context", "max_total_bytes", "max files per prompt, bytes", "int"),
    ("panels", "shown", "panels shown (>= 140 cols)", "bool"),
    ("ui", "theme", "theme", "theme"),
)

RESTART_NEEDED = ("sessions.max_live",)
"""Values that take effect only after a restart (the live-process budget is made at start)."""


def field_id(section: str, key: str) -> str:
    return f"set-{section}-{key}"


def parse_field(kind: str, text: str) -> Any:
    """The TOML value a field's text stands for (checked by ``settings_from_dict``)."""
    text = text.strip()
    if kind == "text":
        return text or None
    if kind in ("number", "int"):
        if not text:
            return text  # rejected as "must be a number"
        try:
            return int(text) if kind == "int" else float(text)
        except ValueError:
            return text
    return text


def check(values: dict[str, dict[str, Any]]) -> tuple[Settings | None, str | None]:
    try:
        settings, _ = settings_from_dict(values, "settings")
    except ConfigError as exc:
        return None, str(exc).removeprefix("settings: ")
    return settings, None


class SettingsScreen(ModalScreen[Settings | None]):
    BINDINGS = [
        Binding("escape", "dismiss_none", "Close", show=False),
        Binding("ctrl+s", "save", "Save", show=False, priority=True),
    ]

    def __init__(self, settings: Settings, themes: list[str], path: str) -> None:
        super().__init__()
        self.base = copy.deepcopy(settings)
        self.themes = themes
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(id="settings-box"):
            yield Static(Content.assemble(("Settings", "bold")), classes="modal-title")
            yield Static(Content.assemble(("saved to ", "dim"), literal_line(self.path)), classes="modal-subtitle")
            with VerticalScroll(id="settings-rows"):
                for section, key, label, kind in FIELDS:
                    value = getattr(getattr(self.base, section), key)
                    with Horizontal(classes="settings-row"):
                        yield Label(label, classes="settings-label")
                        wid = field_id(section, key)
                        if kind == "bool":
                            yield Switch(value=bool(value), id=wid)
                        elif kind == "mode":
                            yield Select([(m, m) for m in PERMISSION_MODES], value=value, allow_blank=False, id=wid)
                        elif kind == "theme":
                            names = sorted(set(self.themes) | {value})
                            yield Select([(t, t) for t in names], value=value, allow_blank=False, id=wid)
                        else:
                            shown = "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))
                            yield Input(value=shown, id=wid)
            yield Static("", id="settings-error")
            yield Static(
                "ctrl+s saves (keeps config.toml.bak) · Escape closes · live sessions at once needs a restart;"
                " model, system prompt and mode apply to sessions started after",
                classes="modal-hint",
            )

    def values(self) -> dict[str, dict[str, Any]]:
        data: dict[str, dict[str, Any]] = {}
        base = asdict(self.base)
        for name in ("claude", "timeouts", "reconnect", "sessions", "context", "panels", "ui"):
            data[name] = {k: v for k, v in base[name].items() if v is not None}
        for section, key, _, kind in FIELDS:
            widget = self.query_one(f"#{field_id(section, key)}")
            if isinstance(widget, Switch):
                value: Any = widget.value
            elif isinstance(widget, Select):
                value = widget.value
            else:
                value = parse_field(kind, widget.value)  # type: ignore[attr-defined]
            if value is None:
                data[section].pop(key, None)
            else:
                data[section][key] = value
        data["keymap"] = dict(self.base.keymap)
        return data

    def validate_all(self) -> Settings | None:
        settings, error = check(self.values())
        if settings is not None:
            settings.store = copy.deepcopy(self.base.store)
        self.query_one("#settings-error", Static).update(literal_line(error or ""))
        return settings

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Switch.Changed)
    def _changed(self) -> None:
        self.validate_all()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        settings = self.validate_all()
        if settings is not None:
            self.dismiss(settings)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)

    def on_mount(self) -> None:
        self.query_one(f"#{field_id('claude', 'model')}").focus()
