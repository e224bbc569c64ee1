"""A fake Anthropic Messages API that the real Claude Code CLI can talk to offline.

Why it exists: claude-tui drives the real bundled ``claude`` executable through
``claude-agent-sdk``.  Pointing ``ANTHROPIC_BASE_URL`` at this server lets tests
exercise the real CLI (streaming, retries, transcripts, resume) with scripted,
deterministic model replies and injected network faults.

Design:

* Standard library only.  The server runs its own asyncio loop in a daemon
  thread, so it keeps answering while the test's own event loop is busy or
  blocked, and ``stop()`` can abort every connection promptly.
* Binds 127.0.0.1 on an ephemeral port.
* ``POST /v1/messages`` (any query, e.g. ``?beta=true``) answers SSE when the
  body says ``stream: true`` and plain JSON otherwise (the CLI's non-streaming
  fallback).  ``HEAD`` on any path answers 200; unknown paths answer 404.
* Replies come from a FIFO of scripts (:class:`Reply` made of :class:`Text`,
  :class:`Thinking`, :class:`ToolUse` blocks).  When it is empty a
  deterministic echo reply is produced (see :func:`default_reply_text`).
* Faults (:class:`Fault`) come from a FIFO consumed one per messages request,
  or from a sticky fault applied to every request.  A faulted request never
  consumes a reply script, so the retry gets the same reply.
* Every wait inside the fake is bounded by ``max_hold_s`` (30 s by default);
  :meth:`FakeAnthropicAPI.release` ends every current hold at once.

Typical use::

    with FakeAnthropicAPI() as api:
        api.queue_reply(Thinking("hmm"), Text("hello"))
        api.queue_fault(Fault.overloaded())
        ... run the CLI with ANTHROPIC_BASE_URL=api.base_url ...
        assert last_user_text(api.message_requests[-1]) == "hi"
"""

from __future__ import annotations

import asyncio
import gzip
import json
import re
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Union
from urllib.parse import parse_qs, urlsplit

__all__ = [
    "MAX_HOLD_S",
    "Block",
    "Fault",
    "FaultKind",
    "FakeAnthropicAPI",
    "RecordedRequest",
    "Reply",
    "Text",
    "Thinking",
    "ToolUse",
    "conversation",
    "default_reply_text",
    "last_user_text",
    "messages_texts",
    "visible_text",
]

MAX_HOLD_S = 30.0
"""Upper bound for any hold inside the fake, so a forgotten release never hangs a run."""

SYSTEM_REMINDER_PREFIX = "<system-reminder>"


