"""The session engine: Claude sessions on ``ClaudeSDKClient``, no Textual.

The TUI sends commands to a ``SessionManager`` (or one ``SessionWorker``) and
subscribes to typed events (``events.py``). ``claude_agent_sdk`` is imported
only when a worker starts (off the event loop, see ``processes.ensure_sdk``);
importing this package costs nothing.

Typical wiring::

    manager = SessionManager(settings, store, permission_callback=broker.callback)
    manager.subscribe(lambda event: app.post_message(EngineMessage(event)))
    worker = manager.new_session(cwd)                 # id known now, pre-connects
    worker = await manager.open_session(session_id)   # resumes from the recorded cwd
    done = await manager.send(worker.session_id, "hi")  # files=None: the store's attached files
    worker.interrupt(); worker.reconnect(); await worker.set_model("...")
    await manager.shutdown(timeout=5)                 # on quit / SIGINT / SIGTERM / SIGHUP

``send`` returns a future of the turn's ``TurnCompleted`` (``None`` when the
prompt was never sent); the events say everything else, in order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .events import (
    ApiRetry,
    ContextCompacted,
    AssistantMessageComplete,
    Block,
    EngineEvent,
    ErrorOccurred,
    PromptSent,
    SessionSaved,
    SessionStarted,
    StateChanged,
    TextDelta,
    ThinkingDelta,
    ToolInputDelta,
    ToolResult,
    ToolUseInput,
    ToolUseStarted,
    TurnCompleted,
)
from .state import Phase, SessionState

_LAZY = {
    "SessionWorker": ".worker",
    "new_session_id": ".worker",
    "SessionManager": ".manager",
    "LiveBudget": ".budget",
    "SessionSpec": ".options",
    "ConnectionConfig": ".options",
    "TimeoutPolicy": ".timeouts",
    "EventBus": ".bus",
    "EventStream": ".bus",
    "ContextFileError": ".context",
    "prepare_prompt": ".context",
    "kill_all_children": ".processes",
}

if TYPE_CHECKING:
    from .budget import LiveBudget
    from .bus import EventBus, EventStream
    from .context import ContextFileError, prepare_prompt
    from .manager import SessionManager
    from .options import ConnectionConfig, SessionSpec
    from .processes import kill_all_children
    from .timeouts import TimeoutPolicy
    from .worker import SessionWorker, new_session_id


__all__ = [
    "ApiRetry",
    "ContextCompacted",
    "AssistantMessageComplete",
    "Block",
    "EngineEvent",
    "ErrorOccurred",
    "Phase",
    "PromptSent",
    "SessionSaved",
    "SessionStarted",
    "SessionState",
    "StateChanged",
    "TextDelta",
    "ThinkingDelta",
    "ToolInputDelta",
    "ToolResult",
    "ToolUseInput",
    "ToolUseStarted",
    "TurnCompleted",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(name)
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
