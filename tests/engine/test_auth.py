"""The CLI's own auth status, asked before the first send (real bundled CLI, scratch config dir)."""

from __future__ import annotations

from pathlib import Path

import pytest

from claude_tui import compat
from claude_tui.engine.auth import AuthStatus, check_auth, login_argv, parse_status


@pytest.fixture
def scratch_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_VERTEX"):
        monkeypatch.delenv(name, raising=False)
    return {"HOME": str(tmp_path), "CLAUDE_CONFIG_DIR": str(tmp_path / ".claude"), "TMPDIR": str(tmp_path)}


async def test_no_credentials_is_known_bad(scratch_env: dict[str, str]) -> None:
    status = await check_auth(compat.bundled_cli_path(), scratch_env)
    assert status.logged_in is False and status.known_bad
    assert status.config_dir == scratch_env["CLAUDE_CONFIG_DIR"]


async def test_an_api_key_in_the_environment_is_logged_in(scratch_env: dict[str, str]) -> None:
    status = await check_auth(compat.bundled_cli_path(), {**scratch_env, "ANTHROPIC_API_KEY": "sk-test-not-shown"})
    assert status.logged_in is True and status.method == "api_key" and status.source == "ANTHROPIC_API_KEY"
    assert "sk-test-not-shown" not in repr(status)


async def test_an_api_key_helper_in_settings_is_logged_in(scratch_env: dict[str, str]) -> None:
    config = Path(scratch_env["CLAUDE_CONFIG_DIR"])
    config.mkdir()
    (config / "settings.json").write_text('{"apiKeyHelper": "echo sk-from-helper"}')
    status = await check_auth(compat.bundled_cli_path(), scratch_env)
    assert status.logged_in is True and status.source == "apiKeyHelper"


async def test_a_missing_or_broken_cli_is_unknown_not_an_error(tmp_path: Path) -> None:
    assert (await check_auth(None)).logged_in is None
    missing = await check_auth(tmp_path / "no-such-claude")
    assert missing.logged_in is None and "could not run" in (missing.problem or "")
    silent = tmp_path / "claude"
    silent.write_text("#!/bin/sh\nexec sleep 30\n")
    silent.chmod(0o755)
    stalled = await check_auth(silent, timeout=0.5)
    assert stalled.logged_in is None and "did not answer" in (stalled.problem or "")


def test_parse_status_reads_only_what_it_understands() -> None:
    assert parse_status("not json").logged_in is None
    assert parse_status('{"loggedIn": "yes"}').logged_in is None
    assert parse_status('{"loggedIn": false, "authMethod": 3}') == AuthStatus(False, method="none")
    assert login_argv(Path("/x/claude")) == ["/x/claude", "auth", "login"]