# --------------------------------------------------------------------------
# Reply scripts
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A text content block; streamed word by word as ``text_delta`` events."""

    text: str


@dataclass(frozen=True)
class Thinking:
    """A thinking block; streamed as ``thinking_delta`` events plus one ``signature_delta``."""

    thinking: str
    signature: str = "fake-thinking-signature"


@dataclass(frozen=True)
class ToolUse:
    """A tool_use block; its input is streamed as ``input_json_delta`` chunks.

    ``id`` defaults to a deterministic ``toolu_fake_<request>_<block>``.
    """

    name: str
    input: dict[str, Any] = field(default_factory=dict)
    id: str | None = None


Block = Union[Text, Thinking, ToolUse]


@dataclass(frozen=True)
class Reply:
    """One scripted model reply (one Messages API response).

    ``stop_reason`` defaults to ``"tool_use"`` when a :class:`ToolUse` block is
    present, else ``"end_turn"``.  ``input_tokens`` overrides the usage
    estimate; ``tokens_per_second`` paces the deltas of this reply only.
    """

    blocks: tuple[Block, ...]
    stop_reason: str | None = None
    input_tokens: int | None = None
    tokens_per_second: float | None = None

    @classmethod
    def of(cls, *blocks: Block | str, **kwargs: Any) -> Reply:
        """Build a reply; bare strings become :class:`Text` blocks."""
        return cls(tuple(Text(b) if isinstance(b, str) else b for b in blocks), **kwargs)

    @property
    def effective_stop_reason(self) -> str:
        if self.stop_reason is not None:
            return self.stop_reason
        return "tool_use" if any(isinstance(b, ToolUse) for b in self.blocks) else "end_turn"


# --------------------------------------------------------------------------
# Faults
# --------------------------------------------------------------------------

FaultKind = Literal["http_500", "overloaded_529", "rate_limit_429", "hang", "stall", "drop", "slow"]

_HTTP_FAULTS: dict[str, tuple[int, str, str]] = {
    "http_500": (500, "api_error", "Internal server error (fake)"),
    "overloaded_529": (529, "overloaded_error", "Overloaded (fake)"),
    "rate_limit_429": (429, "rate_limit_error", "Rate limited (fake)"),
}
_STREAM_ONLY_FAULTS = {"stall", "drop", "slow"}


@dataclass(frozen=True)
class Fault:
    """What the fake does wrong for one messages request.

    Kinds:

    * ``http_500`` / ``overloaded_529`` / ``rate_limit_429``: an error status
      with an Anthropic-style JSON error body (429 carries ``retry-after``).
    * ``hang``: read the request, then send nothing (not even headers) until
      :meth:`FakeAnthropicAPI.release`, the client hanging up, or ``hold_s``.
      Afterwards ``then="close"`` drops the connection, ``"continue"`` answers
      normally.
    * ``stall``: stream ``message_start`` and ``after_deltas`` deltas, then hold
      the connection open (same ending rules as ``hang``).
    * ``drop``: stream ``after_deltas`` deltas, then abort the socket.
    * ``slow``: stream normally at ``tokens_per_second`` deltas per second.

    Stream-only kinds (stall, drop, slow) never apply to ``stream: false``
    requests; a queued one waits for the next streaming request.
    """

    kind: FaultKind
    after_deltas: int = 2
    retry_after: float | None = 0
    hold_s: float = MAX_HOLD_S
    then: Literal["close", "continue"] = "close"
    tokens_per_second: float = 20.0

    @classmethod
    def server_error(cls) -> Fault:
        return cls("http_500")

    @classmethod
    def overloaded(cls) -> Fault:
        return cls("overloaded_529")

    @classmethod
    def rate_limited(cls, retry_after: float | None = 0) -> Fault:
        return cls("rate_limit_429", retry_after=retry_after)

    @classmethod
    def hang(cls, *, hold_s: float = MAX_HOLD_S, then: Literal["close", "continue"] = "close") -> Fault:
        return cls("hang", hold_s=hold_s, then=then)

    @classmethod
    def stall(
        cls,
        *,
        after_deltas: int = 2,
        hold_s: float = MAX_HOLD_S,
        then: Literal["close", "continue"] = "close",
    ) -> Fault:
        return cls("stall", after_deltas=after_deltas, hold_s=hold_s, then=then)

    @classmethod
    def drop(cls, *, after_deltas: int = 2) -> Fault:
        return cls("drop", after_deltas=after_deltas)

    @classmethod
    def slow(cls, tokens_per_second: float) -> Fault:
        return cls("slow", tokens_per_second=tokens_per_second)

    @property
    def stream_only(self) -> bool:
        return self.kind in _STREAM_ONLY_FAULTS


# --------------------------------------------------------------------------
# Request log and helpers over request bodies
# --------------------------------------------------------------------------


@dataclass
class RecordedRequest:
    """One request as the fake saw it.  ``outcome`` is updated as it is served:
    ``pending``, ``held``, ``replied``, ``error:<status>``, ``dropped``,
    ``stalled``, ``closed`` (client hung up during a hold), ``other``."""

    index: int
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: dict[str, Any] | None
    raw_body: bytes
    received_at: float
    fault: Fault | None = None
    outcome: str = "pending"

    @property
    def is_messages(self) -> bool:
        return self.method == "POST" and self.path == "/v1/messages"

    @property
    def stream(self) -> bool:
        return bool(self.body and self.body.get("stream"))

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list((self.body or {}).get("messages") or [])

    @property
    def session_id(self) -> str | None:
        return self.headers.get("x-claude-code-session-id")


BodyLike = Union[RecordedRequest, dict[str, Any]]


def _body_of(req: BodyLike) -> dict[str, Any]:
    return (req.body or {}) if isinstance(req, RecordedRequest) else req


def visible_text(content: Any) -> str:
    """The text a human typed/read in one message's content.

    Strings pass through; in block lists, text blocks are joined with newlines,
    skipping ``<system-reminder>`` blocks the CLI injects; tool results become
    ``[tool_result]`` and tool uses ``[tool_use:<name>]`` so tests can see them.
    """
    if isinstance(content, str):
        return content
    parts: list[str] = []
    for block in content or []:
        kind = block.get("type")
        if kind == "text":
            if not block.get("text", "").lstrip().startswith(SYSTEM_REMINDER_PREFIX):
                parts.append(block["text"])
        elif kind == "tool_result":
            parts.append("[tool_result]")
        elif kind == "tool_use":
            parts.append(f"[tool_use:{block.get('name')}]")
    return "\n".join(parts)


def conversation(req: BodyLike) -> list[tuple[str, str]]:
    """``(role, visible text)`` for every user/assistant message, skipping
    ``role: system`` messages and messages that are only system reminders."""
    out: list[tuple[str, str]] = []
    for msg in _body_of(req).get("messages") or []:
        role = msg.get("role")
        if role not in ("user", "assistant"):
            continue
        text = visible_text(msg.get("content"))
        if text:
            out.append((role, text))
    return out


def messages_texts(req: BodyLike) -> list[str]:
    """Visible texts of the conversation in order (see :func:`conversation`)."""
    return [text for _, text in conversation(req)]


def last_user_text(req: BodyLike) -> str:
    """Visible text of the last user message that has any, else ``""``."""
    for role, text in reversed(conversation(req)):
        if role == "user":
            return text
    return ""


def default_reply_text(n: int, body: dict[str, Any]) -> str:
    """The deterministic echo used when no reply is scripted.

    ``n`` counts replies served by this fake (1-based); ``K`` is the number of
    non-system messages in the request, so resumed turns are visible in it.
    """
    k = sum(1 for m in body.get("messages") or [] if m.get("role") != "system")
    return f"FAKE-REPLY #{n}: saw {k} messages; last user said: {last_user_text(body)!r}"


# --------------------------------------------------------------------------
# Building Messages API payloads
# --------------------------------------------------------------------------

_WORD_RE = re.compile(r"\s*\S+|\s+")


def _words(text: str) -> list[str]:
    """Split into delta-sized pieces whose concatenation is exactly ``text``."""
    return _WORD_RE.findall(text)


def _json_chunks(obj: Any, size: int = 16) -> list[str]:
    raw = json.dumps(obj)
    return [raw[i : i + size] for i in range(0, len(raw), size)] or [""]


def _tool_id(block: ToolUse, request_index: int, block_index: int) -> str:
    return block.id or f"toolu_fake_{request_index:04d}_{block_index}"


def _final_block(block: Block, request_index: int, index: int) -> dict[str, Any]:
    if isinstance(block, Text):
        return {"type": "text", "text": block.text}
    if isinstance(block, Thinking):
        return {"type": "thinking", "thinking": block.thinking, "signature": block.signature}
    return {
        "type": "tool_use",
        "id": _tool_id(block, request_index, index),
        "name": block.name,
        "input": block.input,
    }


def _block_events(block: Block, request_index: int, index: int) -> Iterator[dict[str, Any]]:
    """content_block_start, the deltas, content_block_stop for one block."""
    if isinstance(block, Text):
        start: dict[str, Any] = {"type": "text", "text": ""}
        deltas = [{"type": "text_delta", "text": w} for w in _words(block.text)]
    elif isinstance(block, Thinking):
        start = {"type": "thinking", "thinking": "", "signature": ""}
        deltas = [{"type": "thinking_delta", "thinking": w} for w in _words(block.thinking)]
        deltas.append({"type": "signature_delta", "signature": block.signature})
    else:
        start = {"type": "tool_use", "id": _tool_id(block, request_index, index), "name": block.name, "input": {}}
        deltas = [{"type": "input_json_delta", "partial_json": c} for c in _json_chunks(block.input)]
    yield {"type": "content_block_start", "index": index, "content_block": start}
    for delta in deltas:
        yield {"type": "content_block_delta", "index": index, "delta": delta}
    yield {"type": "content_block_stop", "index": index}


def _output_tokens(reply: Reply) -> int:
    """Deterministic output token count: one per streamed piece."""
    total = 0
    for block in reply.blocks:
        if isinstance(block, Text):
            total += len(_words(block.text))
        elif isinstance(block, Thinking):
            total += len(_words(block.thinking))
        else:
            total += len(_json_chunks(block.input))
    return max(total, 1)


def _start_usage(input_tokens: int) -> dict[str, int]:
    return {
        "input_tokens": input_tokens,
        "output_tokens": 1,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
    }


def stream_events(reply: Reply, *, msg_id: str, model: str, input_tokens: int, request_index: int) -> list[dict[str, Any]]:
    """The full SSE event sequence for one reply, ping included."""
    events: list[dict[str, Any]] = [
        {
            "type": "message_start",
            "message": {
                "id": msg_id,
                "type": "message",
                "role": "assistant",
                "model": model,
                "content": [],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": _start_usage(input_tokens),
            },
        },
        {"type": "ping"},
    ]
    for index, block in enumerate(reply.blocks):
        events.extend(_block_events(block, request_index, index))
    events.append(
        {
            "type": "message_delta",
            "delta": {"stop_reason": reply.effective_stop_reason, "stop_sequence": None},
            "usage": {"output_tokens": _output_tokens(reply)},
        }
    )
    events.append({"type": "message_stop"})
    return events


def message_json(reply: Reply, *, msg_id: str, model: str, input_tokens: int, request_index: int) -> dict[str, Any]:
    """The non-streaming response body for one reply."""
    usage = _start_usage(input_tokens)
    usage["output_tokens"] = _output_tokens(reply)
    return {
        "id": msg_id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [_final_block(b, request_index, i) for i, b in enumerate(reply.blocks)],
        "stop_reason": reply.effective_stop_reason,
        "stop_sequence": None,
        "usage": usage,
    }


def _fault_point(event: dict[str, Any], deltas_sent: int, fault: Fault) -> bool:
    """Whether a stall/drop fires before ``event``: after ``after_deltas`` deltas,
    or at the latest before ``message_delta`` when the reply has fewer deltas."""
    if event["type"] == "message_delta":
        return True
    return event["type"] == "content_block_delta" and deltas_sent >= fault.after_deltas


def _sse(event: dict[str, Any]) -> bytes:
    return f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode()


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


# --------------------------------------------------------------------------
# HTTP plumbing
# --------------------------------------------------------------------------


@dataclass
class _HttpRequest:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes


class _ClientGone(Exception):
    """The client closed the connection while the fake was holding it."""


async def _read_request(reader: asyncio.StreamReader) -> _HttpRequest | None:
    """Parse one HTTP/1.1 request; ``None`` at a clean end of the connection."""
    line = await reader.readline()
    if not line.strip():
        return None
    method, target, _version = line.decode("latin-1").split(" ", 2)
    headers: dict[str, str] = {}
    while True:
        raw = await reader.readline()
        if raw in (b"\r\n", b"\n", b""):
            break
        name, _, value = raw.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    body = await _read_body(reader, headers)
    return _HttpRequest(method.upper(), target, headers, body)


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
    if headers.get("transfer-encoding", "").lower() == "chunked":
        parts: list[bytes] = []
        while True:
            size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
            if size == 0:
                await reader.readline()
                break
            parts.append(await reader.readexactly(size))
            await reader.readline()
        body = b"".join(parts)
    else:
        body = await reader.readexactly(int(headers.get("content-length", "0") or 0))
    encoding = headers.get("content-encoding", "").lower()
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    return body


def _head(status: int, reason: str, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 429: "Too Many Requests", 500: "Internal Server Error", 529: "Overloaded"}


# --------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------


class FakeAnthropicAPI:
    """Fake Messages API server on 127.0.0.1 (see module docstring).

    Thread-safe: scripting, the request log and ``release()`` may be used from
    any thread or event loop while the server runs in its own thread.
    """

    def __init__(
        self,
        *,
        tokens_per_second: float | None = None,
        input_tokens: int | None = None,
        max_hold_s: float = MAX_HOLD_S,
    ) -> None:
        """``tokens_per_second`` paces every stream (``None``: as fast as possible);
        ``input_tokens`` fixes the reported prompt size (``None``: body bytes / 4)."""
        self.tokens_per_second = tokens_per_second
        self.input_tokens = input_tokens
        self.max_hold_s = max_hold_s
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._replies: deque[Reply] = deque()
        self._faults: deque[Fault] = deque()
        self._sticky: Fault | None = None
        self._log: list[RecordedRequest] = []
        self._served = 0
        self._held = 0
        self._async_waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.base_events.Server | None = None
        self._port: int | None = None
        self._holds: set[asyncio.Event] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    # -- lifecycle -----------------------------------------------------------

    def start(self) -> FakeAnthropicAPI:
        """Start the server thread and wait until the port is bound."""
        if self._thread is not None:
            return self
        ready = threading.Event()
        errors: list[BaseException] = []
        self._thread = threading.Thread(target=self._run, args=(ready, errors), name="fake-anthropic-api", daemon=True)
        self._thread.start()
        if not ready.wait(10) or errors:
            raise RuntimeError(f"fake Anthropic API failed to start: {errors}")
        return self

    def stop(self) -> None:
        """Abort every connection and hold, close the server and join its thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout=5)
        except Exception:  # noqa: BLE001 - best effort: the loop is stopped below anyway
            pass
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        self._thread = None
        self._loop = None
        with self._lock:
            self._notify()

    def __enter__(self) -> FakeAnthropicAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("fake Anthropic API is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """Value for ``ANTHROPIC_BASE_URL``."""
        return f"http://127.0.0.1:{self.port}"

    # -- scripting -----------------------------------------------------------

    def queue_reply(self, *blocks: Block | str | Reply, **reply_kwargs: Any) -> Reply:
        """Queue one reply: ``queue_reply(Thinking("..."), Text("..."))``,
        ``queue_reply("plain text")`` or ``queue_reply(Reply(...))``."""
        if len(blocks) == 1 and isinstance(blocks[0], Reply):
            reply = blocks[0]
        else:
            reply = Reply.of(*blocks, **reply_kwargs)  # type: ignore[arg-type]
        with self._lock:
            self._replies.append(reply)
        return reply

    def clear_replies(self) -> None:
        """Drop scripted replies not yet served (later requests get the echo)."""
        with self._lock:
            self._replies.clear()

    def queue_fault(self, fault: Fault, times: int = 1) -> None:
        """Apply ``fault`` to the next ``times`` messages requests it fits."""
        with self._lock:
            self._faults.extend([fault] * times)

    def set_sticky_fault(self, fault: Fault | None) -> None:
        """Apply ``fault`` to every messages request (after the queue) until cleared."""
        with self._lock:
            self._sticky = fault

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()
            self._sticky = None

    def release(self) -> None:
        """End every current hang/stall hold now (each then closes or continues)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._release_all)

    # -- inspection ----------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request so far (a copy), including HEAD probes."""
        with self._lock:
            return list(self._log)

    @property
    def message_requests(self) -> list[RecordedRequest]:
        """Only ``POST /v1/messages`` requests, in arrival order."""
        with self._lock:
            return [r for r in self._log if r.is_messages]

    @property
    def held_count(self) -> int:
        """How many requests are currently held by a hang or stall."""
        with self._lock:
            return self._held

    @property
    def replies_served(self) -> int:
        with self._lock:
            return self._served

    @property
    def pending_replies(self) -> int:
        with self._lock:
            return len(self._replies)

    def wait_until_sync(self, predicate: Callable[[FakeAnthropicAPI], bool], timeout: float = 10.0) -> bool:
        """Block this thread until ``predicate(self)`` holds; False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: predicate(self), timeout)

    async def wait_until(self, predicate: Callable[[FakeAnthropicAPI], bool], timeout: float = 10.0) -> None:
        """Await until ``predicate(self)`` holds without blocking the caller's loop.

        Raises ``TimeoutError``.  Woken by the server thread on every change.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            with self._lock:
                if predicate(self):
                    return
                event = asyncio.Event()
                self._async_waiters.append((loop, event))
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError("fake Anthropic API: condition not met in time")
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except asyncio.TimeoutError:
                with self._lock:
                    if predicate(self):
                        return
                raise TimeoutError("fake Anthropic API: condition not met in time") from None

    async def wait_for_requests(self, n: int, timeout: float = 10.0) -> list[RecordedRequest]:
        """Await until at least ``n`` messages requests arrived; returns them."""
        await self.wait_until(lambda api: len(api.message_requests) >= n, timeout)
        return self.message_requests

    async def wait_for_held(self, n: int = 1, timeout: float = 10.0) -> None:
        """Await until at least ``n`` requests are held by a hang/stall."""
        await self.wait_until(lambda api: api.held_count >= n, timeout)

    def reset(self) -> None:
        """Forget scripts, faults and the log (the server keeps running)."""
        with self._lock:
            self.clear_replies()
            self.clear_faults()
            self._log.clear()
            self._served = 0
            self._notify()

    # -- internals: state ----------------------------------------------------

    def _notify(self) -> None:
        """Wake sync and async waiters; caller holds the lock."""
        self._changed.notify_all()
        waiters, self._async_waiters = self._async_waiters, []
        for loop, event in waiters:
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:  # that loop is closed; nobody waits any more
                pass

    def _update(self, rec: RecordedRequest, **changes: Any) -> None:
        with self._lock:
            for key, value in changes.items():
                setattr(rec, key, value)
            self._notify()

    def _record(self, req: _HttpRequest) -> RecordedRequest:
        parts = urlsplit(req.target)
        try:
            body = json.loads(req.body) if req.body else None
        except ValueError:
            body = None
        with self._lock:
            rec = RecordedRequest(
                index=len(self._log),
                method=req.method,
                path=parts.path,
                query=parse_qs(parts.query),
                headers=dict(req.headers),
                body=body if isinstance(body, dict) else None,
                raw_body=req.body,
                received_at=time.time(),
            )
            self._log.append(rec)
            self._notify()
        return rec

    def _take_fault(self, stream: bool) -> Fault | None:
        with self._lock:
            for i, fault in enumerate(self._faults):
                if stream or not fault.stream_only:
                    del self._faults[i]
                    return fault
            if self._sticky and (stream or not self._sticky.stream_only):
                return self._sticky
            return None

    def _peek_reply(self, body: dict[str, Any]) -> tuple[Reply, int]:
        """The reply this request would get, and its 1-based serial number."""
        with self._lock:
            n = self._served + 1
            if self._replies:
                return self._replies[0], n
            return Reply.of(default_reply_text(n, body)), n

    def _commit_reply(self, reply: Reply) -> None:
        """Mark ``reply`` as delivered: pop it if it was scripted."""
        with self._lock:
            if self._replies and self._replies[0] is reply:
                self._replies.popleft()
            self._served += 1
            self._notify()

    def _hold_delta(self, delta: int) -> None:
        with self._lock:
            self._held += delta
            self._notify()

    # -- internals: event loop -----------------------------------------------

    def _run(self, ready: threading.Event, errors: list[BaseException]) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            self._server = loop.run_until_complete(asyncio.start_server(self._on_connection, "127.0.0.1", 0))
            self._port = self._server.sockets[0].getsockname()[1]
        except BaseException as exc:  # noqa: BLE001 - reported to start()
            errors.append(exc)
            ready.set()
            loop.close()
            return
        ready.set()
        try:
            loop.run_forever()
        finally:
            loop.close()

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        self._release_all()
        for writer in list(self._writers):
            writer.transport.abort()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=2)

    def _release_all(self) -> None:
        for event in list(self._holds):
            event.set()

    async def _on_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        self._writers.add(writer)
        try:
            while await self._serve_one(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError, _ClientGone, ValueError):
            pass
        finally:
            self._writers.discard(writer)
            self._tasks.discard(task)  # type: ignore[arg-type]
            writer.transport.abort()

    async def _serve_one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Serve one request; True to keep the connection for another."""
        req = await _read_request(reader)
        if req is None:
            return False
        rec = self._record(req)
        path = rec.path
        if req.method == "HEAD":
            await self._send_plain(writer, 200, b"", "text/plain", head_only=True)
            self._update(rec, outcome="other")
            return True
        if req.method == "POST" and path == "/v1/messages":
            return await self._serve_messages(rec, reader, writer)
        if req.method == "POST" and path == "/v1/messages/count_tokens":
            body = json.dumps({"input_tokens": self._input_tokens(rec, None)}).encode()
            await self._send_plain(writer, 200, body)
            self._update(rec, outcome="other")
            return True
        if path in ("/", "/api/hello"):
            await self._send_plain(writer, 200, b"{}")
        else:
            await self._send_error(writer, 404, "not_found_error", f"no such path in fake: {path}")
        self._update(rec, outcome="other")
        return True

    async def _send_plain(
        self,
        writer: asyncio.StreamWriter,
        status: int,
        body: bytes,
        content_type: str = "application/json",
        extra: dict[str, str] | None = None,
        head_only: bool = False,
    ) -> None:
        headers = {
            "content-type": content_type,
            "content-length": str(len(body)),
            "request-id": f"req_fake_{time.monotonic_ns()}",
            "connection": "keep-alive",
            **(extra or {}),
        }
        writer.write(_head(status, _REASONS.get(status, "Status"), headers) + (b"" if head_only else body))
        await writer.drain()

    async def _send_error(
        self, writer: asyncio.StreamWriter, status: int, kind: str, message: str, extra: dict[str, str] | None = None
    ) -> None:
        body = json.dumps({"type": "error", "error": {"type": kind, "message": message}}).encode()
        await self._send_plain(writer, status, body, extra=extra)

    def _input_tokens(self, rec: RecordedRequest, reply: Reply | None) -> int:
        if reply is not None and reply.input_tokens is not None:
            return reply.input_tokens
        if self.input_tokens is not None:
            return self.input_tokens
        return max(1, len(rec.raw_body) // 4)

    async def _hold(self, rec: RecordedRequest, reader: asyncio.StreamReader, fault: Fault) -> None:
        """Hold until released, timed out, or the client hangs up (raises _ClientGone)."""
        released = asyncio.Event()
        self._holds.add(released)
        self._hold_delta(+1)
        self._update(rec, outcome="held")
        waits = [asyncio.ensure_future(released.wait()), asyncio.ensure_future(reader.read(1))]
        try:
            done, _ = await asyncio.wait(waits, timeout=min(fault.hold_s, self.max_hold_s), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waits:
                w.cancel()
            # A cancelled read must be fully unwound before the next readline().
            await asyncio.gather(*waits, return_exceptions=True)
            self._holds.discard(released)
            self._hold_delta(-1)
        if waits[1] in done:
            self._update(rec, outcome="closed")
            raise _ClientGone

    async def _serve_messages(self, rec: RecordedRequest, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        if rec.body is None:
            await self._send_error(writer, 400, "invalid_request_error", "fake: body is not a JSON object")
            self._update(rec, outcome="error:400")
            return True
        fault = self._take_fault(rec.stream)
        self._update(rec, fault=fault)
        if fault is not None and fault.kind in _HTTP_FAULTS:
            return await self._serve_http_fault(rec, writer, fault)
        if fault is not None and fault.kind == "hang":
            await self._hold(rec, reader, fault)
            if fault.then == "close":
                self._update(rec, outcome="dropped")
                return False
        reply, n = self._peek_reply(rec.body)
        model = str(rec.body.get("model") or "claude-fake-model")
        msg_id = f"msg_fake_{rec.index:04d}"
        tokens = self._input_tokens(rec, reply)
        if not rec.stream:
            body = json.dumps(message_json(reply, msg_id=msg_id, model=model, input_tokens=tokens, request_index=rec.index)).encode()
            await self._send_plain(writer, 200, body)
            self._commit_reply(reply)
            self._update(rec, outcome="replied")
            return True
        events = stream_events(reply, msg_id=msg_id, model=model, input_tokens=tokens, request_index=rec.index)
        return await self._stream(rec, reader, writer, reply, events, fault)

    async def _serve_http_fault(self, rec: RecordedRequest, writer: asyncio.StreamWriter, fault: Fault) -> bool:
        status, kind, message = _HTTP_FAULTS[fault.kind]
        extra: dict[str, str] = {}
        if fault.kind == "rate_limit_429" and fault.retry_after is not None:
            extra["retry-after"] = f"{fault.retry_after:g}"
        await self._send_error(writer, status, kind, message, extra)
        self._update(rec, outcome=f"error:{status}")
        return True

    def _delta_delay(self, reply: Reply, fault: Fault | None) -> float:
        tps = self.tokens_per_second
        if reply.tokens_per_second is not None:
            tps = reply.tokens_per_second
        if fault is not None and fault.kind == "slow":
            tps = fault.tokens_per_second
        return min(1.0 / tps, self.max_hold_s) if tps else 0.0

    async def _stream(
        self,
        rec: RecordedRequest,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        reply: Reply,
        events: list[dict[str, Any]],
        fault: Fault | None,
    ) -> bool:
        """Write the SSE response, applying stall/drop/slow faults at delta boundaries."""
        headers = {
            "content-type": "text/event-stream; charset=utf-8",
            "cache-control": "no-cache",
            "transfer-encoding": "chunked",
            "request-id": f"req_fake_{rec.index:04d}",
            "connection": "keep-alive",
        }
        writer.write(_head(200, "OK", headers))
        delay = self._delta_delay(reply, fault)
        deltas_sent = 0
        pending_fault = fault if fault is not None and fault.kind in ("drop", "stall") else None
        for event in events:
            is_delta = event["type"] == "content_block_delta"
            if pending_fault is not None and _fault_point(event, deltas_sent, pending_fault):
                fault, pending_fault = pending_fault, None
                if fault.kind == "drop":
                    await writer.drain()
                    self._update(rec, outcome="dropped")
                    return False
                if fault.kind == "stall":
                    await writer.drain()
                    await self._hold(rec, reader, fault)
                    if fault.then == "close":
                        self._update(rec, outcome="stalled")
                        return False
                    self._update(rec, outcome="pending")
            if is_delta and delay:
                await writer.drain()
                await asyncio.sleep(delay)  # pacing of the fake's own output, not test sync
            writer.write(_chunk(_sse(event)))
            deltas_sent += is_delta
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        self._commit_reply(reply)
        self._update(rec, outcome="replied")
        return True
