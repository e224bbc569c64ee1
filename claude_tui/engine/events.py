"""Typed events a session worker publishes; the TUI turns them into Textual messages.

Why dataclasses of our own instead of the SDK's message types: the UI should
not have to understand the CLI's stream protocol (stream events, content block
indices, one ``AssistantMessage`` per block, ``api_retry`` system messages).
The worker folds all of that into these few shapes. They are frozen and
slotted: cheap to make at thousands per second and safe to hand to another
thread.

Every event names its session, so one subscriber can watch many sessions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .state import SessionState

TurnOutcome = Literal[
    "completed",  # the model finished (stop reason end_turn, tool_use loop done, ...)
    "error",  # the CLI gave up on the API (is_error result): the session stays usable
    "interrupted",  # the user interrupted
    "stalled",  # the stall timeout fired and the worker interrupted
    "timed_out",  # the first-token or whole-turn timeout fired
    "crashed",  # the CLI process died mid-turn; the turn is not resent
    "cancelled",  # the session was closed or the app quit mid-turn
]

ErrorKind = Literal[
    "timeout",  # see ``ErrorOccurred.timeout`` / ``seconds``
    "process",  # the CLI process died or could not be started; the worker reconnects
    "connect",  # connecting failed (retryable) or gave up
    "api",  # the Messages API failed after the CLI's own retries
    "auth",  # authentication failed: not retryable
    "not_found",  # resume found no conversation: not retryable
    "cli_missing",  # the CLI executable is missing: not retryable
    "context_file",  # an attached file cannot be sent; the prompt was not sent
    "busy",  # a command that cannot run now (e.g. set model mid-turn)
    "internal",  # a bug in claude-tui; the message says what
]


@dataclass(frozen=True, slots=True)
class EngineEvent:
    """Base class: every event belongs to one session."""

    session_id: str


@dataclass(frozen=True, slots=True)
class StateChanged(EngineEvent):
    """The session's state snapshot changed (phase, attempt, counters, error)."""

    state: SessionState


@dataclass(frozen=True, slots=True)
class SessionStarted(EngineEvent):
    """The CLI's init message for this connection: the id is now confirmed."""

    cwd: str
    model: str | None
    claude_code_version: str | None
    resumed: bool
    slash_commands: tuple[str, ...] = ()  # the init message's command names (no descriptions)


@dataclass(frozen=True, slots=True)
class SlashCommand:
    """One command the CLI takes as a prompt (``/name args``), as its initialize answer names it."""

    name: str
    description: str = ""
    argument_hint: str = ""


@dataclass(frozen=True, slots=True)
class CommandsKnown(EngineEvent):
    """The CLI's commands with their descriptions (``get_server_info()`` after a connect)."""

    commands: tuple[SlashCommand, ...]


@dataclass(frozen=True, slots=True)
class PromptSent(EngineEvent):
    """A prompt went to the CLI (with the attached files that went along)."""

    prompt: str
    files: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TextDelta(EngineEvent):
    """A piece of assistant text, in order. ``synthetic`` marks text that came
    without stream deltas (the CLI's non-streaming fallback) and was replayed
    from the finished message so subscribers see it the same way."""

    text: str
    message_id: str | None = None
    index: int = 0
    synthetic: bool = False
    command_output: bool = False  # a local slash command's output (``/cost``): lines as the CLI set them


@dataclass(frozen=True, slots=True)
class ThinkingDelta(EngineEvent):
    text: str
    message_id: str | None = None
    index: int = 0
    synthetic: bool = False
    command_output: bool = False  # a local slash command's output (``/cost``): lines as the CLI set them


@dataclass(frozen=True, slots=True)
class ToolUseStarted(EngineEvent):
    tool_use_id: str
    name: str
    message_id: str | None = None
    index: int = 0


@dataclass(frozen=True, slots=True)
class ToolInputDelta(EngineEvent):
    """A chunk of a tool call's JSON input as the model streams it."""

    tool_use_id: str
    partial_json: str


@dataclass(frozen=True, slots=True)
class ToolUseInput(EngineEvent):
    """A tool call's complete input (from the finished assistant message)."""

    tool_use_id: str
    name: str
    input: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ToolResult(EngineEvent):
    tool_use_id: str
    content: str
    is_error: bool = False


@dataclass(frozen=True, slots=True)
class Block:
    """One finished content block: ``kind`` is text, thinking or tool_use."""

    kind: str
    text: str = ""
    tool_use_id: str | None = None
    name: str | None = None
    input: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class AssistantMessageComplete(EngineEvent):
    """A finished assistant content block (the CLI sends one message per block;
    blocks of one API message share ``message_id``). ``error`` is set on the
    synthetic message the CLI makes when the API failed for good."""

    message_id: str | None
    blocks: tuple[Block, ...]
    model: str | None = None
    error: str | None = None
    parent_tool_use_id: str | None = None


@dataclass(frozen=True, slots=True)
class ContextCompacted(EngineEvent):
    """The CLI compacted the conversation (``/compact``, or on its own when the
    context filled up): ``pre_tokens`` of context became ``post_tokens``."""

    trigger: str | None
    pre_tokens: int | None
    post_tokens: int | None


@dataclass(frozen=True, slots=True)
class ApiRetry(EngineEvent):
    """The CLI is backing off before retrying the API (from ``api_retry``)."""

    attempt: int
    max_retries: int
    delay_s: float
    status: int | None
    error: str | None


@dataclass(frozen=True, slots=True)
class TurnCompleted(EngineEvent):
    """A turn ended, however it ended. ``partial_text`` is the assistant text
    that arrived (kept on interrupted, stalled and crashed turns)."""

    outcome: TurnOutcome
    duration_s: float
    input_tokens: int | None = None
    output_tokens: int | None = None
    cost_usd: float | None = None
    stop_reason: str | None = None
    is_error: bool = False
    partial_text: str = ""
    result_text: str | None = None
    api_error_status: int | None = None

    @property
    def interrupted(self) -> bool:
        """The turn was cut short (by the user, a timeout, a dead CLI or quitting):
        its prompt is not resent on its own; the UI may offer "retry"."""
        return self.outcome in ("interrupted", "stalled", "timed_out", "crashed", "cancelled")


@dataclass(frozen=True, slots=True)
class ErrorOccurred(EngineEvent):
    """Something went wrong; ``message`` is written for the user.

    For timeouts ``timeout`` names which one fired (connect, first_token,
    stall, turn, interrupt) and ``seconds`` its value; for context files
    ``path`` names the file.
    """

    kind: ErrorKind
    message: str
    retryable: bool
    timeout: str | None = None
    seconds: float | None = None
    path: str | None = None


@dataclass(frozen=True, slots=True)
class SessionSaved(EngineEvent):
    """The importer copied the session's local transcript into the store."""

    entries_added: int
    errors: tuple[str, ...] = field(default_factory=tuple)
