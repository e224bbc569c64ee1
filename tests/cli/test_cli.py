"""The scripting CLI: every subcommand and every bad-input case."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from claude_tui.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "claude_home"
ROOT = Path(__file__).resolve().parents[2]
RESUMED = "57e0a588-f7e0-5015-a942-a47de28d9346"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Isolated XDG dirs, Claude Code folder and database."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("CLAUDE_TUI_DB", raising=False)
    monkeypatch.delenv("CLAUDE_TUI_CONFIG", raising=False)
    home = tmp_path / "claude"
    shutil.copytree(DATA, home)
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(home))
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def imported(env: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    code, out, _ = run(capsys, "import")
    assert code == 0 and "149 entries" in out
    return env


def test_version_and_help_document_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("claude-tui ")
    code, out, _ = run(capsys, "--help")
    for command in ("tui", "resume", "import", "ls", "show", "export", "rm", "rename", "mv-project"):
        assert f"    {command} " in out
    assert "CLAUDE_TUI_DB" in out and "exit status" in out
    # --debug, and where the log file is (XDG_STATE_HOME is the test's folder here).
    assert "--debug" in out and "CLAUDE_TUI_LOG" in out
    assert "log file: " + os.environ["XDG_STATE_HOME"] + "/claude-tui/claude-tui.log" in out


def test_default_files_are_created_on_first_use(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ls")
    assert code == 0 and "No sessions." in out
    assert (env / "xdg-config" / "claude-tui" / "config.toml").is_file()
    assert (env / "xdg-data" / "claude-tui" / "sessions.db").is_file()


def test_ls_json_empty_is_an_empty_array(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ls", "--json")
    assert code == 0 and json.loads(out) == []


def test_ls_json_fields_and_order(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ls", "--json")
    rows = json.loads(out)
    assert len(rows) == 5
    for row in rows:
        for field in ("session_id", "title", "cwd", "created_at", "updated_at", "message_count", "model", "pinned", "git_branch"):
            assert field in row
        assert row["title"] and row["updated_at"].endswith("Z") and isinstance(row["pinned"], bool)
    stamps = [r["updated_at"] for r in rows]
    assert stamps == sorted(stamps, reverse=True)
    code, out, _ = run(capsys, "ls", "--json", "--limit", "2")
    assert [r["session_id"] for r in json.loads(out)] == [r["session_id"] for r in rows[:2]]


def test_ls_search_and_project(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "ls", "--json", "--search", "zebra")
    assert [r["session_id"] for r in json.loads(out)] == [RESUMED]
    _, out, _ = run(capsys, "ls", "--json", "--search", 'zebra" OR "kiwi')
    assert json.loads(out) == []
    _, out, _ = run(capsys, "ls", "--json", "--project", "/tmp/claude-tui-rec/alpha")
    assert len(json.loads(out)) == 2


def test_ls_text_shows_escapes_literally(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "ls")
    assert "\x1b" not in out and "\\x1b[31mred" in out and "[bold]x[/]" in out


def test_global_options_before_and_after_the_command(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = env / "custom.db"
    code, _, _ = run(capsys, "--db", str(db), "import")
    assert code == 0 and db.is_file()
    code, out, _ = run(capsys, "ls", "--json", "--db", str(db))
    assert len(json.loads(out)) == 5


def test_precedence_flag_env_config(env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    config = env / "c.toml"
    config.write_text(f'[store]\ndb = "{env / "from-config.db"}"\n')
    run(capsys, "--config", str(config), "ls")
    assert (env / "from-config.db").exists()
    monkeypatch.setenv("CLAUDE_TUI_DB", str(env / "from-env.db"))
    run(capsys, "--config", str(config), "ls")
    assert (env / "from-env.db").exists()
    run(capsys, "--config", str(config), "--db", str(env / "from-flag.db"), "ls")
    assert (env / "from-flag.db").exists()


def test_show_export_and_rename(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", RESUMED[:8])
    assert code == 0 and "remember the code word zebra" in out and "third turn after resume" in out
    code, out, _ = run(capsys, "show", "4eadf421")
    assert "\x1b" not in out and "\\x1b[31m" in out
    code, out, _ = run(capsys, "export", RESUMED, "--format", "json")
    data = json.loads(out)
    assert data["session"]["session_id"] == RESUMED and len(data["messages"]) == 6
    target = imported / "out.md"
    code, out, _ = run(capsys, "export", RESUMED[:10], "-o", str(target))
    assert code == 0 and target.read_text().startswith("# remember the code word zebra")
    code, _, err = run(capsys, "export", RESUMED, "-o", str(target))
    assert code == 2 and "not overwriting" in err
    assert target.read_text().startswith("# remember")
    code, out, _ = run(capsys, "rename", RESUMED[:8], "Zebra memory")
    assert code == 0
    _, out, _ = run(capsys, "ls", "--json", "--search", "zebra")
    assert json.loads(out)[0]["title"] == "Zebra memory"


def test_unknown_short_and_ambiguous_ids(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "show", "ffffffff")
    assert code == 2 and "no session matches 'ffffffff'" in err and "Traceback" not in err
    code, _, err = run(capsys, "show", "57e0")
    assert code == 2 and "too short" in err
    db = imported / "xdg-data" / "claude-tui" / "sessions.db"
    with sqlite3.connect(db) as conn:  # a second session sharing the 8-char prefix
        conn.execute(
            "INSERT INTO sessions (project_key, session_id, title, message_count)"
            " VALUES ('p', '57e0a588-ffff-0000-0000-000000000000', 'twin', 1)"
        )
    code, _, err = run(capsys, "show", "57e0a588")
    assert code == 2 and "matches 2 sessions" in err and RESUMED in err


def test_rm_asks_needs_yes_and_deletes_local_copy(imported: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", open(os.devnull))
    code, _, err = run(capsys, "rm", RESUMED)
    assert code == 2 and "--yes" in err
    local = imported / "claude" / "projects" / "-tmp-claude-tui-rec-alpha" / f"{RESUMED}.jsonl"
    assert local.exists()
    code, out, _ = run(capsys, "rm", RESUMED, "--yes", "--keep-local")
    assert code == 0 and local.exists()
    run(capsys, "import")
    _, out, _ = run(capsys, "ls", "--json")
    assert RESUMED not in out  # the tombstone keeps it out


def test_rm_deletes_claude_codes_transcript(imported: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cwd = Path("/tmp/claude-tui-rec/alpha")
    cwd.mkdir(parents=True, exist_ok=True)  # the SDK finds the file from the session's cwd
    local = imported / "claude" / "projects" / "-tmp-claude-tui-rec-alpha" / f"{RESUMED}.jsonl"
    code, out, _ = run(capsys, "rm", RESUMED, "--yes")
    assert code == 0 and "Deleted Claude Code's local transcript" in out
    assert not local.exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"not sqlite\x00" * 50, "not a usable SQLite database"),
        (None, "newer claude-tui"),
    ],
)
def test_bad_database_exits_2_and_is_not_touched(env: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, message: str) -> None:
    db = env / "bad.db"
    if content is None:
        run(capsys, "--db", str(db), "ls")
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA user_version = 999")
    else:
        db.write_bytes(content)
    before = db.read_bytes()
    code, _, err = run(capsys, "--db", str(db), "ls")
    assert code == 2 and message in err and str(db) in err and "Traceback" not in err
    assert db.read_bytes() == before


def test_config_errors(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--config", str(env / "missing.toml"), "ls")
    assert code == 2 and "missing.toml" in err and "does not exist" in err
    bad = env / "bad.toml"
    bad.write_text("[timeouts]\nstall = = 3\n")
    code, _, err = run(capsys, "--config", str(bad), "ls")
    assert code == 2 and "line 2, column" in err and "bad.toml" in err
    assert bad.read_text() == "[timeouts]\nstall = = 3\n"
    wrong = env / "wrong.toml"
    wrong.write_text('[timeouts]\nstall = "soon"\n')
    code, _, err = run(capsys, "--config", str(wrong), "ls")
    assert code == 2 and "timeouts.stall" in err
    level = env / "level.toml"
    level.write_text('[ui]\nlog_level = "loud"\n')
    code, _, err = run(capsys, "--config", str(level), "ls")
    assert code == 2 and "ui.log_level" in err and "debug, info, warning, error" in err
    odd = env / "odd.toml"
    odd.write_text("[timeouts]\nstall = 5\nbogus = 1\n[nosuch]\n")
    code, _, err = run(capsys, "--config", str(odd), "ls")
    assert code == 0 and "timeouts.bogus" in err and "nosuch" in err


def test_import_from_missing_folder(env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = run(capsys, "import", "--from", str(env / "nope"))
    assert code == 2 and "nope" in err
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(env / "never-used-claude"))
    code, out, _ = run(capsys, "import")
    assert code == 0 and "Nothing to import" in out


def test_import_accepts_the_projects_folder_itself(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "import", "--from", str(env / "claude" / "projects"))
    assert code == 0 and "149 entries" in out


def test_resume_unknown_id_exits_before_the_tui(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "resume", "deadbeef-dead")
    assert code == 2 and "no session matches" in err


def test_scripting_commands_start_without_textual_or_the_sdk(env: Path) -> None:
    probe = (
        "import sys, runpy; sys.argv = ['claude-tui', 'ls', '--json'];\n"
        "try:\n    runpy.run_module('claude_tui', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'claude_agent_sdk', 'mcp'))\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert "HEAVY []" in result.stderr, result.stderr


def _run_on_terminal(argv: list[str], answer: bytes, env: dict[str, str]) -> tuple[int, str]:
    """Run the CLI with a pseudo-terminal as stdin/stdout and type ``answer``."""
    import pty
    import select

    pid, fd = pty.fork()
    if pid == 0:  # child
        os.execve(sys.executable, [sys.executable, "-m", "claude_tui", *argv], env)
    output = b""
    sent = False
    deadline = 30.0
    import time

    end = time.monotonic() + deadline
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        if not sent and b"[y/N]" in output:
            os.write(fd, answer)
            sent = True
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), output.decode(errors="replace")


def test_rm_asks_on_a_terminal(imported: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code, out = _run_on_terminal(["rm", RESUMED, "--keep-local"], b"n\n", env)
    assert code == 0 and "Delete session" in out and "Kept." in out
    code, out = _run_on_terminal(["rm", RESUMED, "--keep-local"], b"y\n", env)
    assert code == 0 and "Deleted" in out
