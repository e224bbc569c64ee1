"""SessionManager end to end through the real CLI: concurrency, the live-process
budget (eviction, transparent resume, queued sends), idle disconnect and
shutdown leaving no process behind."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import claude_agent_sdk  # noqa: F401 - these tests need the SDK: a broken install fails here, never skips
import pytest

from claude_tui.config import Settings
from claude_tui.engine import Phase, SessionStarted, StateChanged, TextDelta, TurnCompleted
from claude_tui.engine.manager import SessionManager
from claude_tui.engine.processes import alive, cli_children
from claude_tui.store import SqliteSessionStore
from tests.engine.helpers import WAIT_S, engine_settings, hanging_cli, of, phases, processes_named
from tests.fakes.anthropic_api import FakeAnthropicAPI, Fault, Text, messages_texts
from tests.fakes.cli_env import CliEnv


SLACK_S = 3.0
"""Room for a loaded machine on top of a bound the code keeps (the shutdown
timeout): still far below what an unbounded wait would take."""


@pytest.fixture
def live_pids() -> list[int]:
    return []


def make_manager(env: CliEnv, settings: Settings, store: SqliteSessionStore | None) -> SessionManager:
    return SessionManager(settings, store, env=dict(env.env), config_dir=env.config_dir)


@pytest.fixture
async def manager_factory(cli_env: CliEnv, store: SqliteSessionStore) -> AsyncIterator[Any]:
    made: list[SessionManager] = []

    def factory(settings: Settings) -> SessionManager:
        manager = make_manager(cli_env, settings, store)
        made.append(manager)
        return manager

    yield factory
    for manager in made:
        await manager.shutdown(timeout=5)
    assert not cli_children()


def session_events(events: list[Any], session_id: str) -> list[Any]:
    return [e for e in events if e.session_id == session_id]


def track_live(manager: SessionManager) -> list[int]:
    """Count CLI processes each time any state changes (the cap must hold at every moment)."""
    counts: list[int] = []
    manager.subscribe(lambda e: counts.append(len(cli_children())) if isinstance(e, StateChanged) else None)
    return counts


async def test_three_sessions_stream_concurrently(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, manager_factory: Any
) -> None:
    """All three streams are mid-reply at the same moment: each stalls after its
    first delta until all three are held, then all finish."""
    words = " ".join(f"w{i}" for i in range(12))
    fake_api.queue_fault(Fault.stall(after_deltas=1, then="continue"), times=3)
    manager: SessionManager = manager_factory(engine_settings())
    workers = [manager.new_session(cli_env.cwd) for _ in range(3)]
    for _ in range(3):
        fake_api.queue_reply(Text(words))
    with manager.events() as stream:
        pending = [w.send(f"hi {i}") for i, w in enumerate(workers)]
        await fake_api.wait_for_held(3, timeout=WAIT_S)
        for w in workers:
            await stream.wait_for(lambda e, w=w: isinstance(e, TextDelta) and e.session_id == w.session_id, seen=True)
        assert not any(p.done() for p in pending)
        assert all(w.state.phase is Phase.STREAMING for w in workers)
        fake_api.release()
        results = await asyncio.wait_for(asyncio.gather(*pending), WAIT_S)

    assert all(r is not None and r.outcome == "completed" and r.partial_text == words for r in results)
    assert len({r.session_id for r in fake_api.message_requests}) == 3


async def test_budget_evicts_lru_idle_session_and_resumes_it_transparently(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, manager_factory: Any
) -> None:
    manager: SessionManager = manager_factory(engine_settings(sessions={"max_live": 2}))
    live = track_live(manager)
    a = manager.new_session(cli_env.cwd, connect=False)
    b = manager.new_session(cli_env.cwd, connect=False)
    c = manager.new_session(cli_env.cwd, connect=False)
    with manager.events() as stream:
        await asyncio.wait_for(a.send("a says apple"), WAIT_S)
        await asyncio.wait_for(b.send("b says banana"), WAIT_S)
        assert manager.budget.live == 2
        await asyncio.wait_for(c.send("c says cherry"), WAIT_S)  # evicts a (least recently used)
        assert a.state.phase is Phase.IDLE and a.pid is None
        again = await asyncio.wait_for(a.send("what did a say?"), WAIT_S)  # evicts b, resumes a
        events = stream.drain()

    assert again is not None and again.outcome == "completed"
    assert b.state.phase is Phase.IDLE
    assert manager.budget.peak_live == 2
    assert 1 <= max(live) <= 2
    a_started = [e for e in session_events(events, a.session_id) if isinstance(e, SessionStarted)]
    assert [s.resumed for s in a_started] == [False, True]
    last = fake_api.message_requests[-1]
    assert last.session_id == a.session_id
    assert messages_texts(last)[0] == "a says apple" and messages_texts(last)[-1] == "what did a say?"


async def test_send_with_every_slot_busy_waits_queued_then_runs(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, manager_factory: Any
) -> None:
    manager: SessionManager = manager_factory(engine_settings(sessions={"max_live": 1}))
    live = track_live(manager)
    a = manager.new_session(cli_env.cwd, connect=False)
    b = manager.new_session(cli_env.cwd, connect=False)
    fake_api.queue_fault(Fault.stall(after_deltas=1, then="continue"))
    with manager.events() as stream:
        busy = a.send("long answer please")
        await fake_api.wait_for_held(1)
        queued = b.send("me next")
        await stream.wait_for(
            lambda e: isinstance(e, StateChanged) and e.session_id == b.session_id and e.state.phase is Phase.QUEUED
        )
        assert b.state.pending == 1 and not b.state.is_live
        fake_api.release()
        first = await asyncio.wait_for(busy, WAIT_S)
        second = await asyncio.wait_for(queued, WAIT_S)
        events = stream.drain()

    assert first is not None and first.outcome == "completed"
    assert second is not None and second.outcome == "completed"
    b_phases = phases(session_events(events, b.session_id))
    assert b_phases.index(Phase.QUEUED) < b_phases.index(Phase.CONNECTING) < b_phases.index(Phase.STREAMING)
    assert manager.budget.peak_live == 1 and max(live) == 1
    assert a.state.phase is Phase.IDLE  # evicted once idle, to make room


async def test_opening_preconnects_and_idle_disconnect_then_transparent_resume(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, manager_factory: Any
) -> None:
    manager: SessionManager = manager_factory(engine_settings(sessions={"idle_disconnect": 0.3}))
    worker = manager.new_session(cli_env.cwd)  # pre-connects in the background
    with worker.events() as stream:
        await stream.wait_for(lambda e: isinstance(e, StateChanged) and e.state.phase is Phase.READY)
        assert worker.pid is not None and alive(worker.pid)
        await asyncio.wait_for(worker.send("remember kiwi"), WAIT_S)
        pid = worker.pid
        await stream.wait_for(lambda e: isinstance(e, StateChanged) and e.state.phase is Phase.IDLE)
        assert worker.pid is None and pid is not None and not alive(pid)
        result = await asyncio.wait_for(worker.send("what to remember?"), WAIT_S)

    assert result is not None and result.outcome == "completed"
    assert messages_texts(fake_api.message_requests[-1])[0] == "remember kiwi"


async def test_open_session_from_store_uses_recorded_cwd(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, manager_factory: Any
) -> None:
    manager: SessionManager = manager_factory(engine_settings())
    first = manager.new_session(cli_env.cwd, connect=False)
    await asyncio.wait_for(first.send("note: plum"), WAIT_S)
    await manager.close_session(first.session_id)

    reopened = await manager.open_session(first.session_id, connect=False)
    assert reopened is not first and reopened.spec.resume
    assert reopened.spec.cwd == first.spec.cwd and reopened.state.messages == 2
    result = await asyncio.wait_for(reopened.send("what note?"), WAIT_S)
    assert result is not None and result.outcome == "completed"
    assert messages_texts(fake_api.message_requests[-1])[0] == "note: plum"


async def test_shutdown_interrupts_disconnects_and_leaves_no_process(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore
) -> None:
    manager = make_manager(cli_env, engine_settings(), store)
    workers = [manager.new_session(cli_env.cwd) for _ in range(3)]
    fake_api.queue_fault(Fault.stall(after_deltas=1))
    with manager.events() as stream:
        streaming = workers[0].send("stall forever")
        await fake_api.wait_for_held(1)
        await stream.wait_for(lambda e: isinstance(e, TextDelta))
        for w in workers[1:]:
            if w.state.phase is not Phase.READY:
                await stream.wait_for(
                    lambda e, w=w: isinstance(e, StateChanged) and e.session_id == w.session_id and e.state.phase is Phase.READY
                )
        pids = [w.pid for w in workers]
        assert all(p is not None and alive(p) for p in pids)
        started = time.monotonic()
        await manager.shutdown(timeout=5)
        elapsed = time.monotonic() - started
        events = stream.drain()

    assert elapsed < 5.0 + SLACK_S
    assert not any(alive(p) for p in pids if p is not None)
    assert not cli_children()
    assert all(w.state.phase is Phase.CLOSED for w in workers)
    result = streaming.result()
    assert isinstance(result, TurnCompleted) and result.outcome == "cancelled" and result.partial_text
    assert not of(events, TextDelta)[1:]  # nothing streamed after the stall


async def test_shutdown_during_a_hung_connect_is_bounded(
    cli_env: CliEnv, store: SqliteSessionStore, tmp_path: Any
) -> None:
    settings = engine_settings(claude={"cli_path": str(hanging_cli(tmp_path))}, timeouts={"connect": 30.0})
    manager = make_manager(cli_env, settings, store)
    worker = manager.new_session(cli_env.cwd)
    with worker.events() as stream:
        await stream.wait_for(lambda e: isinstance(e, StateChanged) and e.state.phase is Phase.CONNECTING)
    started = time.monotonic()
    await manager.shutdown(timeout=2)
    assert time.monotonic() - started < 2.0 + SLACK_S  # not the 30 s connect timeout
    assert not processes_named("sleep 60")
    assert worker.state.phase is Phase.CLOSED
