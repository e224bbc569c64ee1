"""A stored transcript as a conversation: the messages a person reads.

Claude Code's JSONL holds one line per content block plus many internal line
types. This module folds it into ``Message`` objects (user prompts, assistant
replies with their text, thinking and tool use, tool results attached to the
tool use they answer). ``show``, ``export`` and the chat pane all read this,
so there is one interpretation of a transcript.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .store.branches import live_entries
from .store.metadata import iso_utc
from .store.text import Entry, assistant_message_id, is_interruption, is_user_prompt, user_prompt_text


@dataclass
class ToolUse:
    id: str
    name: str
    input: dict[str, Any]
    result: str | None = None
    is_error: bool = False

    @property
    def summary(self) -> str:
        """One line saying what the tool was asked to do."""
        for key in ("command", "file_path", "path", "pattern", "url", "query", "description"):
            value = self.input.get(key)
            if isinstance(value, str) and value:
                return " ".join(value.split())
        return json.dumps(self.input, ensure_ascii=False)[:200]


@dataclass
class Block:
    """One piece of an assistant reply, in order: text, thinking or tool use."""

    kind: str  # "text" | "thinking" | "tool_use"
    text: str = ""
    tool: ToolUse | None = None


@dataclass(frozen=True)
class TurnFigures:
    """A stored turn's figures, from its transcript: tokens of every API call
    of the turn, the reply's model, and the time from prompt to last reply
    line (the transcript holds no cost)."""

    model: str | None
    input_tokens: int | None
    output_tokens: int | None
    duration_s: float | None


@dataclass
class Message:
    role: str  # "user" | "assistant"
    timestamp: str | None
    uuid: str | None
    blocks: list[Block] = field(default_factory=list)
    model: str | None = None
    is_error: bool = False
    entry_ids: list[str] = field(default_factory=list)  # uuids of the lines folded in
    interrupted: bool = False  # the user stopped the turn here (Claude Code's marker line, not a prompt)
    usage: dict[str, Any] | None = None  # an assistant message's API usage, as stored
    last_at: str | None = None  # an assistant message's last line's time
    turn: TurnFigures | None = None  # on a turn's last reply: what the whole turn took

    @property
    def text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks if b.kind == "text" and b.text)


def tool_result_text(content: Any) -> str:
    """A tool result's content as text; non-text parts as ``[image]`` etc."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for item in content:
            if isinstance(item, dict) and item.get("type") == "text":
                parts.append(str(item.get("text", "")))
            elif isinstance(item, dict):
                parts.append(f"[{item.get('type', 'content')}]")
        return "\n".join(parts)
    return "" if content is None else json.dumps(content, ensure_ascii=False)


def conversation(entries: list[Entry]) -> list[Message]:
    """Fold transcript entries into the conversation, in order; branches a later
    prompt replaced (a retried prompt's dead first try) are left out (store/branches.py)."""
    entries = live_entries(entries)
    messages: list[Message] = []
    tools: dict[str, ToolUse] = {}
    current: Message | None = None
    current_id: str | None = None
    for entry in entries:
        kind = entry.get("type")
        if kind == "user":
            _attach_tool_results(entry, tools)
            if is_interruption(entry):
                if messages:
                    messages[-1].interrupted = True
                    messages[-1].entry_ids.append(entry.get("uuid") or "")
                current, current_id = None, None
            elif is_user_prompt(entry):
                messages.append(
                    Message(
                        "user",
                        iso_utc(entry.get("timestamp")),
                        entry.get("uuid"),
                        [Block("text", user_prompt_text(entry))],
                        entry_ids=[entry.get("uuid") or ""],
                    )
                )
                current, current_id = None, None
        elif kind == "assistant":
            mid = assistant_message_id(entry)
            if current is None or mid != current_id:
                message = entry.get("message") or {}
                current = Message(
                    "assistant",
                    iso_utc(entry.get("timestamp")),
                    entry.get("uuid"),
                    model=message.get("model") if isinstance(message, dict) else None,
                    is_error=bool(entry.get("isApiErrorMessage") or entry.get("error")),
                )
                current_id = mid
                messages.append(current)
            current.entry_ids.append(entry.get("uuid") or "")
            usage = (entry.get("message") or {}).get("usage")
            if isinstance(usage, dict):
                current.usage = usage  # every line of one API call carries it; the last is final
            current.last_at = iso_utc(entry.get("timestamp")) or current.last_at
            _add_assistant_blocks(current, entry, tools)
    _mark_turns(messages)
    return messages


def _mark_turns(messages: list[Message]) -> None:
    """Put each turn's figures on its last assistant message (for its footer)."""
    from .timestamps import parse_iso

    prompt: Message | None = None
    replies: list[Message] = []

    def close() -> None:
        if not replies:
            return
        used = [m.usage for m in replies if m.usage]
        last = replies[-1]
        if not used:
            return
        ins = [sum(u.get(k) or 0 for k in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")) for u in used]
        outs = [u.get("output_tokens") or 0 for u in used]
        duration = None
        start = parse_iso(prompt.timestamp) if prompt is not None and prompt.timestamp else None
        end = parse_iso(last.last_at or last.timestamp)
        if start is not None and end is not None and end >= start:
            duration = (end - start).total_seconds()
        model = next((m.model for m in reversed(replies) if m.model and not m.model.startswith("<")), None)
        last.turn = TurnFigures(model, sum(ins), sum(outs), duration)

    for message in messages:
        if message.role == "user":
            close()
            prompt, replies = message, []
        else:
            replies.append(message)
    close()


def _add_assistant_blocks(message: Message, entry: Entry, tools: dict[str, ToolUse]) -> None:
    content = (entry.get("message") or {}).get("content")
    if isinstance(content, str):
        message.blocks.append(Block("text", content))
        return
    if not isinstance(content, list):
        return
    for block in content:
        if not isinstance(block, dict):
            continue
        btype = block.get("type")
        if btype == "text":
            message.blocks.append(Block("text", str(block.get("text", ""))))
        elif btype == "thinking":
            message.blocks.append(Block("thinking", str(block.get("thinking", ""))))
        elif btype == "tool_use":
            tool_input = block.get("input")
            tool = ToolUse(
                str(block.get("id", "")),
                str(block.get("name", "tool")),
                tool_input if isinstance(tool_input, dict) else {},
            )
            tools[tool.id] = tool
            message.blocks.append(Block("tool_use", tool=tool))


def _attach_tool_results(entry: Entry, tools: dict[str, ToolUse]) -> None:
    content = (entry.get("message") or {}).get("content")
    if not isinstance(content, list):
        return
    for block in content:
        if isinstance(block, dict) and block.get("type") == "tool_result":
            tool = tools.get(str(block.get("tool_use_id", "")))
            if tool is not None:
                tool.result = tool_result_text(block.get("content"))
                tool.is_error = bool(block.get("is_error"))
