"""Start-up paints first, then imports Claude Code transcripts in the background."""

from __future__ import annotations

import shutil
from pathlib import Path

from claude_tui.widgets.session_list import SessionItem
from tests.ui.fixtures import make_app, screen_text, settle, wait_until

DATA = Path(__file__).resolve().parents[1] / "data" / "claude_home"


async def test_background_import_adds_sessions_with_progress(tmp_path: Path) -> None:
    claude_dir = tmp_path / "claude"
    shutil.copytree(DATA, claude_dir)
    app = make_app(tmp_path, claude_dir=claude_dir)
    shown: list[tuple[int, int, str]] = []
    async with app.run_test(size=(120, 36)) as pilot:
        original = app.sidebar.show_import

        def record(done: int, total: int, label: str) -> None:
            shown.append((done, total, label))
            original(done, total, label)

        app.sidebar.show_import = record  # type: ignore[method-assign]
        # The first frame is up before the import finished: the welcome says it is looking.
        await wait_until(pilot, lambda: app.sessions_loaded, what="listed")
        await settle(pilot)
        rows = [r for r in app.session_list.rows if isinstance(r, SessionItem)]
        assert len(rows) == 5
        assert {r.session.cwd for r in rows} == {"/tmp/claude-tui-rec/alpha", "/tmp/claude-tui-rec/beta"}
        progress = [s for s in shown if s[1] == 5]
        assert [s[0] for s in progress] == [1, 2, 3, 4, 5]
        assert progress[0][2] == "Importing 1/5 transcripts"
        assert not app.query_one("#import-box").display  # hidden when done
        assert "5 sessions" in screen_text(app)
        assert app.import_report is not None and app.import_report.entries_added > 0


async def test_first_run_without_claude_sessions_says_how_to_start(tmp_path: Path) -> None:
    app = make_app(tmp_path, claude_dir=tmp_path / "nothing-here")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "No Claude Code sessions were found in" in text
        assert "^n" in text
        assert "no sessions yet" in text


async def test_found_but_empty_transcripts_are_reported(tmp_path: Path) -> None:
    claude_dir = tmp_path / "claude"
    project = claude_dir / "projects" / "-tmp-x"
    project.mkdir(parents=True)
    (project / "11111111-2222-3333-4444-555555555555.jsonl").write_text('{"type":"queue-operation"}\n')
    app = make_app(tmp_path, claude_dir=claude_dir)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "Found 1 transcript file" in screen_text(app)


async def test_import_failure_is_reported_and_the_app_keeps_running(tmp_path: Path, monkeypatch) -> None:
    import claude_tui.store.importer as importer

    async def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(importer, "import_transcripts", broken)
    app = make_app(tmp_path, claude_dir=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.is_running
        assert any("disk on fire" in str(n.message) for n in app._notifications)


async def test_unusable_database_is_explained(tmp_path: Path) -> None:
    (tmp_path / "sessions.db").write_bytes(b"this is not sqlite" * 100)
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: app.store_error is not None, what="error")
        await pilot.pause()
        assert "The session database cannot be used" in screen_text(app)
