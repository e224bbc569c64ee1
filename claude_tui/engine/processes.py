"""CLI processes: the SDK import off the event loop, pids, killing, and memory.

Why: no CLI process may outlive claude-tui. The workers disconnect their
clients in an orderly way; this module is the safety net behind them. It
remembers every CLI pid the engine started, and can also find children of
this process that run the Claude Code executable (Linux ``/proc``), so a
process started by a connect that was cancelled halfway is not missed.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import signal
import sys
import time
from pathlib import Path

from .. import compat

_STARTED: set[int] = set()
_sdk_ready = False
_atexit_registered = False


async def ensure_sdk() -> None:
    """Import ``claude_agent_sdk`` in a thread the first time (about 1 s), so the
    event loop (and the UI on it) keeps running meanwhile."""
    global _sdk_ready
    if _sdk_ready or "claude_agent_sdk.client" in sys.modules:
        _sdk_ready = True
        return
    import importlib

    await asyncio.to_thread(importlib.import_module, "claude_agent_sdk")
    _sdk_ready = True


def remember(pid: int) -> None:
    """Track a CLI pid; the first call registers the exit-time safety net."""
    global _atexit_registered
    if not _atexit_registered:
        atexit.register(kill_all_children)
        _atexit_registered = True
    _STARTED.add(pid)


def forget(pid: int) -> None:
    _STARTED.discard(pid)


def alive(pid: int) -> bool:
    """Whether ``pid`` is a running (not zombie) process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True


def _signal(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def descendants(pid: int) -> list[int]:
    """Children, grandchildren... of ``pid`` (a CLI's tool processes, MCP servers)."""
    out: list[int] = []
    stack = [pid]
    while stack:
        for child in _children(stack.pop()):
            if child not in out:
                out.append(child)
                stack.append(child)
    return out


def kill(pid: int) -> None:
    """SIGKILL ``pid`` and everything it started (a killed CLI would orphan its
    tool processes); a process that is gone already is fine."""
    below = descendants(pid)
    _signal(pid)
    for child in below:
        _signal(child)


def _children(parent: int) -> list[int]:
    out: list[int] = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return out
    for name in entries:
        if not name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == parent:
            out.append(int(name))
    return out


def _is_claude_cli(pid: int) -> bool:
    """The Claude Code executable, or a script named ``claude*`` (``cli_path``)."""
    try:
        exe = os.readlink(f"/proc/{pid}/exe")
    except OSError:
        exe = ""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[:2]
    except OSError:
        argv = []
    names = [exe, *(a.decode(errors="replace") for a in argv)]
    return any(os.path.basename(p).startswith("claude") for p in names if p)


def cli_children() -> list[int]:
    """Live children of this process that run a Claude Code CLI."""
    return [pid for pid in _children(os.getpid()) if _is_claude_cli(pid) and alive(pid)]


def owned_children() -> list[int]:
    """Live children started with our ``CLAUDE_TUI_OWNER`` mark in their environment.

    This finds a CLI whose spawn was cut short by a cancellation before its pid
    was handed back, even after it exec'd into something not named claude.
    """
    return children_marked(f"CLAUDE_TUI_OWNER={os.getpid()}")


def children_marked(assignment: str) -> list[int]:
    """Live children of this process whose environment holds ``NAME=value``."""
    mark = assignment.encode()
    found = []
    for pid in _children(os.getpid()):
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if mark in environ and alive(pid):
            found.append(pid)
    return found


def kill_all_children() -> list[int]:
    """SIGKILL every CLI process the engine started or that is our child; returns the pids."""
    pids = {p for p in _STARTED if alive(p)} | set(cli_children()) | set(owned_children())
    pids |= compat.sdk_tracked_cli_pids()  # the SDK only SIGTERMs them at exit
    for pid in pids:
        kill(pid)
    _STARTED.difference_update(pids)
    wait_gone(pids)
    return sorted(pids)


def wait_gone(pids: set[int], timeout: float = 1.0) -> bool:
    """Wait (bounded) until every pid has died: SIGKILL is delivered when the
    process next runs, so on a busy machine it can outlive the ``kill`` call."""
    deadline = time.monotonic() + timeout
    while any(alive(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def rss_bytes(pid: int) -> int:
    """Resident memory of one process (``VmRSS``), 0 if unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def tree_rss_bytes(root: int | None = None) -> int:
    """Resident memory of ``root`` (default: this process) and all its descendants."""
    root = os.getpid() if root is None else root
    total = 0
    stack = [root]
    seen: set[int] = set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += rss_bytes(pid)
        stack.extend(_children(pid))
    return total
