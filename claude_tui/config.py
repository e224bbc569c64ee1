"""Typed settings with defaults for everything; read with tomllib, written with tomli-w.

A malformed file is reported with its path, line and column and is never
overwritten; unknown keys are reported as warnings, not errors. When the app
writes the config it keeps the previous file as ``config.toml.bak`` because
tomli-w cannot keep comments.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, get_type_hints

PERMISSION_MODES = ("default", "acceptEdits", "plan", "bypassPermissions", "dontAsk", "auto")
LOG_LEVELS = ("debug", "info", "warning", "error")


class ConfigError(Exception):
    """The config file cannot be used; the message names the file and the place."""


@dataclass
class ClaudeSettings:
    model: str | None = None  # None: the CLI's default model
    system_prompt: str | None = None  # appended to Claude Code's own system prompt
    permission_mode: str = "default"
    cli_path: str | None = None  # None: the CLI bundled in claude-agent-sdk
    api_timeout_ms: int | None = None  # -> the CLI's API_TIMEOUT_MS
    max_retries: int | None = None  # -> the CLI's CLAUDE_CODE_MAX_RETRIES
    allow_bypass: bool = False  # start the CLI so bypassPermissions can be chosen live


@dataclass
class TimeoutSettings:
    """Seconds; 0 disables a timeout."""

    connect: float = 30.0  # CLI start and handshake
    first_token: float = 120.0  # send -> first stream event (restarts on each API retry)
    stall: float = 60.0  # no stream event while the model is streaming
    turn: float = 1800.0  # a whole turn, tools included


@dataclass
class ReconnectSettings:
    max_attempts: int = 5
    backoff_initial: float = 1.0  # seconds before the first retry, doubled each time
    backoff_max: float = 30.0


@dataclass
class SessionSettings:
    max_live: int = 4  # CLI processes at once (about 200 MB each)
    idle_disconnect: float = 900.0  # seconds idle before a session's CLI is stopped; 0 = never
    preconnect: bool = True  # start a session's CLI when you start typing its prompt


@dataclass
class ContextSettings:
    max_file_bytes: int = 262_144  # larger attached files are refused
    max_total_bytes: int = 1_048_576  # attached files sent with one prompt, together; 0 = no cap


@dataclass
class PanelSettings:
    shown: bool = True  # the side panels (context, timeouts, session) on terminals >= 140 columns


@dataclass
class StoreSettings:
    db: str | None = None  # database file; default: the user data dir
    url: str | None = None  # postgresql://... : the shared store on a server (no password here: PGPASSWORD or ~/.pgpass)
    path_map: dict[str, str] = field(default_factory=dict)  # another machine's folder -> this machine's (path_map.py)


@dataclass
class UISettings:
    theme: str = "textual-dark"
    log_level: str = "warning"  # what reaches the log file; --debug forces "debug"
    sidebar_width: int = 0  # columns; 0: a share of the terminal's width
    desktop_notify: bool = False  # also a terminal notification (OSC 9 / 777) when a background session needs you


@dataclass
class Settings:
    claude: ClaudeSettings = field(default_factory=ClaudeSettings)
    timeouts: TimeoutSettings = field(default_factory=TimeoutSettings)
    reconnect: ReconnectSettings = field(default_factory=ReconnectSettings)
    sessions: SessionSettings = field(default_factory=SessionSettings)
    context: ContextSettings = field(default_factory=ContextSettings)
    store: StoreSettings = field(default_factory=StoreSettings)
    panels: PanelSettings = field(default_factory=PanelSettings)
    ui: UISettings = field(default_factory=UISettings)
    keymap: dict[str, str] = field(default_factory=dict)  # binding id -> keys


@dataclass
class LoadedSettings:
    settings: Settings
    path: Path
    warnings: list[str]


def _check_value(where: str, value: Any, hint: Any) -> Any:
    """Validate one scalar against its annotation; ints are accepted for floats."""
    hint_text = str(hint)
    allows_none = "None" in hint_text
    if value is None and allows_none:
        return None
    if "bool" in hint_text:
        if isinstance(value, bool):
            return value
        raise ConfigError(f"{where} must be true or false, not {value!r}")
    if "float" in hint_text:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
            return float(value)
        raise ConfigError(f"{where} must be a number of seconds >= 0, not {value!r}")
    if "int" in hint_text:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        raise ConfigError(f"{where} must be a whole number >= 0, not {value!r}")
    if "str" in hint_text:
        if isinstance(value, str):
            return value
        raise ConfigError(f"{where} must be a string, not {value!r}")
    return value


def settings_from_dict(data: dict[str, Any], source: str = "config") -> tuple[Settings, list[str]]:
    """Build Settings from parsed TOML; return it with warnings for unknown keys."""
    settings = Settings()
    warnings: list[str] = []
    for name, value in data.items():
        if name not in {f.name for f in fields(Settings)}:
            warnings.append(f"{source}: unknown section or key [{name}] ignored")
            continue
        if name == "keymap":
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise ConfigError(f"{source}: [keymap] maps binding ids to key strings")
            settings.keymap = dict(value)
            continue
        if not isinstance(value, dict):
            raise ConfigError(f"{source}: [{name}] must be a table")
        section = getattr(settings, name)
        hints = get_type_hints(type(section))
        for key, item in value.items():
            if key not in hints:
                warnings.append(f"{source}: unknown key {name}.{key} ignored")
                continue
            if str(hints[key]).startswith("dict"):
                if not isinstance(item, dict) or not all(isinstance(v, str) for v in item.values()):
                    raise ConfigError(f'{source}: {name}.{key} maps folders to folders, e.g. "/home/a/src" = "/Users/a/src"')
                setattr(section, key, dict(item))
                continue
            setattr(section, key, _check_value(f"{source}: {name}.{key}", item, hints[key]))
    mode = settings.claude.permission_mode
    if mode not in PERMISSION_MODES:
        raise ConfigError(
            f"{source}: claude.permission_mode must be one of {', '.join(PERMISSION_MODES)},"
            f" not {mode!r}"
        )
    level = settings.ui.log_level.lower()
    if level not in LOG_LEVELS:
        raise ConfigError(
            f"{source}: ui.log_level must be one of {', '.join(LOG_LEVELS)}, not {settings.ui.log_level!r}"
        )
    settings.ui.log_level = level
    if settings.ui.sidebar_width < 0:
        raise ConfigError(f"{source}: ui.sidebar_width must be 0 (automatic) or a number of columns, not {settings.ui.sidebar_width}")
    return settings, warnings


_LINE_COL = re.compile(r"\(at line (\d+), column (\d+)\)")


def load_settings(path: Path, *, must_exist: bool = False) -> LoadedSettings:
    """Read settings from ``path``; a missing file means defaults unless ``must_exist``."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if must_exist:
            raise ConfigError(f"config file {path} does not exist") from None
        return LoadedSettings(Settings(), path, [])
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}); fix or remove the file") from exc
    except tomllib.TOMLDecodeError as exc:
        match = _LINE_COL.search(str(exc))
        place = f"line {match.group(1)}, column {match.group(2)}" if match else "unknown place"
        reason = _LINE_COL.sub("", str(exc)).strip()
        raise ConfigError(f"{path}: {place}: {reason}. The file was left as it is.") from exc
    settings, warnings = settings_from_dict(data, str(path))
    return LoadedSettings(settings, path, warnings)


