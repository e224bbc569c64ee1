"""The log file: private, rotated, capped, at the configured level, holding the
SDK's records too, never a key, and never a crash when it cannot be written."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from claude_tui import logs
from claude_tui.cli import main
from claude_tui.logs import log_file_path, setup_logging, teardown_logging

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Isolated XDG folders; the log file's handler is taken off afterwards.
    Returns where the log file goes by default."""
    for name, sub in (("XDG_STATE_HOME", "state"), ("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data")):
        monkeypatch.setenv(name, str(tmp_path / sub))
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "claude"))
    for name in ("CLAUDE_TUI_LOG", "CLAUDE_TUI_DB", "CLAUDE_TUI_CONFIG", *logs.SECRET_ENV):
        monkeypatch.delenv(name, raising=False)
    old_umask = os.umask(0o022)  # what would make a plain open() give 0644
    yield tmp_path / "state" / "claude-tui" / "claude-tui.log"
    os.umask(old_umask)
    teardown_logging()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> int:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    capsys.readouterr()
    return code


def test_the_file_is_made_at_the_first_record_with_mode_0600(state: Path) -> None:
    assert setup_logging("warning", False) == state == log_file_path()
    assert state.parent.is_dir() and not state.exists()  # nothing logged yet: no file
    logging.getLogger("claude_tui.live.controller").error("handler failed")
    assert mode(state) == 0o600 and "ERROR claude_tui.live.controller: handler failed" in state.read_text()


def test_a_file_left_with_a_looser_mode_is_made_private(state: Path) -> None:
    state.parent.mkdir(parents=True)
    state.write_text("older run\n")
    state.chmod(0o644)
    setup_logging("warning", False)
    logging.getLogger("claude_tui").warning("again")
    assert mode(state) == 0o600 and state.read_text().startswith("older run\n")


def test_rotation_keeps_the_cap_and_the_mode(state: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 2000)
    setup_logging("warning", False)
    log = logging.getLogger("claude_tui.engine.worker")
    for n in range(200):
        log.error("record %03d %s", n, "x" * 60)
    files = sorted(state.parent.iterdir())
    assert [f.name for f in files] == ["claude-tui.log"] + [f"claude-tui.log.{i}" for i in range(1, logs.BACKUPS + 1)]
    for f in files:
        assert mode(f) == 0o600 and f.stat().st_size <= 2000, f
    assert "record 199" in state.read_text()  # the newest is in the current file
    assert "record 000" not in "".join(f.read_text() for f in files)  # the oldest were dropped


def test_level_comes_from_the_config_and_debug_forces_debug(state: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = run_cli(capsys, "ls")
    assert code == 0 and logging.getLogger("claude_tui").level == logging.WARNING
    assert not state.exists()  # a run that logs nothing leaves no file

    config = tmp_path / "info.toml"
    config.write_text('[ui]\nlog_level = "info"\n')
    assert run_cli(capsys, "--config", str(config), "ls") == 0
    for name in logs.LOGGERS:
        assert logging.getLogger(name).level == logging.INFO
    assert "INFO claude_tui: claude-tui " in state.read_text() and ": ls (pid " in state.read_text()

    assert run_cli(capsys, "ls", "--config", str(config), "--debug") == 0
    for name in logs.LOGGERS:
        assert logging.getLogger(name).level == logging.DEBUG
    logging.getLogger("claude_tui.store").debug("detail")
    assert "DEBUG claude_tui.store: detail" in state.read_text()
    assert len(logging.getLogger("claude_tui").handlers) == 1  # a second set-up replaced the first


def test_a_bad_log_level_is_reported_with_its_key(state: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('[ui]\nlog_level = "chatty"\n')
    with pytest.raises(SystemExit) as exit_info:
        main(["--config", str(config), "ls"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and "ui.log_level" in err and "'chatty'" in err


def test_the_sdks_records_land_in_the_file(state: Path) -> None:
    from claude_tui.engine.options import SDK_LOG, quiet_sdk_logging

    quiet_sdk_logging()  # what every connect does: the SDK's logger stops propagating
    setup_logging("warning", False)
    logging.getLogger("claude_agent_sdk._internal.query").error("Fatal error in message reader: boom")
    assert "ERROR claude_agent_sdk._internal.query: Fatal error in message reader: boom" in state.read_text()
    assert any("boom" in line for line in SDK_LOG)  # still kept for the engine too


def test_keys_and_secret_values_never_reach_the_file(state: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    token = "oat-token-value-1234567890"
    monkeypatch.setenv("CLAUDE_CODE_OAUTH_TOKEN", token)
    setup_logging("debug", False)
    key = "sk-ant-api03-" + "A1b2C3d4" * 6
    log = logging.getLogger("claude_tui.engine")
    log.debug("options: %r", {"env": {"ANTHROPIC_API_KEY": key, "CLAUDE_CODE_OAUTH_TOKEN": token}})
    try:
        raise RuntimeError(f"connect failed with {key}")
    except RuntimeError:
        log.exception("worker crashed")
    text = state.read_text()
    assert "worker crashed" in text and "RuntimeError" in text and "<redacted>" in text
    assert key not in text and "A1b2C3d4" not in text and token not in text


def test_an_unusable_state_folder_does_not_stop_the_app(state: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("CLAUDE_TUI_LOG", str(blocker / "logs" / "claude-tui.log"))
    assert setup_logging("warning", True) is None and log_file_path() is None
    assert run_cli(capsys, "ls") == 0

    # The folder is there but the file cannot be opened: records are dropped, quietly.
    folder_as_file = tmp_path / "logs" / "claude-tui.log"
    folder_as_file.mkdir(parents=True)
    monkeypatch.setenv("CLAUDE_TUI_LOG", str(folder_as_file))
    assert setup_logging("warning", False) == folder_as_file
    logging.getLogger("claude_tui").error("nowhere to go")
    assert capsys.readouterr() == ("", "")


def test_a_run_that_logs_nothing_imports_no_file_handler(state: Path) -> None:
    """Start-up cost: ``logging.handlers`` and the file wait for the first record."""
    probe = (
        "import sys\nfrom claude_tui.cli import main\nmain(sys.argv[1:])\n"
        "print('HANDLERS', 'logging.handlers' in sys.modules, file=sys.stderr)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    quiet = subprocess.run([sys.executable, "-c", probe, "ls"], capture_output=True, text=True, timeout=60, env=env)
    assert "HANDLERS False" in quiet.stderr, quiet.stderr
    assert not state.exists()
    debug = subprocess.run([sys.executable, "-c", probe, "--debug", "ls"], capture_output=True, text=True, timeout=60, env=env)
    assert "HANDLERS True" in debug.stderr, debug.stderr
    assert mode(state) == 0o600 and ": ls (pid " in state.read_text()
