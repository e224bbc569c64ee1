"""The worker on replayed CLI output (``ReplayTransport``): no process, milliseconds.

Why: the event translation (deltas, text without deltas, tool blocks, retries)
and the timers can be pinned down exactly here, with the real SDK parsing
CLI-shaped lines, while the e2e modules prove the same against the real CLI.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from claude_agent_sdk import ClaudeSDKClient

from claude_tui.engine import (
    ApiRetry,
    AssistantMessageComplete,
    ErrorOccurred,
    Phase,
    StateChanged,
    TextDelta,
    ToolUseInput,
    ToolUseStarted,
)
from claude_tui.engine.options import ConnectionConfig, SessionSpec
from claude_tui.engine.worker import SessionWorker
from tests.engine.helpers import engine_settings, of, wait_phase
from tests.fakes.replay import ReplayTransport, text_turn

SID = str(uuid.uuid4())


def replay_worker(
    script: Any,
    tmp_path: Any,
    *,
    client: type[ClaudeSDKClient] = ClaudeSDKClient,
    pace: float = 0.0,
    **timeouts: float,
) -> tuple[SessionWorker, list[ReplayTransport]]:
    transports: list[ReplayTransport] = []

    def factory(options: Any) -> ClaudeSDKClient:
        transport = ReplayTransport(script, pace=pace)
        transports.append(transport)
        return client(options, transport=transport)

    settings = engine_settings(timeouts=timeouts) if timeouts else engine_settings()
    worker = SessionWorker(
        SessionSpec(SID, str(tmp_path)),
        settings,
        connection=ConnectionConfig(settings.claude),
        client_factory=factory,
        config_dir=tmp_path,
    )
    return worker.start(), transports


async def test_deltas_in_order_then_complete(tmp_path: Any) -> None:
    worker, _ = replay_worker([text_turn(SID, ["one", " two", " three"])], tmp_path)
    with worker.events() as stream:
        result = await asyncio.wait_for(worker.send("go"), 10)
        events = stream.drain()
    await worker.close()
    assert result is not None and result.outcome == "completed"
    assert [e.text for e in of(events, TextDelta)] == ["one", " two", " three"]
    assert not any(e.synthetic for e in of(events, TextDelta))
    [complete] = of(events, AssistantMessageComplete)
    assert complete.blocks[0].text == "one two three"


def _fallback_turn() -> list[dict[str, Any]]:
    """What the CLI prints after its non-streaming fallback: retries, then a finished
    message with no stream events at all."""
    full = text_turn(SID, ["delivered", " whole"])
    init, assistant, result = full[0], next(x for x in full if x["type"] == "assistant"), full[-1]
    retry = {
        "type": "system",
        "subtype": "api_retry",
        "attempt": 1,
        "max_retries": 2,
        "retry_delay_ms": 500,
        "error_status": None,
        "error": "unknown",
        "session_id": SID,
        "uuid": str(uuid.uuid4()),
    }
    return [init, retry, assistant, result]


async def test_text_without_deltas_is_replayed_as_synthetic_deltas(tmp_path: Any) -> None:
    worker, _ = replay_worker([_fallback_turn()], tmp_path)
    with worker.events() as stream:
        result = await asyncio.wait_for(worker.send("go"), 10)
        events = stream.drain()
    await worker.close()
    assert result is not None and result.partial_text == "delivered whole"
    [delta] = of(events, TextDelta)
    assert delta.synthetic and delta.text == "delivered whole"
    [retry] = of(events, ApiRetry)
    assert retry.status is None and retry.delay_s == 0.5 and retry.error == "unknown"


async def test_tool_use_blocks_become_tool_events(tmp_path: Any) -> None:
    lines = text_turn(SID, ["x"])
    assistant = next(x for x in lines if x["type"] == "assistant")
    assistant["message"]["id"] = "msg_tool"
    assistant["message"]["content"] = [{"type": "tool_use", "id": "toolu_1", "name": "Read", "input": {"file_path": "a"}}]
    worker, _ = replay_worker([[lines[0], assistant, lines[-1]]], tmp_path)
    with worker.events() as stream:
        await asyncio.wait_for(worker.send("go"), 10)
        events = stream.drain()
    await worker.close()
    assert [(e.tool_use_id, e.name) for e in of(events, ToolUseStarted)] == [("toolu_1", "Read")]
    assert of(events, ToolUseInput)[0].input == {"file_path": "a"}


async def test_stall_mid_stream_interrupts_and_keeps_partial_text(tmp_path: Any) -> None:
    full = text_turn(SID, ["partial", " text", " never", " finished"])
    cut = full[:5]  # init, message_start, block start, two deltas ... then silence
    worker, transports = replay_worker([cut, text_turn(SID, ["fine"])], tmp_path, stall=0.2)
    with worker.events() as stream:
        stalled = await asyncio.wait_for(worker.send("go"), 10)
        after = await asyncio.wait_for(worker.send("again"), 10)
        events = stream.drain()
    await worker.close()
    assert stalled is not None and stalled.outcome == "stalled" and stalled.partial_text == "partial text"
    [error] = of(events, ErrorOccurred)
    assert error.timeout == "stall" and error.seconds == 0.2
    assert any(m.get("request", {}).get("subtype") == "interrupt" for m in transports[0].written)
    assert after is not None and after.outcome == "completed"
    assert worker.state.phase is Phase.CLOSED


async def test_set_model_reaches_the_cli_and_the_state(tmp_path: Any) -> None:
    worker, transports = replay_worker([text_turn(SID, ["a"])], tmp_path)
    worker.connect()
    await asyncio.wait_for(worker.set_model("claude-other"), 10)
    await worker.close()
    requests = [m["request"] for m in transports[0].written if m.get("type") == "control_request"]
    assert {"subtype": "set_model", "model": "claude-other"} in requests
    assert worker.state.model == "claude-other"


class RefusesModels(ClaudeSDKClient):
    """The CLI answers set_model with an error (a model it does not know, or gone)."""

    async def set_model(self, model: str | None = None) -> None:
        raise RuntimeError(f"no such model: {model}")


async def test_failed_set_model_keeps_the_previous_model_and_fails_the_future(tmp_path: Any) -> None:
    worker, _ = replay_worker([text_turn(SID, ["a"])], tmp_path, client=RefusesModels)
    before = worker.state.model
    with worker.events() as stream:
        worker.connect()
        await wait_phase(stream, worker, Phase.READY)
        with pytest.raises(RuntimeError, match="no such model: claude-missing"):
            await asyncio.wait_for(worker.set_model("claude-missing"), 10)
        events = stream.drain()
    assert worker.state.model == before and worker.connection.model != "claude-missing"
    assert not [e for e in of(events, StateChanged) if e.state.model == "claude-missing"]
    result = await asyncio.wait_for(worker.send("still works"), 10)
    await worker.close()
    assert result is not None and result.outcome == "completed"


async def test_set_model_mid_turn_takes_effect_after_the_turn(tmp_path: Any) -> None:
    worker, transports = replay_worker([text_turn(SID, [f" w{i}" for i in range(20)])], tmp_path, pace=100.0)
    with worker.events() as stream:
        done = worker.send("go")
        await stream.wait_for(lambda e: isinstance(e, TextDelta))
        switched = worker.set_model("claude-later")
        await asyncio.wait_for(switched, 10)
        events = stream.drain()
    await worker.close()
    assert done.done() and done.result() is not None and done.result().outcome == "completed"
    kinds = [type(e).__name__ for e in events if not isinstance(e, StateChanged) or e.state.model == "claude-later"]
    assert kinds.index("TurnCompleted") < kinds.index("StateChanged")
    requests = [m["request"] for m in transports[0].written if m.get("type") == "control_request"]
    assert {"subtype": "set_model", "model": "claude-later"} in requests
    assert worker.state.model == "claude-later"


async def test_reconnect_command_starts_a_new_connection(tmp_path: Any) -> None:
    worker, transports = replay_worker([text_turn(SID, ["a"])], tmp_path)
    with worker.events() as stream:
        worker.connect()
        await stream.wait_for(lambda e: getattr(getattr(e, "state", None), "phase", None) is Phase.READY)
        worker.reconnect()
        await stream.wait_for(lambda e: getattr(getattr(e, "state", None), "phase", None) is Phase.CONNECTING)
        await stream.wait_for(lambda e: getattr(getattr(e, "state", None), "phase", None) is Phase.READY)
    await worker.close()
    assert len(transports) == 2 and not transports[0].is_ready()
