"""Isolated environments for running the real Claude Code CLI against the fake API.

Why: the CLI writes transcripts, ``.claude.json``, probe dirs and sockets under
``HOME`` / ``CLAUDE_CONFIG_DIR`` / ``TMPDIR``, and the SDK computes transcript
paths from ITS OWN process environment.  Each test therefore gets fresh
directories, set both in the CLI's env (``ClaudeAgentOptions(env=...)``) and in
the test process (``monkeypatch``), so nothing touches the real ``~/.claude``.

Use from a conftest (``from tests.fakes.cli_env import *``) or import the
fixtures directly into a test module.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.fakes.anthropic_api import FakeAnthropicAPI

if TYPE_CHECKING:  # the SDK import costs ~1 s; only tests that run the CLI pay it
    from claude_agent_sdk import ClaudeAgentOptions

__all__ = ["CliEnv", "cli_env", "fake_api", "make_cli_env", "project_dir_name"]

DEFAULT_MAX_RETRIES = 2
"""Small so fault tests finish fast; the CLI's own default is 10 (~180 s of backoff)."""

DEFAULT_API_TIMEOUT_MS = 5000
"""Bounds a request that never gets headers; the CLI's default waits 300 s+."""

_MAX_TMPDIR_LEN = 72
"""The CLI puts its socket at ``$TMPDIR/cc-socks/<pid>.sock``; when that would be
too long (measured: TMPDIR of 80 chars fine, 85 not) it silently falls back to
``/tmp/cc-socks-<uid>/``, outside the test's directories."""


def project_dir_name(cwd: str | os.PathLike[str]) -> str:
    """The CLI's transcript directory name for ``cwd`` (e.g. ``/home/dev/project``
    -> ``-home-dev-project``): the package's own rule, imported when first used
    so the conftest that loads this module loads none of the engine."""
    from claude_tui.engine.options import project_key_for

    return project_key_for(str(cwd))


@dataclass
class CliEnv:
    """Everything a test needs to start a ``ClaudeSDKClient`` on the fake API.

    ``env`` goes to ``ClaudeAgentOptions(env=...)``; ``stderr_lines`` collects
    what the CLI writes to stderr when :meth:`options` is used (the callback
    keeps it off the terminal).
    """

    home: Path
    config_dir: Path
    tmpdir: Path
    cwd: Path
    base_url: str
    env: dict[str, str]
    stderr_lines: list[str] = field(default_factory=list)

    @property
    def projects_dir(self) -> Path:
        return self.config_dir / "projects"

    @property
    def transcript_dir(self) -> Path:
        """Where the CLI writes transcripts of sessions started in ``cwd``.

        The CLI resolves symlinks in cwd first, so compare against realpath.
        """
        return self.projects_dir / project_dir_name(os.path.realpath(self.cwd))

    def transcript_path(self, session_id: str) -> Path:
        return self.transcript_dir / f"{session_id}.jsonl"

    def with_env(self, **overrides: str) -> dict[str, str]:
        """A copy of ``env`` with overrides, e.g. ``with_env(CLAUDE_CODE_MAX_RETRIES="0")``."""
        return {**self.env, **overrides}

    def record_stderr(self, line: str) -> None:
        self.stderr_lines.append(line)

    def options(self, **overrides: Any) -> ClaudeAgentOptions:
        """``ClaudeAgentOptions`` wired to this environment.

        Defaults: ``cwd``, ``env``, ``stderr`` capture, partial messages on;
        everything else as the SDK defaults it, like the app does (HOME is
        isolated, so no user settings leak in).  Any field may be overridden;
        ``env_overrides={...}`` merges into ``env``.
        """
        from claude_agent_sdk import ClaudeAgentOptions

        env = self.with_env(**overrides.pop("env_overrides", {}))
        kwargs: dict[str, Any] = {
            "cwd": str(self.cwd),
            "env": env,
            "stderr": self.record_stderr,
            "include_partial_messages": True,
        }
        kwargs.update(overrides)
        return ClaudeAgentOptions(**kwargs)


def _short_tmpdir(preferred: Path) -> tuple[Path, Callable[[], None]]:
    """``preferred`` if short enough for unix socket paths, else a short mkdtemp dir."""
    if len(str(preferred)) <= _MAX_TMPDIR_LEN:
        preferred.mkdir(parents=True, exist_ok=True)
        return preferred, lambda: None
    short = Path(tempfile.mkdtemp(prefix="ctui-"))
    return short, lambda: shutil.rmtree(short, ignore_errors=True)


def make_cli_env(
    base: Path, base_url: str, *, tmpdir: Path | None = None, **overrides: str
) -> CliEnv:
    """Create ``home/``, ``home/.claude``, ``project/`` under ``base`` and the env.

    Does not touch ``os.environ``: callers set HOME/CLAUDE_CONFIG_DIR/TMPDIR in
    their own process as well (the :func:`cli_env` fixture does).
    """
    home = base / "home"
    config_dir = home / ".claude"
    cwd = base / "project"
    tmp = tmpdir or base / "tmp"
    for d in (config_dir, cwd, tmp):
        d.mkdir(parents=True, exist_ok=True)
    env = {
        "ANTHROPIC_BASE_URL": base_url,
        "ANTHROPIC_API_KEY": "sk-test",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "HOME": str(home),
        "CLAUDE_CONFIG_DIR": str(config_dir),
        "TMPDIR": str(tmp),
        "CLAUDE_CODE_MAX_RETRIES": str(DEFAULT_MAX_RETRIES),
        "API_TIMEOUT_MS": str(DEFAULT_API_TIMEOUT_MS),
        **overrides,
    }
    return CliEnv(home=home, config_dir=config_dir, tmpdir=tmp, cwd=cwd, base_url=base_url, env=env)


@pytest.fixture
def fake_api() -> Iterator[FakeAnthropicAPI]:
    """A fresh fake Messages API per test, stopped (all holds aborted) afterwards."""
    api = FakeAnthropicAPI().start()
    try:
        yield api
    finally:
        api.stop()


@pytest.fixture
def cli_env(fake_api: FakeAnthropicAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliEnv]:
    """Per-test isolated HOME / CLAUDE_CONFIG_DIR / TMPDIR / project dir for the CLI,
    mirrored into this process's environment so the SDK agrees on paths."""
    tmp, cleanup = _short_tmpdir(tmp_path / "tmp")
    env = make_cli_env(tmp_path, fake_api.base_url, tmpdir=tmp)
    for key in ("HOME", "CLAUDE_CONFIG_DIR", "TMPDIR"):
        monkeypatch.setenv(key, env.env[key])
    for key in ("ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_VERTEX", "CLAUDECODE"):
        monkeypatch.delenv(key, raising=False)
    try:
        yield env
    finally:
        cleanup()
