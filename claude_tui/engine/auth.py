"""Can Claude be reached? The CLI's own answer, asked before the first send.

Without a login or an API key, the first prompt fails only after the CLI
started, with advice ("run /login") that cannot be followed from inside
claude-tui. Claude Code answers the question itself in a fraction of a
second: ``claude auth status --json`` reports whether it is logged in and
how (an API key from the environment, an ``apiKeyHelper``, an OAuth login in
the config dir's credentials, a cloud provider). Asking the CLI, rather than
reading its files, keeps its own rules (precedence, expiry, providers) in
one place: ours only words the answer.

No key is ever read, stored or printed here: only the CLI's summary of where
one comes from.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

STATUS_TIMEOUT_S = 15.0


@dataclass(frozen=True)
class AuthStatus:
    """What the CLI says about its credentials."""

    logged_in: bool | None
    """True / False as the CLI says; None when it could not be asked."""
    method: str = "none"
    """The CLI's ``authMethod`` (``api_key``, ``oauth_token``, ``none`` ...)."""
    source: str | None = None
    """Where the key comes from (``ANTHROPIC_API_KEY``, ``apiKeyHelper`` ...), if the CLI says."""
    provider: str | None = None
    config_dir: str | None = None
    problem: str | None = None
    """Why the CLI could not be asked (not found, timed out, unreadable answer)."""

    @property
    def known_bad(self) -> bool:
        """Sending is sure to fail: the CLI said it has no credentials."""
        return self.logged_in is False


def parse_status(text: str) -> AuthStatus:
    """The CLI's ``auth status --json`` output, read; an unreadable answer is 'unknown'."""
    try:
        data = json.loads(text)
    except ValueError:
        return AuthStatus(None, problem="Claude Code's auth status was not JSON")
    if not isinstance(data, dict) or not isinstance(data.get("loggedIn"), bool):
        return AuthStatus(None, problem="Claude Code's auth status had no loggedIn field")

    def text_of(name: str) -> str | None:
        value = data.get(name)
        return value if isinstance(value, str) and value else None

    return AuthStatus(
        logged_in=data["loggedIn"],
        method=text_of("authMethod") or "none",
        source=text_of("apiKeySource"),
        provider=text_of("apiProvider"),
        config_dir=text_of("configDirectory"),
    )


async def check_auth(
    cli: Path | None, env: Mapping[str, str] | None = None, *, timeout: float = STATUS_TIMEOUT_S
) -> AuthStatus:
    """Ask ``cli`` (with claude-tui's environment plus ``env``) whether it can reach Claude.

    Never raises: a missing CLI, a crash or a timeout give ``logged_in=None``
    with the reason, and the app then finds out at the first send as before.
    """
    if cli is None:
        return AuthStatus(None, problem="Claude Code's CLI was not found")
    full_env = {**os.environ, **(env or {}), "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1"}
    try:
        proc = await asyncio.create_subprocess_exec(
            str(cli), "auth", "status", "--json",
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            env=full_env,
        )
    except OSError as exc:
        return AuthStatus(None, problem=f"could not run {cli}: {exc.strerror or exc}")
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), timeout)
    except asyncio.TimeoutError:
        proc.kill()
        await proc.wait()
        return AuthStatus(None, problem=f"{cli} auth status did not answer within {timeout:g} s")
    return parse_status(out.decode("utf-8", errors="replace"))


def login_argv(cli: Path) -> list[str]:
    """The CLI's own interactive login, run in the terminal while the app is suspended."""
    return [str(cli), "auth", "login"]
