"""Tool permission requests: the CLI asks, the user answers from the keyboard.

The CLI calls ``can_use_tool`` only for tool uses its own rules do not already
allow (a Read inside the cwd is not asked), so nothing here re-implements
those rules. ``PermissionBroker`` is the engine's ``permission_callback``: it
turns each call into a ``PermissionRequest`` for whoever listens (the TUI),
waits for a ``PermissionAnswer`` and converts it to the SDK's result. While it
waits, the worker keeps the turn's timers paused: the turn is waiting for the
user, not stalled.
"""

from __future__ import annotations

import asyncio
import difflib
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field, is_dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Any

MAX_PREVIEW_BYTES = 512 * 1024
DEFAULT_DENIAL = "The user denied this tool use."


class Decision(Enum):
    ALLOW_ONCE = "allow_once"
    ALLOW_SESSION = "allow_session"  # apply the CLI's suggested rules for this session
    DENY = "deny"


@dataclass(frozen=True)
class PermissionAnswer:
    decision: Decision
    message: str = ""  # with DENY: what Claude is told

    @property
    def allowed(self) -> bool:
        return self.decision is not Decision.DENY


@dataclass(frozen=True)
class PermissionRequest:
    """One tool use waiting for the user's answer."""

    request_id: int
    session_id: str
    tool_name: str
    tool_input: dict[str, Any]
    cwd: str | None = None
    tool_use_id: str | None = None
    blocked_path: str | None = None
    decision_reason: str | None = None
    existing_text: str | None = None  # the file Write would replace, for the diff
    suggestions: tuple[Any, ...] = field(default=(), compare=False)  # SDK PermissionUpdate


def summary(request: PermissionRequest) -> str:
    """One line: what the tool wants to do."""
    data = request.tool_input
    for key in ("command", "file_path", "path", "notebook_path", "url", "pattern", "query"):
        value = data.get(key)
        if isinstance(value, str) and value:
            return " ".join(value.split())
    return request.tool_name


def diff_text(request: PermissionRequest) -> str | None:
    """A unified diff for Edit / MultiEdit / Write, else None."""
    data = request.tool_input
    path = str(data.get("file_path", "file")).lstrip("/")
    if request.tool_name == "Write":
        old = request.existing_text or ""
        new = str(data.get("content", ""))
    elif request.tool_name == "Edit":
        old, new = str(data.get("old_string", "")), str(data.get("new_string", ""))
    elif request.tool_name == "MultiEdit":
        edits = data.get("edits") if isinstance(data.get("edits"), list) else []
        old = "\n".join(str(e.get("old_string", "")) for e in edits if isinstance(e, dict))
        new = "\n".join(str(e.get("new_string", "")) for e in edits if isinstance(e, dict))
    else:
        return None
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), f"a/{path}", f"b/{path}", lineterm="", n=3
    )
    return "\n".join(lines) or "(no change)"


def _read_existing(path: str) -> str | None:
    """The text a Write would replace (for its diff); None when absent or binary."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_PREVIEW_BYTES + 1)
    except OSError:
        return None
    if b"\x00" in data:
        return None
    text = data[:MAX_PREVIEW_BYTES].decode("utf-8", errors="replace")
    return text + ("\n… (cut)" if len(data) > MAX_PREVIEW_BYTES else "")


def to_sdk_result(request: PermissionRequest, answer: PermissionAnswer) -> Any:
    """The SDK's ``PermissionResultAllow`` / ``PermissionResultDeny`` for an answer."""
    from claude_agent_sdk import PermissionResultAllow, PermissionResultDeny
    from claude_agent_sdk.types import PermissionRuleValue, PermissionUpdate

    if answer.decision is Decision.DENY:
        return PermissionResultDeny(message=answer.message.strip() or DEFAULT_DENIAL)
    if answer.decision is Decision.ALLOW_ONCE:
        return PermissionResultAllow()
    updates = [
        replace(s, destination="session") for s in request.suggestions if is_dataclass(s)
    ]
    if not updates:
        # No suggestion from the CLI: allow this tool for the rest of the session.
        updates = [
            PermissionUpdate(
                type="addRules",
                rules=[PermissionRuleValue(tool_name=request.tool_name)],
                behavior="allow",
                destination="session",
            )
        ]
    return PermissionResultAllow(updated_permissions=updates)


Listener = Callable[[PermissionRequest], None]


class PermissionBroker:
    """Pending permission requests of every session, answered by the UI.

    Use ``broker.callback`` as the engine's ``permission_callback``. Listeners
    are called (in the event loop) for each new request; ``answer`` resolves
    it. Requests of a session that closes are denied by ``cancel_session``.
    """

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self._pending: dict[int, tuple[PermissionRequest, asyncio.Future[PermissionAnswer]]] = {}
        self._listeners: list[Listener] = []
        self.cwd_of: Callable[[str], str | None] = lambda session_id: None

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def pending(self, session_id: str | None = None) -> list[PermissionRequest]:
        return [
            request
            for request, _ in self._pending.values()
            if session_id is None or request.session_id == session_id
        ]

    def answer(self, request_id: int, answer: PermissionAnswer) -> bool:
        item = self._pending.get(request_id)
        if item is None or item[1].done():
            return False
        item[1].set_result(answer)
        return True

    def cancel_session(self, session_id: str, message: str = "The session was closed.") -> None:
        for request in self.pending(session_id):
            self.answer(request.request_id, PermissionAnswer(Decision.DENY, message))

    async def callback(
        self, session_id: str, tool_name: str, tool_input: dict[str, Any], context: Any
    ) -> Any:
        existing = None
        if tool_name == "Write" and isinstance(tool_input.get("file_path"), str):
            existing = await asyncio.to_thread(_read_existing, tool_input["file_path"])
        request = PermissionRequest(
            request_id=next(self._ids),
            session_id=session_id,
            tool_name=tool_name,
            tool_input=dict(tool_input),
            cwd=self.cwd_of(session_id),
            tool_use_id=getattr(context, "tool_use_id", None),
            blocked_path=getattr(context, "blocked_path", None),
            decision_reason=getattr(context, "decision_reason", None),
            existing_text=existing,
            suggestions=tuple(getattr(context, "suggestions", None) or ()),
        )
        future: asyncio.Future[PermissionAnswer] = asyncio.get_running_loop().create_future()
        self._pending[request.request_id] = (request, future)
        try:
            for listener in list(self._listeners):
                listener(request)
            answer = await future
        finally:
            self._pending.pop(request.request_id, None)
        return to_sdk_result(request, answer)


def relative_to_cwd(path: str, cwd: str | None) -> str:
    """``path`` shown relative to the session's folder when it is inside it."""
    if not cwd:
        return path
    try:
        return str(Path(path).relative_to(cwd))
    except ValueError:
        return path
