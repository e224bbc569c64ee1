"""The kill sweep finds every CLI we started, even one whose pid we never got."""

from __future__ import annotations

import os
import subprocess

from claude_tui.config import ClaudeSettings
from claude_tui.engine import processes
from claude_tui.engine.options import OWNER_ENV, cli_env
from tests.engine.helpers import processes_named


def test_every_cli_is_marked_with_our_pid() -> None:
    assert cli_env(ClaudeSettings())[OWNER_ENV] == str(os.getpid())


def test_kill_sweep_finds_a_marked_child_that_is_not_named_claude() -> None:
    """What a spawn cut short by a cancellation leaves: an untracked child
    that has exec'd into something else (here ``sleep``)."""
    env = {**os.environ, OWNER_ENV: str(os.getpid())}
    child = subprocess.Popen(["sleep", "61"], env=env)
    unmarked = subprocess.Popen(["sleep", "62"])
    try:
        assert child.pid in processes.owned_children()
        assert unmarked.pid not in processes.owned_children()
        assert child.pid in processes.kill_all_children()
        child.wait(timeout=5)
        assert not processes_named("sleep 61")
        assert processes.alive(unmarked.pid)  # not ours to kill
    finally:
        for proc in (child, unmarked):
            proc.kill()
            proc.wait(timeout=5)
