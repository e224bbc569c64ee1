"""Shared helpers for the engine tests (real CLI + fake Messages API).

Why through the real CLI: the worker's job is to cope with what the CLI
really does (event order, retries, interrupts, process deaths, resume), which
a mocked SDK cannot show. Timeouts and backoffs are test-sized
(``engine_settings``) and every wait is on a condition with a bound.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path
from typing import Any

from claude_tui.config import Settings
from claude_tui.engine import Phase, StateChanged, TextDelta, TurnCompleted
from claude_tui.engine.bus import EventStream
from claude_tui.engine.options import ConnectionConfig, SessionSpec
from claude_tui.engine.processes import alive
from claude_tui.engine.worker import SessionWorker
from claude_tui.store import SqliteSessionStore
from tests.fakes.cli_env import CliEnv

WAIT_S = 20.0
"""Bound for one condition; turns normally take well under a second."""


def engine_settings(**sections: dict[str, Any]) -> Settings:
    """Settings with test-sized timeouts and backoffs; ``timeouts={...}`` etc. override."""
    settings = Settings()
    settings.timeouts.connect = 15.0
    settings.timeouts.first_token = 15.0
    settings.timeouts.stall = 10.0
    settings.timeouts.turn = 60.0
    settings.reconnect.max_attempts = 3
    settings.reconnect.backoff_initial = 0.05
    settings.reconnect.backoff_max = 0.2
    settings.sessions.idle_disconnect = 0.0
    for name, values in sections.items():
        section = getattr(settings, name)
        for key, value in values.items():
            setattr(section, key, value)
    return settings


def make_worker(
    env: CliEnv,
    settings: Settings,
    store: SqliteSessionStore | None,
    *,
    session_id: str | None = None,
    resume: bool = False,
    **kwargs: Any,
) -> SessionWorker:
    spec = SessionSpec(session_id or str(uuid.uuid4()), str(env.cwd), resume=resume)
    connection = ConnectionConfig(settings.claude, env=dict(env.env))
    return SessionWorker(
        spec, settings, store=store, connection=connection, config_dir=env.config_dir, **kwargs
    )


async def turn(worker: SessionWorker, prompt: str, files: tuple[str, ...] = ()) -> TurnCompleted:
    result = await asyncio.wait_for(worker.send(prompt, files), WAIT_S)
    assert result is not None, "the prompt was not sent"
    return result


def of(events: list[Any], kind: type) -> list[Any]:
    return [e for e in events if isinstance(e, kind)]


def phases(events: list[Any]) -> list[Phase]:
    out: list[Phase] = []
    for e in of(events, StateChanged):
        if not out or out[-1] is not e.state.phase:
            out.append(e.state.phase)
    return out


def texts(events: list[Any]) -> str:
    return "".join(e.text for e in of(events, TextDelta))


async def wait_phase(stream: EventStream, worker: SessionWorker, phase: Phase, timeout: float = WAIT_S) -> None:
    if worker.state.phase is phase:
        return
    await stream.wait_for(lambda e: isinstance(e, StateChanged) and e.state.phase is phase, timeout)


async def stored_texts(store: SqliteSessionStore, worker: SessionWorker) -> list[tuple[str, str]]:
    """(type, uuid) of stored user/assistant entries of the worker's session."""
    entries = await store.load({"project_key": worker.project_key, "session_id": worker.session_id}) or []
    return [(e["type"], e["uuid"]) for e in entries if e.get("type") in ("user", "assistant")]


def no_cli_left(worker: SessionWorker, pid: int | None) -> None:
    assert worker.pid is None
    if pid is not None:
        assert not alive(pid)


def hanging_cli(tmp_path: Path) -> Path:
    """A ``cli_path`` that starts and then never answers the handshake."""
    script = tmp_path / "claude-hangs"
    script.write_text("#!/bin/sh\nexec sleep 60\n")
    script.chmod(0o755)
    return script


def processes_named(cmdline: str) -> list[int]:
    """Live processes running ``cmdline`` that this test process's engine started.

    Any process on the machine counts, orphans included (a leaked CLI is no
    longer our child), but only with our ``CLAUDE_TUI_OWNER`` mark: someone
    else's ``sleep 60`` is not a leak of ours.
    """
    mark = f"CLAUDE_TUI_OWNER={os.getpid()}".encode()
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                raw = Path(f"/proc/{name}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
                environ = Path(f"/proc/{name}/environ").read_bytes().split(b"\0") if raw == cmdline else []
            except OSError:
                continue
            if raw == cmdline and mark in environ and alive(int(name)):
                found.append(int(name))
    return found
