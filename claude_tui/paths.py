"""Where claude-tui and Claude Code keep their files (XDG via platformdirs).

Precedence everywhere: command-line flag > environment variable > default.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "claude-tui"


def default_db_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME)) / "sessions.db"


def default_config_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def cache_dir() -> Path:
    """Files claude-tui can lose at any time (parsed styles): the XDG cache folder."""
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME))


def log_path() -> Path:
    """``$CLAUDE_TUI_LOG`` > ``claude-tui.log`` in the XDG state folder.

    State, not data or cache: worth keeping across runs for a bug report,
    worthless to back up.
    """
    value = os.environ.get("CLAUDE_TUI_LOG")
    if value:
        return Path(value).expanduser()
    import platformdirs

    return Path(platformdirs.user_state_dir(APP_NAME)) / "claude-tui.log"


def db_path(flag: str | None = None, configured: str | None = None) -> Path:
    """Flag > $CLAUDE_TUI_DB > ``[store] db`` in the config > default."""
    value = flag or os.environ.get("CLAUDE_TUI_DB") or configured
    return Path(value).expanduser() if value else default_db_path()


def config_path(flag: str | None = None) -> tuple[Path, bool]:
    """The config file and whether it was named explicitly (then it must exist)."""
    value = flag or os.environ.get("CLAUDE_TUI_CONFIG")
    if value:
        return Path(value).expanduser(), True
    return default_config_path(), False


def claude_config_dir() -> Path:
    """Claude Code's own directory: ``$CLAUDE_CONFIG_DIR``, else ``~/.claude``."""
    value = os.environ.get("CLAUDE_CONFIG_DIR")
    return Path(value).expanduser() if value else Path.home() / ".claude"


def styles_dir() -> Path:
    """The TCSS folder: inside the installed wheel, or at the repository root."""
    here = Path(__file__).resolve().parent
    packaged = here / "styles"
    return packaged if packaged.is_dir() else here.parent / "styles"


def resolve_directory(text: str, base: Path, *, empty: str = "type a directory", missing: str = "") -> tuple[Path | None, str]:
    """(the directory ``text`` names, "") or (None, what is wrong): relative to
    ``base``, ``~`` expanded; it must exist and be a directory. ``empty`` is
    said for no text, ``missing`` is added to "does not exist"."""
    text = text.strip()
    if not text:
        return None, empty
    path = Path(text).expanduser()
    if not path.is_absolute():
        path = base / path
    try:
        path = path.resolve()
    except (OSError, RuntimeError) as exc:
        return None, f"cannot resolve {text}: {exc}"
    if not path.exists():
        return None, f"{path} does not exist{missing}"
    if not path.is_dir():
        return None, f"{path} is not a directory"
    return path, ""
