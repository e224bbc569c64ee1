"""What a transcript entry says, read without interpreting it.

Claude Code writes many line types (attachments, api-request blobs, cost
state, queue operations ...). Only real user prompts and assistant text are
conversation; these helpers pick them out for titles, counts and search.
"""

from __future__ import annotations

from typing import Any

Entry = dict[str, Any]


def _content(entry: Entry) -> Any:
    message = entry.get("message")
    return message.get("content") if isinstance(message, dict) else None


def _text_blocks(content: Any) -> list[str]:
    if isinstance(content, str):
        return [content]
    if isinstance(content, list):
        return [
            b["text"]
            for b in content
            if isinstance(b, dict) and b.get("type") == "text" and isinstance(b.get("text"), str)
        ]
    return []


INTERRUPTION_MARKERS = frozenset({"[Request interrupted by user]", "[Request interrupted by user for tool use]"})
"""What Claude Code writes as a user line when a turn is interrupted: a marker, not a prompt."""


def is_interruption(entry: Entry) -> bool:
    """The line Claude Code writes when the user interrupts a turn."""
    if entry.get("type") != "user":
        return False
    return "".join(_text_blocks(_content(entry))).strip() in INTERRUPTION_MARKERS


def is_user_prompt(entry: Entry) -> bool:
    """A prompt a person typed: not a tool result, meta line, compaction summary
    or interruption marker."""
    if entry.get("type") != "user" or entry.get("isMeta") or entry.get("isCompactSummary"):
        return False
    if is_interruption(entry):
        return False
    content = _content(entry)
    if isinstance(content, list) and any(
        isinstance(b, dict) and b.get("type") == "tool_result" for b in content
    ):
        return False
    return bool("".join(_text_blocks(content)).strip())


def user_prompt_text(entry: Entry) -> str:
    return "\n".join(_text_blocks(_content(entry))) if is_user_prompt(entry) else ""


def assistant_text(entry: Entry) -> str:
    if entry.get("type") != "assistant":
        return ""
    return "\n".join(_text_blocks(_content(entry)))


def searchable_text(entry: Entry) -> str:
    """User and assistant text for the full-text index; tool noise left out."""
    return user_prompt_text(entry) or assistant_text(entry)


def assistant_message_id(entry: Entry) -> str | None:
    """Claude Code writes one line per content block; they share the message id."""
    if entry.get("type") != "assistant":
        return None
    message = entry.get("message")
    mid = message.get("id") if isinstance(message, dict) else None
    return mid if isinstance(mid, str) else entry.get("uuid")


def assistant_model(entry: Entry) -> str | None:
    message = entry.get("message")
    if entry.get("type") != "assistant" or not isinstance(message, dict):
        return None
    model = message.get("model")
    if isinstance(model, str) and model and not model.startswith("<"):
        return model  # "<synthetic>" marks CLI-made error replies
    return None


def one_line(text: str, limit: int = 80) -> str:
    """Collapse white space and cut to ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "\u2026"