def _without_none(value: Any, depth: int = 0) -> Any:
    if isinstance(value, dict):
        # An empty table inside a section (``[store] path_map``) is its default: not written.
        return {
            k: _without_none(v, depth + 1) for k, v in value.items()
            if v is not None and not (depth and isinstance(v, dict) and not v)
        }
    return value


def _merged(known: dict[str, Any], existing: dict[str, Any]) -> dict[str, Any]:
    """``known`` over ``existing``: keys this version does not know are kept as they were."""
    out = dict(existing)
    for name, value in known.items():
        if isinstance(value, dict) and isinstance(existing.get(name), dict):
            inner = dict(existing[name])
            fields_known = {f.name for f in fields(getattr(Settings(), name))} if name != "keymap" else set(value)
            for key in fields_known:
                inner.pop(key, None)  # a key set back to None (its default) goes away
            inner.update(value)
            out[name] = inner
        else:
            out[name] = value
    return out


def save_settings(settings: Settings, path: Path) -> None:
    """Write ``settings`` to ``path``, keeping the previous file as ``.bak`` and
    the keys and sections of that file this version does not know."""
    import tomli_w

    assert is_dataclass(settings)
    known = _without_none(asdict(settings))
    try:
        existing = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        existing = {}  # missing, or unreadable: the .bak below keeps the old bytes
    text = tomli_w.dumps(_merged(known, existing))
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        backup = path.with_name(path.name + ".bak")
        backup.write_bytes(path.read_bytes())
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


DEFAULT_CONFIG_TEXT = """\
# claude-tui configuration. Every key is optional; defaults are shown.
# Timeouts are seconds (floats); 0 disables one.

[claude]
# model = "claude-sonnet-4-5"        # default: the CLI's own default
# system_prompt = ""                  # appended to Claude Code's system prompt
# permission_mode = "default"         # default, acceptEdits, plan, bypassPermissions, dontAsk, auto
# cli_path = ""                       # default: the CLI bundled in claude-agent-sdk
# api_timeout_ms = 600000             # becomes the CLI's API_TIMEOUT_MS
# max_retries = 10                    # becomes the CLI's CLAUDE_CODE_MAX_RETRIES
# allow_bypass = false

[timeouts]
# connect = 30.0
# first_token = 120.0
# stall = 60.0
# turn = 1800.0

[reconnect]
# max_attempts = 5
# backoff_initial = 1.0
# backoff_max = 30.0

[sessions]
# max_live = 4
# idle_disconnect = 900.0
# preconnect = true

[context]
# max_file_bytes = 262144
# max_total_bytes = 1048576           # files sent with one prompt, together

[panels]
# shown = true                        # the side panels on terminals >= 140 columns (F2 toggles)

[store]
# db = "~/.local/share/claude-tui/sessions.db"
# url = "postgresql://alice@dbhost/claude_tui"   # a shared store on PostgreSQL (password: PGPASSWORD or ~/.pgpass)
# [store.path_map]                    # sessions' folders on other machines -> the same projects here
# "/home/alice/src" = "/Users/alice/src"

[ui]
# theme = "textual-dark"
# log_level = "warning"               # debug, info, warning, error (--debug forces debug)
# sidebar_width = 0                   # columns; 0: grows with the terminal (f7 / f8 narrow / widen)
# desktop_notify = false              # also a desktop notification (OSC 9 / OSC 777) when a background session needs you

[keymap]
# binding id = "keys", e.g.  new_session = "ctrl+n"
"""
