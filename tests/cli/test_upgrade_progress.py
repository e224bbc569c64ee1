"""A long schema upgrade says where it is: on stderr from the command line, in the sidebar in the app."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from claude_tui.store.migrations import m0004_compact
from tests.cli.test_cli import run
from tests.store.test_schema4 import generated_tree, make_v3_store


def test_ls_over_an_old_store_reports_the_upgrade_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(m0004_compact, "BATCH_ROWS", 50)
    made = generated_tree(tmp_path / "claude", 4)
    db = tmp_path / "v3.db"
    asyncio.run(make_v3_store(db, made))
    code, out, err = run(capsys, "--db", str(db), "ls", "--json")
    assert code == 0 and len(json.loads(out)) == len(made)  # stdout stays the command's
    assert "upgrading the database to schema 4: Compressing the archive" in err
    assert err.rstrip().endswith("of 1")  # the last step's final report ends its line


async def test_the_app_shows_the_upgrade_in_the_sidebar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.ui.fixtures import make_app, settle

    monkeypatch.setattr(m0004_compact, "BATCH_ROWS", 50)
    made = generated_tree(tmp_path / "claude", 4)
    await make_v3_store(tmp_path / "sessions.db", made)  # make_app's database
    app = make_app(tmp_path)
    shown: list[str] = []
    async with app.run_test(size=(120, 36)) as pilot:
        real = app.sidebar.set_status
        monkeypatch.setattr(app.sidebar, "set_status", lambda text: (shown.append(text), real(text)))
        await settle(pilot)
    assert any(text.startswith("upgrading the archive: compressing the archive") for text in shown)
