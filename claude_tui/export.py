"""A session as plain text (``show``), Markdown or JSON (``export``).

All three read the conversation from ``transcript.conversation`` so they agree
on what a session says. JSON keeps the raw entries too, so nothing is lost.
"""

from __future__ import annotations

import json
from typing import Any

from .store.metadata import SessionRow
from .transcript import Message, conversation


def _header_lines(row: SessionRow) -> list[str]:
    return [
        f"Session {row.session_id}",
        f"Title:   {row.display_title}",
        f"Folder:  {row.cwd or '?'}" + (f" ({row.git_branch})" if row.git_branch else ""),
        f"Created: {row.created_at or '?'}   Updated: {row.updated_at or '?'}",
        f"Model:   {row.model or '?'}   Messages: {row.message_count}",
    ]


def _who(message: Message) -> str:
    if message.role == "user":
        return "You"
    return "Claude (error)" if message.is_error else "Claude"


def to_text(row: SessionRow, entries: list[dict[str, Any]]) -> str:
    lines = _header_lines(row)
    for message in conversation(entries):
        lines += ["", f"── {_who(message)} · {message.timestamp or ''}"]
        for block in message.blocks:
            if block.kind == "text":
                lines.append(block.text)
            elif block.kind == "thinking":
                lines.append("(thinking) " + " ".join(block.text.split())[:200])
            elif block.tool is not None:
                lines.append(f"[{block.tool.name}] {block.tool.summary}")
                if block.tool.result is not None:
                    first = block.tool.result.strip().splitlines()[:1]
                    label = "error" if block.tool.is_error else "result"
                    lines.append(f"  -> {label}: {first[0] if first else '(empty)'}")
    return "\n".join(lines) + "\n"


def _fence(text: str) -> str:
    """A code fence longer than any backtick run inside ``text``."""
    ticks = 3
    while "`" * ticks in text:
        ticks += 1
    return "`" * ticks


def to_markdown(row: SessionRow, entries: list[dict[str, Any]]) -> str:
    out = [f"# {row.display_title}", ""]
    out += [f"- {line}" for line in _header_lines(row)]
    for message in conversation(entries):
        out += ["", f"## {_who(message)}", ""]
        if message.timestamp:
            out += [f"*{message.timestamp}*", ""]
        for block in message.blocks:
            if block.kind == "text":
                out += [block.text, ""]
            elif block.kind == "thinking":
                out += ["<details><summary>Thinking</summary>", "", block.text, "", "</details>", ""]
            elif block.tool is not None:
                payload = json.dumps(block.tool.input, indent=2, ensure_ascii=False)
                fence = _fence(payload)
                out += [f"**Tool: {block.tool.name}** {block.tool.summary}", "", f"{fence}json", payload, fence, ""]
                if block.tool.result is not None:
                    fence = _fence(block.tool.result)
                    label = "Error" if block.tool.is_error else "Result"
                    out += [f"{label}:", "", fence, block.tool.result, fence, ""]
    return "\n".join(out).rstrip() + "\n"


def to_json(row: SessionRow, entries: list[dict[str, Any]]) -> str:
    messages = [
        {
            "role": m.role,
            "timestamp": m.timestamp,
            "model": m.model,
            "is_error": m.is_error,
            "text": m.text,
            "tool_uses": [
                {"name": b.tool.name, "input": b.tool.input, "result": b.tool.result, "is_error": b.tool.is_error}
                for b in m.blocks
                if b.tool is not None
            ],
        }
        for m in conversation(entries)
    ]
    return json.dumps({"session": row.to_json(), "messages": messages, "entries": entries}, indent=2, ensure_ascii=False) + "\n"
