"""Context-window use and MCP status are asked of the live CLI only (None otherwise)."""

from __future__ import annotations

import asyncio
from typing import Any

from claude_tui.engine.inspection import InspectionMixin
from claude_tui.engine.state import Phase, SessionState


class Client:
    async def get_context_usage(self) -> dict[str, Any]:
        return {"totalTokens": 1200, "maxTokens": 200000, "percentage": 0.6}

    async def get_mcp_status(self) -> dict[str, Any]:
        return {"mcpServers": [{"name": "github", "status": "connected"}, "junk"]}


class Broken:
    async def get_context_usage(self) -> dict[str, Any]:
        raise RuntimeError("not now")


class Worker(InspectionMixin):
    session_id = "s"

    def __init__(self, client: Any, phase: Phase) -> None:
        self._client = client
        self._state = SessionState("s", "p", "/", phase, 0.0)


def test_answers_while_connected() -> None:
    worker = Worker(Client(), Phase.READY)
    usage = asyncio.run(worker.context_usage())
    assert usage is not None and usage["totalTokens"] == 1200
    assert asyncio.run(worker.mcp_status()) == [{"name": "github", "status": "connected"}]


def test_none_without_a_cli_or_when_it_cannot_answer() -> None:
    assert asyncio.run(Worker(None, Phase.READY).context_usage()) is None
    assert asyncio.run(Worker(Client(), Phase.IDLE).context_usage()) is None
    assert asyncio.run(Worker(Broken(), Phase.READY).context_usage()) is None
    assert asyncio.run(Worker(Broken(), Phase.READY).mcp_status()) is None  # no such method


def test_the_session_worker_has_them() -> None:
    from claude_tui.engine.worker import SessionWorker

    assert issubclass(SessionWorker, InspectionMixin)


def test_armed_timers_count_down_and_pause() -> None:
    from claude_tui.engine.timeouts import TimeoutPolicy, TurnClock

    clock = TurnClock(TimeoutPolicy(connect=30, first_token=10, stall=5, turn=100), now=0.0)
    assert dict(clock.armed()) == {"first_token": 10.0, "turn": 100.0}
    clock.on_stream_event("message_start", 2.0)
    assert dict(clock.armed()) == {"stall": 7.0, "turn": 100.0}
    clock.pause(3.0)
    assert clock.armed() == [("stall", None), ("turn", None)]


def test_the_worker_publishes_its_armed_timers() -> None:
    from claude_tui.engine.armed import ArmedTimersMixin
    from claude_tui.engine.worker import SessionWorker

    assert issubclass(SessionWorker, ArmedTimersMixin)
