"""SIGTERM and SIGHUP quit the app like ctrl+q: the engine interrupts the running
turn and stops every CLI, and the process exits with status 0 within 5 s."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from claude_tui.engine.processes import alive
from tests.fakes.anthropic_api import FakeAnthropicAPI, Fault
from tests.fakes.cli_env import CliEnv

pytest.importorskip("claude_agent_sdk")

CHILD = Path(__file__).with_name("signal_child.py")


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
        assert _read_line(process, "EXITED", 10, errors) == "EXITED 0"
        assert time.monotonic() - started < 5.0
        assert process.wait(timeout=10) == 0
        assert not alive(pid)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
