"""``claude-tui --where`` and ``claude-tui claude ARGS...`` (issue 11: `claude` is not on PATH)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from claude_tui.cli import main
from claude_tui.compat import bundled_cli_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "claude-home"))
    monkeypatch.delenv("CLAUDE_TUI_DB", raising=False)
    monkeypatch.delenv("CLAUDE_TUI_CONFIG", raising=False)
    return tmp_path


def fake_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `claude` that records its arguments and exits 3, named in [claude] cli_path."""
    script = tmp_path / "claude"
    script.write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$0.args"\nexit 3\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    config = tmp_path / "config.toml"
    config.write_text(f'[claude]\ncli_path = "{script}"\n')
    monkeypatch.setenv("CLAUDE_TUI_CONFIG", str(config))
    return script


def test_where_prints_every_place(places: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--where", "--db", str(places / "x.db"))
    assert code == 0
    lines = dict(line.split(":", 1) for line in out.splitlines())
    assert lines["claude CLI"].strip() == str(bundled_cli_path())
    assert lines["database"].strip() == str(places / "x.db")
    assert lines["config"].strip() == str(places / "xdg-config" / "claude-tui" / "config.toml")
    assert lines["log"].strip() == os.environ["XDG_STATE_HOME"] + "/claude-tui/claude-tui.log"
    assert lines["Claude config dir"].strip() == str(places / "claude-home")


def test_where_names_the_configured_cli(places: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    script = fake_cli(places, monkeypatch)
    code, out, _ = run(capsys, "--where")
    assert code == 0 and f"claude CLI:        {script}" in out


def test_claude_passes_arguments_and_exit_status(places: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    script = fake_cli(places, monkeypatch)
    code, _, _ = run(capsys, "claude", "auth", "login", "--help", "a b")
    assert code == 3
    assert Path(f"{script}.args").read_text().splitlines() == ["auth", "login", "--help", "a b"]


def test_claude_runs_the_bundled_cli(places: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The real CLI (inside the SDK's wheel): its own version, our exit status.
    code = main(["claude", "--version"])
    assert code == 0


def test_claude_missing_cli_is_one_clear_line(places: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    config = places / "config.toml"
    config.write_text(f'[claude]\ncli_path = "{places / "nowhere" / "claude"}"\n')
    monkeypatch.setenv("CLAUDE_TUI_CONFIG", str(config))
    code, _, err = run(capsys, "claude", "auth", "status")
    assert code == 1 and err.startswith("claude-tui: could not run ") and "Traceback" not in err


def test_help_explains_both(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "--where" in out and "claude-tui claude ARGS" in out and "claude-tui claude auth login" in out
