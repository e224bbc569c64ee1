"""SDK messages -> engine events: the CLI's stream protocol folded into ``events.py``.

Why a pure module: this is where the CLI's quirks live (one ``AssistantMessage``
per content block, text that arrives with no stream events after the
non-streaming fallback, subagent streams, ``api_retry`` system messages), so
it must be easy to test on recorded CLI output. ``Translator.translate`` takes
one SDK message and the turn's ``TurnTranslation`` and returns a ``Step``:
the events to emit plus the facts the worker acts on (move the turn's clock,
count a message, note the model, end the turn). No I/O, no asyncio, no clock:
the worker applies the step.

Messages are told apart by their class name, so this module never imports the
SDK (``claude_agent_sdk`` costs about a second to import).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..transcript import tool_result_text
from .events import (
    ApiRetry,
    AssistantMessageComplete,
    Block,
    ContextCompacted,
    EngineEvent,
    SessionStarted,
    SlashCommand,
    TextDelta,
    ThinkingDelta,
    ToolInputDelta,
    ToolResult,
    ToolUseInput,
    ToolUseStarted,
)

OPENS_TURN = frozenset({"StreamEvent", "AssistantMessage"})
"""Message kinds that belong to a turn; one arriving with no turn running means
the CLI started a turn on its own (e.g. a background task woke it)."""


@dataclass(slots=True)
class TurnTranslation:
    """What translation remembers over one turn."""

    parts: list[str] = field(default_factory=list)  # assistant text so far
    streamed: set[str] = field(default_factory=set)  # message ids that came with stream events
    message_id: str | None = None  # the API message being streamed
    tools: dict[int, str] = field(default_factory=dict)  # content block index -> tool_use id
    seen_messages: set[str] = field(default_factory=set)  # top-level message ids counted so far

    @property
    def text(self) -> str:
        return "".join(self.parts)


class Step:
    """The outcome of one SDK message, for the worker to apply in this order:
    move the clock, emit ``events``, then the rest.

    A plain class with the facts as class-level defaults: one is made per
    stream event (thousands a second), and only the facts that hold are set.
    """

    stream_event: str | None = None  # a stream event of this type arrived (first-token, stall)
    answered: bool = False  # a finished assistant message arrived (proves the model answered)
    api_retry: bool = False  # the CLI backs off before retrying the API
    new_message: bool = False  # a top-level assistant message, first seen: count it
    init: bool = False  # the CLI's init message for this connection
    model: str | None = None  # the model the init message names
    cli_session_id: str | None = None  # the session id the init message names
    result: Any = None  # the ``ResultMessage`` that ends the turn

    def __init__(self) -> None:
        self.events: list[EngineEvent] = []

    def __repr__(self) -> str:
        return f"Step({vars(self)})"


def opens_turn(message: Any) -> bool:
    return type(message).__name__ in OPENS_TURN


def block_of(block: Any) -> Block | None:
    """One SDK content block as a ``Block`` (None for kinds the UI does not show)."""
    kind = type(block).__name__
    if kind == "TextBlock":
        return Block("text", text=block.text)
    if kind == "ThinkingBlock":
        return Block("thinking", text=block.thinking)
    if kind in ("ToolUseBlock", "ServerToolUseBlock"):
        return Block("tool_use", tool_use_id=block.id, name=block.name, input=dict(block.input or {}))
    return None


def commands_of(info: Any) -> tuple[SlashCommand, ...]:
    """The commands of ``get_server_info()``'s answer (``commands``: name, description,
    argumentHint); anything malformed is left out."""
    found: list[SlashCommand] = []
    raw = info.get("commands") if isinstance(info, dict) else None
    for item in raw if isinstance(raw, list) else ():
        if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"].strip():
            desc, hint = item.get("description"), item.get("argumentHint")
            found.append(
                SlashCommand(
                    item["name"].strip().lstrip("/"),
                    desc if isinstance(desc, str) else "",
                    hint if isinstance(hint, str) else "",
                )
            )
    return tuple(found)


class Translator:
    """Translates one session's SDK messages; holds only the session's identity."""

    __slots__ = ("session_id", "cwd", "commands_seen")

    def __init__(self, session_id: str, cwd: str) -> None:
        self.session_id = session_id
        self.cwd = cwd
        # Local command outputs already shown: ``/compact`` hands the kept
        # ones over again (same uuid, new message id); they are not new.
        self.commands_seen: set[str] = set()

    def translate(self, message: Any, turn: TurnTranslation, *, resumed: bool = False) -> Step:
        """The step for ``message``; updates ``turn`` (the running turn's state).

        ``resumed`` says whether this connection resumed the session (reported
        in ``SessionStarted``).
        """
        kind = type(message).__name__
        if kind == "StreamEvent":
            return self.stream_event(message, turn)
        if kind == "AssistantMessage":
            return self.assistant(message, turn)
        if kind == "UserMessage":
            return self.user(message)
        if kind == "ResultMessage":
            step = Step()
            step.result = message
            return step
        if hasattr(message, "subtype") and hasattr(message, "data"):
            return self.system(message, resumed=resumed)
        return Step()

    def stream_event(self, message: Any, turn: TurnTranslation) -> Step:
        event = message.event
        etype = event.get("type")
        step = Step()
        step.stream_event = etype
        if message.parent_tool_use_id is not None:
            return step  # a subagent's stream: its finished messages are reported instead
        sid = self.session_id
        events = step.events
        if etype == "content_block_delta":
            delta = event.get("delta") or {}
            dtype = delta.get("type")
            index = event.get("index", 0)
            if dtype == "text_delta":
                text = delta.get("text", "")
                turn.parts.append(text)
                events.append(TextDelta(sid, text, turn.message_id, index))
            elif dtype == "thinking_delta":
                events.append(ThinkingDelta(sid, delta.get("thinking", ""), turn.message_id, index))
            elif dtype == "input_json_delta":
                tool_id = turn.tools.get(index)
                if tool_id is not None:
                    events.append(ToolInputDelta(sid, tool_id, delta.get("partial_json", "")))
        elif etype == "content_block_start":
            block = event.get("content_block") or {}
            if block.get("type") in ("tool_use", "server_tool_use"):
                index = event.get("index", 0)
                turn.tools[index] = block.get("id", "")
                events.append(ToolUseStarted(sid, block.get("id", ""), block.get("name", ""), turn.message_id, index))
        elif etype == "message_start":
            mid = (event.get("message") or {}).get("id")
            turn.message_id = mid
            turn.tools = {}
            if mid:
                turn.streamed.add(mid)
        return step

    def assistant(self, message: Any, turn: TurnTranslation) -> Step:
        step = Step()
        step.answered = True
        events = step.events
        sid = self.session_id
        mid = message.message_id
        blocks = tuple(b for b in (block_of(x) for x in message.content) if b is not None)
        top = message.parent_tool_use_id is None
        command = message.model == "<synthetic>" and not message.error
        uuid = getattr(message, "uuid", None)
        if command and uuid:
            if uuid in self.commands_seen:
                return step
            self.commands_seen.add(uuid)
        if top and (mid is None or mid not in turn.streamed):
            # No stream events for this message (the CLI's non-streaming fallback,
            # or a synthetic error message): replay its text as deltas.
            for block in blocks:
                if block.kind == "text" and block.text:
                    turn.parts.append(block.text)
                    events.append(TextDelta(sid, block.text, mid, 0, synthetic=True, command_output=command))
                elif block.kind == "thinking" and block.text:
                    events.append(ThinkingDelta(sid, block.text, mid, 0, synthetic=True))
                elif block.kind == "tool_use" and block.tool_use_id:
                    events.append(ToolUseStarted(sid, block.tool_use_id, block.name or "", mid, 0))
        for block in blocks:
            if block.kind == "tool_use" and block.tool_use_id:
                events.append(ToolUseInput(sid, block.tool_use_id, block.name or "", block.input or {}))
        events.append(
            AssistantMessageComplete(
                sid,
                mid,
                blocks,
                model=message.model,
                error=message.error,
                parent_tool_use_id=message.parent_tool_use_id,
            )
        )
        if top and mid and mid not in turn.seen_messages:
            turn.seen_messages.add(mid)
            step.new_message = True
        return step

    def user(self, message: Any) -> Step:
        step = Step()
        content = message.content
        if isinstance(content, str):
            return step
        for block in content:
            if type(block).__name__ == "ToolResultBlock":
                step.events.append(
                    ToolResult(self.session_id, block.tool_use_id, tool_result_text(block.content), bool(block.is_error))
                )
        return step

    def system(self, message: Any, *, resumed: bool) -> Step:
        step = Step()
        subtype = message.subtype
        data = message.data or {}
        if subtype == "api_retry":
            step.api_retry = True
            delay_ms = data.get("retry_delay_ms") or 0
            step.events.append(
                ApiRetry(
                    self.session_id,
                    attempt=int(data.get("attempt") or 0),
                    max_retries=int(data.get("max_retries") or 0),
                    delay_s=float(delay_ms) / 1000.0,
                    status=data.get("error_status"),
                    error=data.get("error"),
                )
            )
        elif subtype == "compact_boundary":
            meta = data.get("compact_metadata") or {}
            step.events.append(
                ContextCompacted(
                    self.session_id,
                    trigger=meta.get("trigger"),
                    pre_tokens=meta.get("pre_tokens"),
                    post_tokens=meta.get("post_tokens"),
                )
            )
        elif subtype == "init":
            step.init = True
            step.model = data.get("model")
            step.cli_session_id = data.get("session_id")
            step.events.append(
                SessionStarted(
                    self.session_id,
                    cwd=str(data.get("cwd") or self.cwd),
                    model=step.model,
                    claude_code_version=data.get("claude_code_version"),
                    resumed=resumed,
                    slash_commands=tuple(str(n) for n in data.get("slash_commands") or () if isinstance(n, str)),
                )
            )
        return step


__all__ = ["OPENS_TURN", "Step", "Translator", "TurnTranslation", "block_of", "commands_of", "opens_turn"]
