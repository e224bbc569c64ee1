"""Run an app in a pseudo-terminal, type into it, and time what it paints.

The child gets a real pty (fixed size, TERM=xterm-256color), so it runs
Textual's real Linux driver: its input thread parses the keys written here,
and its writer thread writes real frames. A reader thread here feeds every
chunk into ``ui_term.Screen`` with the time it was read. ``time.perf_counter``
is CLOCK_MONOTONIC on Linux, the same clock in every process, so times logged
by the child (``BENCH_LOG`` lines) compare directly with times taken here.
"""

from __future__ import annotations

import fcntl
import json
import os
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Self

from .ui_term import Screen

ROOT = Path(__file__).resolve().parent.parent
SIZE = (120, 36)  # columns, rows

KEYS = {
    "ctrl+f": b"\x06",
    "ctrl+n": b"\x0e",
    "ctrl+q": b"\x11",
    "ctrl+w": b"\x17",
    "enter": b"\r",
    "escape": b"\x1b",
    "backspace": b"\x7f",
    "down": b"\x1b[B",
    "f10": b"\x1b[21~",
    "f11": b"\x1b[23~",
    "f12": b"\x1b[24~",
}


PYCACHE = ROOT / "benchmarks" / ".data" / "pycache"


def child_env(**extra: str) -> dict[str, str]:
    """The environment for an app under test: ours, minus what would change its look or size.

    Bytecode is cached (under benchmarks/.data/pycache, for every module the
    child imports, Textual's as much as ours), as it is for an installed wheel:
    pip compiles it at install. Without this, a machine that sets
    PYTHONDONTWRITEBYTECODE would compile claude_tui's sources on every start
    (about 30 ms here) while Textual's come compiled from site-packages.
    """
    env = {
        k: v for k, v in os.environ.items()
        if not k.startswith("TEXTUAL")
        and k not in ("COLUMNS", "LINES", "NO_COLOR", "CLAUDE_TUI_CONFIG", "PYTHONDONTWRITEBYTECODE")
    }
    env.update(TERM="xterm-256color", PYTHONPATH=str(ROOT), PYTHONPYCACHEPREFIX=str(PYCACHE), **extra)
    return env


class PtyApp:
    """One app process on a pty; ``screen`` is what it has painted so far."""

    def __init__(self, argv: list[str], env: dict[str, str], *, size: tuple[int, int] = SIZE,
                 log: Path | None = None) -> None:
        self.argv = argv
        self.env = env
        self.size = size
        self.log = log
        self.screen = Screen(*size)
        self.lock = threading.Lock()
        self.spawned_at = 0.0
        self._tail = b""  # the last output, for error messages (Textual paints on stderr)

    def __enter__(self) -> Self:
        master, slave = os.openpty()
        cols, rows = self.size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.master = master
        self.spawned_at = time.perf_counter()
        self.proc = subprocess.Popen(
            self.argv, stdin=slave, stdout=slave, stderr=slave, env=self.env,
            cwd=ROOT, start_new_session=True,
        )
        os.close(slave)
        self._reader = threading.Thread(target=self._read, name="pty-reader", daemon=True)
        self._reader.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 1 << 16)
            except OSError:
                return  # EIO: the child closed the terminal
            if not data:
                return
            at = time.perf_counter()
            with self.lock:
                self.screen.feed(data, at)
                self._tail = (self._tail + data)[-4000:]

    def press(self, *keys: str) -> float:
        """Write keys (names from KEYS, else literal text); the time just before writing."""
        data = b"".join(KEYS.get(k, k.encode()) for k in keys)
        at = time.perf_counter()
        os.write(self.master, data)
        return at

    def wait_for(self, condition: Callable[[Screen], object], timeout: float = 30.0, what: str = "") -> None:
        """Poll the screen until ``condition``; for setting up, not for timing."""
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                if condition(self.screen):
                    return
                dump = self.screen.dump()
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise TimeoutError(f"waiting for {what}; screen:\n{dump}\nlast output:\n{self.tail()}")
            time.sleep(0.005)

    def wait_for_text(self, text: str, timeout: float = 30.0) -> tuple[int, int]:
        self.wait_for(lambda s: s.find(text), timeout, repr(text))
        with self.lock:
            found = self.screen.find(text)
        assert found is not None
        return found

    def listen(self, listener: Callable[[float, set[int], Screen], None]) -> None:
        with self.lock:
            self.screen.listeners.append(listener)

    def events(self) -> list[dict]:
        """The child's ``BENCH_LOG`` lines so far."""
        if self.log is None or not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.strip()]

    def wait_event(self, match: Callable[[dict], bool], timeout: float = 30.0, what: str = "") -> dict:
        deadline = time.monotonic() + timeout
        while True:
            found = next((e for e in self.events() if match(e)), None)
            if found is not None:
                return found
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise TimeoutError(f"child never logged {what}; last output:\n{self.tail()}")
            time.sleep(0.01)

    def tail(self) -> str:
        with self.lock:
            return self._tail.decode(errors="replace")

    def stop(self) -> None:
        """Quit with ctrl+q like a user; kill only if the app does not exit."""
        if self.proc.poll() is None:
            try:
                self.press("ctrl+q")
                self.proc.wait(10)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        self._reader.join(5)
        os.close(self.master)


def python(*args: str) -> list[str]:
    return [sys.executable, *args]
