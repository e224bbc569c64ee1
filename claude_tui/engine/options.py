"""``ClaudeAgentOptions`` for one session connection, from settings + overrides.

Why one function: resume-vs-new, the system prompt preset, the env knobs and
the stderr capture must be the same on the first connect and on every
reconnect, and ``claude_agent_sdk`` must be imported only here, lazily (its
import costs about a second).
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..config import ClaudeSettings

if TYPE_CHECKING:
    from claude_agent_sdk import ClaudeAgentOptions

PermissionCallback = Callable[[str, str, dict[str, Any], Any], Awaitable[Any]]
"""``(session_id, tool_name, tool_input, ToolPermissionContext) -> PermissionResultAllow | PermissionResultDeny``.

The seam for the issue that adds permission prompts: the worker wraps it into
the SDK's ``can_use_tool`` and pauses its stall and turn timers while it runs.
"""

SDK_LOG: deque[str] = deque(maxlen=500)
"""The SDK's own log lines (it logs "Fatal error in message reader" and the
like through ``logging``); kept here instead of reaching the terminal."""


class _DequeHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        try:
            SDK_LOG.append(self.format(record))
        except Exception:  # noqa: BLE001 - logging must never raise into the SDK
            pass


_sdk_logging_quiet = False


def quiet_sdk_logging() -> None:
    """Route ``claude_agent_sdk`` log records into ``SDK_LOG``, never the terminal."""
    global _sdk_logging_quiet
    if _sdk_logging_quiet:
        return
    logger = logging.getLogger("claude_agent_sdk")
    logger.propagate = False
    handler = _DequeHandler(level=logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    _sdk_logging_quiet = True


@dataclass(frozen=True)
class SessionSpec:
    """Which session a worker runs and where.

    ``resume``: the session already exists (opened from the store or the
    sidebar); a new session (``resume=False``) is started with
    ``session_id=<our uuid>`` and resumed on later connects once Claude Code
    has a transcript for it.
    """

    session_id: str
    cwd: str
    resume: bool = False
    project_key: str | None = None  # computed from cwd when None
    local_key: str | None = None  # Claude Code's folder name for cwd when it differs from the stored key (path_map)


@dataclass
class ConnectionConfig:
    """Everything that shapes the CLI process, as the worker will start it."""

    claude: ClaudeSettings
    model: str | None = None
    system_prompt: str | None = None
    permission_mode: str | None = None
    env: Mapping[str, str] = field(default_factory=dict)


OWNER_ENV = "CLAUDE_TUI_OWNER"
"""Set in every CLI's environment to this process's pid (see ``processes.owned_children``)."""

CONNECTION_ENV = "CLAUDE_TUI_CONNECTION"
"""Set in each CLI's environment to a token of its own connection, so the
connection's CLI can be found by it when the SDK does not say its pid."""


def cli_env(claude: ClaudeSettings, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The env additions for the CLI; it inherits claude-tui's environment besides."""
    env: dict[str, str] = {}
    if claude.api_timeout_ms is not None:
        env["API_TIMEOUT_MS"] = str(claude.api_timeout_ms)
    if claude.max_retries is not None:
        env["CLAUDE_CODE_MAX_RETRIES"] = str(claude.max_retries)
    env.update(extra or {})
    env[OWNER_ENV] = str(os.getpid())  # lets the kill sweep find a CLI it never got the pid of
    return env


def build_options(
    config: ConnectionConfig,
    spec: SessionSpec,
    *,
    resume: bool,
    stderr: Callable[[str], None],
    can_use_tool: Any | None = None,
    connection_mark: str | None = None,
    resume_at: str | None = None,
) -> ClaudeAgentOptions:
    """Options for one connect: ``resume=<id>`` or ``session_id=<id>``, never both.

    ``connection_mark`` goes into the CLI's environment as ``CLAUDE_TUI_CONNECTION``.
    """
    from claude_agent_sdk import ClaudeAgentOptions

    quiet_sdk_logging()
    claude = config.claude
    system_prompt: dict[str, Any] = {"type": "preset", "preset": "claude_code"}
    appended = config.system_prompt if config.system_prompt is not None else claude.system_prompt
    if appended:
        system_prompt["append"] = appended
    extra_args: dict[str, str | None] = {}
    if claude.allow_bypass:
        extra_args["allow-dangerously-skip-permissions"] = None
    kwargs: dict[str, Any] = {
        "cwd": spec.cwd,
        "include_partial_messages": True,
        "model": config.model or claude.model,
        "system_prompt": system_prompt,
        "permission_mode": config.permission_mode or claude.permission_mode,
        "cli_path": claude.cli_path or None,
        "env": cli_env(claude, {**config.env, **({CONNECTION_ENV: connection_mark} if connection_mark else {})}),
        "stderr": stderr,
        "extra_args": extra_args,
    }
    if resume:
        kwargs["resume"] = spec.session_id
        if resume_at:
            kwargs["resume_session_at"] = resume_at  # leave out what follows it (crash_resume.py)
    else:
        kwargs["session_id"] = spec.session_id
    if can_use_tool is not None:
        kwargs["can_use_tool"] = can_use_tool
    return ClaudeAgentOptions(**kwargs)


_MAX_KEY = 200
_NON_ALNUM = re.compile(r"[^a-zA-Z0-9]")


def _js_hash36(text: str) -> str:
    """The CLI's 32-bit string hash, in base 36 (``hash = (hash << 5) - hash + c | 0``)."""
    h = 0
    for ch in text:
        h = ((h << 5) - h + ord(ch)) & 0xFFFFFFFF
    if h >= 0x80000000:
        h -= 0x100000000
    h = abs(h)
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        h, r = divmod(h, 36)
        out = digits[r] + out
        if h == 0:
            return out


def project_key_for(cwd: str) -> str:
    """Claude Code's transcript directory name for ``cwd``: realpath + NFC, every
    non-alphanumeric character ``-``, long names cut at 200 and suffixed with a
    hash. The same rule as ``claude_agent_sdk.project_key_for_directory`` (a test
    holds them equal), computed here so asking costs no SDK import."""
    try:
        path = unicodedata.normalize("NFC", os.path.realpath(cwd))
    except OSError:
        path = unicodedata.normalize("NFC", cwd)
    key = _NON_ALNUM.sub("-", path)
    if len(key) <= _MAX_KEY:
        return key
    return f"{key[:_MAX_KEY]}-{_js_hash36(path)}"
