"""``claude-tui --where`` and ``claude-tui claude ARGS...``: Claude Code by hand.

``pip install claude-tui`` brings Claude Code's CLI inside the SDK's wheel,
not on PATH: the advice Claude Code gives ("run `claude /login`") names a
command a new user does not have. ``claude-tui claude ...`` runs that same
CLI (the one the sessions use: ``[claude] cli_path``, else the bundled one)
with the arguments as given, in this terminal, and exits with its status;
``--where`` prints where everything is.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from . import paths


def session_cli(configured: str | None) -> Path | None:
    """The CLI the sessions run: ``[claude] cli_path`` if set, else the bundled one."""
    if configured:
        return Path(configured).expanduser()
    from .compat import bundled_cli_path

    return bundled_cli_path()


def where_lines(*, cli: Path | None, db: Path | str, config: Path) -> list[str]:
    """One ``name: path`` line per place claude-tui uses."""
    return [
        f"claude CLI:        {cli if cli is not None else 'not found (set [claude] cli_path in the config)'}",
        f"database:          {db}",
        f"config:            {config}",
        f"log:               {paths.log_path()}",
        f"Claude config dir: {paths.claude_config_dir()}",
    ]


def run_claude(cli: Path | None, args: list[str]) -> int:
    """Run ``cli`` with ``args`` in this terminal; its exit status is ours."""
    if cli is None:
        print(
            "claude-tui: Claude Code's CLI was not found: reinstall claude-agent-sdk"
            " or set [claude] cli_path in the config",
            file=sys.stderr,
        )
        return 1
    try:
        return subprocess.run([str(cli), *args], env=dict(os.environ), check=False).returncode
    except OSError as exc:
        print(f"claude-tui: could not run {cli}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
