"""A session as plain text (``show``), Markdown or JSON (``export``).

All three read the conversation from ``transcript.conversation`` so they agree
on what a session says. JSON keeps the raw entries too, so nothing is lost.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .store.metadata import SessionRow
from .transcript import Message, conversation


def _header_fields(row: SessionRow) -> list[tuple[str, str]]:
    """The session's metadata, one field each."""
    fields = [
        ("Session", row.session_id),
        ("Title", row.display_title),
        ("Folder", row.cwd or "?"),
    ]
    if row.git_branch:
        fields.append(("Branch", row.git_branch))
    fields += [
        ("Created", row.created_at or "?"),
        ("Updated", row.updated_at or "?"),
        ("Model", row.model or "?"),
        ("Messages", str(row.message_count)),
    ]
    return fields


def _header_lines(row: SessionRow) -> list[str]:
    fields = _header_fields(row)
    width = max(len(label) for label, _ in fields) + 1
    return [f"{label + ':':<{width}} {value}" for label, value in fields]


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^( {0,3})(#{1,6})(?=\s|$)")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_NOT_A_PARAGRAPH = re.compile(r"^\s*(?:[-*+>]|\d+[.)]|#|\||$)")


def shift_headings(text: str, by: int) -> str:
    """``text`` (Markdown) with every heading ``by`` levels deeper (at most 6),
    so a reply's own headings nest under the turn's heading in an export.

    Code fences are left alone; setext headings (a line underlined with ``===``
    or ``---``) become ATX headings of the shifted level.
    """
    out: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            out.append(line)
            continue
        if opened:
            fence = opened.group(1)
            out.append(line)
            continue
        atx = _ATX.match(line)
        if atx:
            level = min(len(atx.group(2)) + by, 6)
            out.append(atx.group(1) + "#" * level + line[atx.end():])
            continue
        underline = _SETEXT.match(line)
        if underline and out and not _NOT_A_PARAGRAPH.match(out[-1]) and not out[-1].startswith("    "):
            level = min((1 if underline.group(1)[0] == "=" else 2) + by, 6)
            out[-1] = "#" * level + " " + out[-1].strip()
            continue
        out.append(line)
    return "\n".join(out)


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
        if message.interrupted:
            lines.append("(interrupted)")
    return "\n".join(lines) + "\n"


def _fence(text: str) -> str:
    """A code fence longer than any backtick run inside ``text``."""
    ticks = 3
    while "`" * ticks in text:
        ticks += 1
    return "`" * ticks


def without(entries: list[dict[str, Any]], *, tools: bool, thinking: bool) -> list[dict[str, Any]]:
    """The entries minus the content blocks left out (tool uses and results, thinking);
    an entry left with no content goes too."""
    if tools and thinking:
        return entries
    dropped = set() if tools else {"tool_use", "tool_result"}
    if not thinking:
        dropped |= {"thinking", "redacted_thinking"}
    kept = []
    for entry in entries:
        message = entry.get("message")
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, list):
            blocks = [b for b in content if not (isinstance(b, dict) and b.get("type") in dropped)]
            if not blocks:
                continue
            if len(blocks) != len(content):
                entry = {**entry, "message": {**message, "content": blocks}}
        kept.append(entry)
    return kept


def to_markdown(row: SessionRow, entries: list[dict[str, Any]], *, tools: bool = True, thinking: bool = True) -> str:
    """The conversation as Markdown; ``tools`` / ``thinking`` False leave those out."""
    entries = without(entries, tools=tools, thinking=thinking)
    out = [f"# {row.display_title}", ""]
    out += [f"- **{label}:** {value}" for label, value in _header_fields(row)]
    for message in conversation(entries):
        out += ["", f"## {_who(message)}", ""]
        if message.timestamp:
            out += [f"*{message.timestamp}*", ""]
        for block in message.blocks:
            if block.kind == "text":
                out += [shift_headings(block.text, 2), ""]
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
        if message.interrupted:
            out += ["*(interrupted)*", ""]
    return "\n".join(out).rstrip() + "\n"


def to_json(row: SessionRow, entries: list[dict[str, Any]], *, tools: bool = True, thinking: bool = True) -> str:
    """The session, its messages and its raw entries (minus what ``tools`` / ``thinking`` leave out)."""
    entries = without(entries, tools=tools, thinking=thinking)
    messages = [
        {
            "role": m.role,
            "timestamp": m.timestamp,
            "model": m.model,
            "is_error": m.is_error,
            "interrupted": m.interrupted,
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
