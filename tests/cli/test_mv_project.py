"""``claude-tui mv-project OLD NEW``: a moved folder's sessions re-homed from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli import RESUMED, env, imported, run  # noqa: F401 - fixtures

__all__ = ["env", "imported"]


def test_mv_project_moves_every_session_of_the_folder(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "ls", "--json")
    rows = json.loads(out)
    old = next(r["cwd"] for r in rows if r["session_id"] == RESUMED)
    same = sorted(r["session_id"] for r in rows if r["cwd"] == old)
    new = imported / "moved here"
    new.mkdir()
    code, out, err = run(capsys, "mv-project", old, str(new))
    assert code == 0, err
    assert f"Moved {len(same)} session" in out and str(new) in out
    _, out, _ = run(capsys, "ls", "--json", "--project", str(new))
    assert sorted(r["session_id"] for r in json.loads(out)) == same
    _, out, _ = run(capsys, "ls", "--json", "--project", old)
    assert json.loads(out) == []
    # Again to a wrong place and back: still all there.
    wrong = imported / "wrong"
    wrong.mkdir()
    assert run(capsys, "mv-project", str(new), str(wrong))[0] == 0
    assert run(capsys, "mv-project", str(wrong), str(new))[0] == 0
    _, out, _ = run(capsys, "ls", "--json", "--project", str(new))
    assert sorted(r["session_id"] for r in json.loads(out)) == same
    code, out, _ = run(capsys, "show", RESUMED[:8])
    assert "remember the code word zebra" in out


def test_mv_project_bad_input_says_what_to_do(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "mv-project", "/no/such/project", str(imported))
    assert code == 2 and "no stored session ran in /no/such/project" in err and "Traceback" not in err
    code, _, err = run(capsys, "mv-project", "/x", str(imported / "missing"))
    assert code == 2 and "does not exist" in err
    (imported / "file").write_text("x")
    code, _, err = run(capsys, "mv-project", "/x", str(imported / "file"))
    assert code == 2 and "is not a directory" in err
