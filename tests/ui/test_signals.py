"""SIGTERM and SIGHUP quit the app like ctrl+q: the engine interrupts the running
turn and stops every CLI, and the process exits with status 0 within the
engine's shutdown budget (5 s) plus the app's own teardown."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import claude_agent_sdk  # noqa: F401  (a dependency: its absence is an error, not a skip)
import pytest

from claude_tui.engine.processes import alive
from tests.fakes.anthropic_api import FakeAnthropicAPI, Fault
from tests.fakes.cli_env import CliEnv

CHILD = Path(__file__).with_name("signal_child.py")
SHUTDOWN_S = 5.0
"""live.controller.SHUTDOWN_S: the engine's budget to interrupt, close and kill every CLI."""
EXIT_MARGIN_S = 3.0
"""For the rest of the exit (the waits around that budget, the app's teardown,
the line reaching this process) on a loaded machine; the whole exit measured about 0.1 s."""


def _read_line(process: subprocess.Popen[str], prefix: str, timeout: float, stderr: Path | None = None) -> str:
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()  # the child prints one line per step
        if not line:
            break
        if line.startswith(prefix):
            return line.strip()
    errors = stderr.read_text()[-3000:] if stderr is not None and stderr.exists() else ""
    raise AssertionError(f"no {prefix!r} line from the app (exit {process.poll()})\n{errors}")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_signal_shuts_the_engine_down_and_exits_zero(
    signum: int, fake_api: FakeAnthropicAPI, cli_env: CliEnv, tmp_path: Path
) -> None:
    fake_api.queue_fault(Fault.stall(after_deltas=2))
    env = {**os.environ, **cli_env.env, "CLAUDE_TUI_TEST_ENGINE_ENV": json.dumps(cli_env.env), "TZ": "UTC"}
    base = tmp_path / "app"
    base.mkdir()
    errors = tmp_path / "stderr.txt"
    with errors.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, str(CHILD), str(base), str(cli_env.cwd), str(cli_env.config_dir)],
            env=env, stdout=subprocess.PIPE, stderr=stderr, text=True,
        )
    try:
        pid = int(_read_line(process, "STREAMING", 60, errors).split()[1])
        assert alive(pid)
        started = time.monotonic()
        process.send_signal(signum)
        assert _read_line(process, "EXITED", 2 * (SHUTDOWN_S + EXIT_MARGIN_S), errors) == "EXITED 0"
        elapsed = time.monotonic() - started
        assert elapsed < SHUTDOWN_S + EXIT_MARGIN_S, elapsed
        assert process.wait(timeout=10) == 0
        assert not alive(pid)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
