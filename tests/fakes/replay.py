"""A ``Transport`` that replays recorded Claude Code CLI output instead of running it.

Why: to measure the worker's own overhead (SDK message in -> event out)
without the CLI's relay speed (``benchmarks/engine.py``), and to drive a
worker in tests with no process at all. It lives with the test doubles: only
tests and benchmarks use it. ``ClaudeSDKClient(options, transport=ReplayTransport(...))``
runs the real SDK (control protocol, message parsing) on top of it.

The transport answers every control request (initialize, interrupt, set
model) with success. Each user message written to it starts the next scripted
turn: a list of stdout lines (dicts, as the CLI prints them), or a callable
``(turn_number, user_message) -> lines``. ``pace`` (lines per second, 0 =
as fast as the reader takes them) spreads a turn over time; ``on_feed`` is
called with ``time.perf_counter()`` as each line is handed to the SDK.
An interrupt ends the running turn with an ``aborted_streaming`` result.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from claude_agent_sdk import Transport

Line = dict[str, Any]
Script = Sequence[Sequence[Line]] | Callable[[int, Line], Iterable[Line]]

_END = object()


def load_lines(path: str | Path) -> list[Line]:
    """A recorded ``stream-json`` stdout file, one JSON object per line."""
    return [json.loads(x) for x in Path(path).read_text().splitlines() if x.strip()]


def text_turn(
    session_id: str,
    deltas: Sequence[str],
    *,
    message_id: str | None = None,
    model: str = "claude-replay",
    template: Sequence[Line] | None = None,
) -> list[Line]:
    """CLI lines for one plain-text turn: init, status, stream events (one
    ``text_delta`` per item of ``deltas``), the assistant message, the rest of
    the stream, the result. With ``template`` (a recorded turn) its lines are
    reused as the shapes, so the replay matches what the CLI really prints."""
    mid = message_id or f"msg_replay_{uuid.uuid4().hex[:12]}"
    text = "".join(deltas)
    by_kind: dict[str, Line] = {}
    for line in template or ():
        kind = line.get("type")
        if kind == "stream_event":
            kind = f"stream:{line['event']['type']}"
        elif kind == "system":
            kind = f"system:{line.get('subtype')}"
        by_kind.setdefault(kind, line)

    def base(kind: str, fallback: Line) -> Line:
        found = by_kind.get(kind)
        line = json.loads(json.dumps(found)) if found is not None else fallback
        line["session_id"] = session_id
        if "uuid" in line:
            line["uuid"] = str(uuid.uuid4())
        return line

    def stream(event: Line) -> Line:
        line = base(f"stream:{event['type']}", {"type": "stream_event", "parent_tool_use_id": None, "uuid": ""})
        line["event"] = event
        line["uuid"] = str(uuid.uuid4())
        return line

    usage = {"input_tokens": 100, "output_tokens": len(deltas), "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}
    lines: list[Line] = [
        base("system:init", {"type": "system", "subtype": "init", "cwd": "/", "model": model, "uuid": ""}),
        stream({"type": "message_start", "message": {"id": mid, "type": "message", "role": "assistant", "model": model, "content": [], "usage": usage}}),
        stream({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
    ]
    lines.extend(
        stream({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": d}}) for d in deltas
    )
    assistant = base("assistant", {"type": "assistant", "parent_tool_use_id": None, "uuid": ""})
    assistant["message"] = {
        "id": mid,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": text}],
        "usage": usage,
    }
    lines.append(assistant)
    lines.append(stream({"type": "content_block_stop", "index": 0}))
    lines.append(stream({"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": len(deltas)}}))
    lines.append(stream({"type": "message_stop"}))
    result = base(
        "result",
        {"type": "result", "subtype": "success", "is_error": False, "num_turns": 1, "duration_api_ms": 1},
    )
    result.update({"result": text, "duration_ms": 1, "usage": usage, "stop_reason": "end_turn", "terminal_reason": "completed"})
    lines.append(result)
    return lines


class ReplayTransport(Transport):
    """Plays scripted CLI stdout; see the module docstring."""

    def __init__(
        self,
        script: Script,
        *,
        pace: float = 0.0,
        on_feed: Callable[[Line, float], None] | None = None,
    ) -> None:
        self.script = script
        self.pace = pace
        self.on_feed = on_feed
        self.written: list[Line] = []
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._ready = False
        self._turns = 0
        self._feeder: asyncio.Task[None] | None = None
        self._session_id = "replay"
        self._turn_open = False  # a turn started and its result was not fed yet

    # -- Transport ------------------------------------------------------------------

    async def connect(self) -> None:
        self._ready = True

    def is_ready(self) -> bool:
        return self._ready

    async def write(self, data: str) -> None:
        message = json.loads(data)
        self.written.append(message)
        kind = message.get("type")
        if kind == "control_request":
            request = message.get("request") or {}
            self._queue.put_nowait(
                {
                    "type": "control_response",
                    "response": {"subtype": "success", "request_id": message["request_id"], "response": {}},
                }
            )
            if request.get("subtype") == "interrupt" and self._turn_open:
                if self._feeder is not None:
                    self._feeder.cancel()
                self._turn_open = False
                self._queue.put_nowait(self._aborted())
        elif kind == "user":
            lines = self._next_turn(message)
            self._turn_open = True
            self._feeder = asyncio.get_running_loop().create_task(self._feed(lines))

    def read_messages(self) -> AsyncIterator[Line]:
        return self._read()

    async def _read(self) -> AsyncIterator[Line]:
        while True:
            item = await self._queue.get()
            if item is _END:
                return
            if self.on_feed is not None:
                self.on_feed(item, time.perf_counter())
            yield item

    async def end_input(self) -> None:
        pass

    async def close(self) -> None:
        self._ready = False
        if self._feeder is not None:
            self._feeder.cancel()
        self._queue.put_nowait(_END)

    # -- scripting ---------------------------------------------------------------------

    def _next_turn(self, message: Line) -> list[Line]:
        n = self._turns
        self._turns += 1
        if callable(self.script):
            return list(self.script(n, message))
        if n < len(self.script):
            return list(self.script[n])
        return []

    def _put(self, line: Line) -> None:
        self._session_id = line.get("session_id", self._session_id)
        if line.get("type") == "result":
            self._turn_open = False
        self._queue.put_nowait(line)

    async def _feed(self, lines: list[Line]) -> None:
        if not self.pace:
            for line in lines:
                self._put(line)
            return
        loop = asyncio.get_running_loop()
        start = loop.time()
        for i, line in enumerate(lines):
            due = start + i / self.pace
            delay = due - loop.time()
            if delay > 0.0005:
                await asyncio.sleep(delay)  # pacing the replayed CLI, not synchronisation
            self._put(line)

    def _aborted(self) -> Line:
        return {
            "type": "result",
            "subtype": "error_during_execution",
            "is_error": True,
            "num_turns": 1,
            "duration_ms": 1,
            "duration_api_ms": 1,
            "session_id": self._session_id,
            "terminal_reason": "aborted_streaming",
        }
