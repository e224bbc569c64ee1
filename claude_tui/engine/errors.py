"""What went wrong with a CLI connection, and whether trying again can help.

Why a classifier: the worker reconnects with backoff after a process death or
a failed connect, but some failures never heal by retrying (no such
conversation, bad credentials, no CLI, a deleted working directory). Those end
in ``failed`` at once with a sentence that says what to do. The SDK reports
them as different exception types or only as text (a refused resume is a
``ResultError`` whose text, and the CLI's stderr, say "No conversation
found"), so both the exception and recent stderr lines are read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .events import ErrorKind


@dataclass(frozen=True)
class Failure:
    kind: ErrorKind
    message: str
    retryable: bool


_AUTH_MARKERS = (
    "authentication_error",
    "invalid x-api-key",
    "invalid api key",
    "invalid bearer token",
    "please run /login",
    "oauth token has expired",
    "not logged in",
    "credit balance is too low",
)


def _text_of(exc: BaseException | None) -> str:
    if exc is None:
        return ""
    parts = [f"{type(exc).__name__}: {exc}"]
    cause = exc.__cause__ or exc.__context__
    if cause is not None and cause is not exc:
        parts.append(str(cause))
    return " ".join(parts)


def classify(
    exc: BaseException | None,
    stderr: Iterable[str] = (),
    *,
    session_id: str = "",
    cwd: str = "",
    cli_path: str | None = None,
) -> Failure:
    """Turn a connect or process failure into a user-facing ``Failure``."""
    name = type(exc).__name__ if exc is not None else ""
    text = _text_of(exc)
    recent = "\n".join(list(stderr)[-20:])
    both = f"{text}\n{recent}".lower()
    if name == "CLINotFoundError" or "claude code not found" in both:
        where = f" at {cli_path}" if cli_path else ""
        return Failure(
            "cli_missing",
            f"Claude Code CLI not found{where}. Reinstall claude-agent-sdk (it bundles the CLI)"
            " or set [claude] cli_path in the config to a working `claude` executable.",
            False,
        )
    if "no conversation found" in both:
        return Failure(
            "not_found",
            f"Claude Code has no conversation {session_id} for {cwd} and claude-tui's store"
            " has no copy to restore, so it cannot be resumed. Start a new session"
            " (or run `claude-tui import` if the transcript lives elsewhere).",
            False,
        )
    if "working directory does not exist" in both:
        return Failure(
            "not_found",
            f"The session's directory {cwd} no longer exists; recreate it to resume this session.",
            False,
        )
    if "cannot be used with root/sudo privileges" in both:
        return Failure(
            "connect",
            "Claude Code refuses bypassPermissions when run as root. Set"
            " `allow_bypass = false` under [claude] in the config, or run claude-tui as a"
            " normal user (inside a sandbox, IS_SANDBOX=1 lifts the check).",
            False,
        )
    if any(marker in both for marker in _AUTH_MARKERS) or " 401 " in f" {both} ":
        return Failure(
            "auth",
            "Authentication failed: set ANTHROPIC_API_KEY or run `claude /login` in a terminal,"
            " then reconnect the session.",
            False,
        )
    if exc is None:
        detail = recent.splitlines()[-1] if recent else "no error output"
        return Failure("process", f"the Claude Code CLI exited unexpectedly ({detail})", True)
    if name == "ProcessError":
        code = getattr(exc, "exit_code", None)
        if isinstance(code, int) and code < 0:
            # Killed from outside (kill -9, the OOM killer): nothing it printed explains that.
            return Failure("process", f"the Claude Code CLI process was killed (signal {-code})", True)
        detail = recent.splitlines()[-1] if recent else ""
        more = f": {detail}" if detail else ""
        return Failure("process", f"the Claude Code CLI process died (exit code {code}){more}", True)
    return Failure("connect", f"cannot talk to the Claude Code CLI: {str(exc) or name}", True)


def api_failure(status: int | None, text: str | None) -> Failure:
    """An ``is_error`` turn result: the CLI's own retries are exhausted."""
    detail = (text or "").strip() or (f"HTTP {status}" if status else "unknown API error")
    if status in (401, 403) or any(m in detail.lower() for m in _AUTH_MARKERS):
        return Failure(
            "auth",
            f"Authentication failed ({detail}). Set ANTHROPIC_API_KEY or run `claude /login`,"
            " then reconnect the session.",
            False,
        )
    detail = detail.rstrip().rstrip(".")  # one full stop, not the CLI's and ours
    return Failure("api", f"The Claude API failed: {detail}.", True)
