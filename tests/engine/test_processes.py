"""The kill sweep finds every CLI we started, even one whose pid we never got."""

from __future__ import annotations

import asyncio
import os
import subprocess
import threading

import pytest

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


async def test_manager_shutdown_sweeps_once_and_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sweep blocks (a /proc scan, a wait until the killed are gone), so
    ``shutdown`` runs it in a thread: the loop keeps serving meanwhile."""
    from claude_tui.config import Settings
    from claude_tui.engine.manager import SessionManager

    loop = asyncio.get_running_loop()
    sweeps: list[tuple[threading.Thread, bool]] = []

    def sweep() -> list[int]:
        served = threading.Event()
        loop.call_soon_threadsafe(served.set)  # only runs if the loop is free
        sweeps.append((threading.current_thread(), served.wait(timeout=5)))
        return []

    monkeypatch.setattr(processes, "kill_all_children", sweep)
    manager = SessionManager(Settings())
    manager.new_session(os.getcwd(), connect=False)
    await manager.shutdown(timeout=2)
    assert len(sweeps) == 1
    [(thread, loop_served)] = sweeps
    assert thread is not threading.main_thread() and loop_served
    calls: list[str] = []
    monkeypatch.setattr(processes, "kill_all_children", lambda: calls.append("swept") or [])
    assert manager.kill_all() == [] and calls == ["swept"]  # the sync safety net (atexit) still sweeps
