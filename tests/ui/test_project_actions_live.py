"""'Move project' and 'Open in Claude Code' through the REAL bundled CLI and the
fake Messages API (Open in Claude Code runs a stub CLI set as ``[claude] cli_path``:
the pilot harness cannot hand a terminal over, so ``App.suspend`` is replaced by
a context manager that records it was used, as the login test does)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from claude_tui.engine.processes import alive
from claude_tui.screens.move_project import MoveProjectScreen
from tests.fakes.anthropic_api import FakeAnthropicAPI, messages_texts
from tests.fakes.cli_env import CliEnv, project_dir_name
from tests.ui.fixtures import screen_text, wait_until
from tests.ui.test_live import SIZE, WAIT_S, live_app, live_of, ready, send, stored_session, turn_done  # noqa: F401 (fixture)


async def highlight(pilot: Any, key: tuple[str, str]) -> None:
    app = pilot.app
    app.session_list.focus()
    assert app.session_list.select_key(key)
    await pilot.pause()


async def test_move_project_then_resume_sends_the_earlier_turns_from_the_new_folder(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any], tmp_path: Path
) -> None:
    key = await stored_session(live_app, "remember kiwi")
    old = str(cli_env.cwd)
    new = tmp_path / "renamed project"
    os.rename(cli_env.cwd, new)  # the user moved the folder
    new_key = project_dir_name(new)
    app = live_app(folder_exists=os.path.isdir)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await wait_until(pilot, lambda: old in app.folders.missing, WAIT_S, "the folder found gone")
        await wait_until(pilot, lambda: "folder gone" in screen_text(app), what="the mark drawn")
        await highlight(pilot, key)
        await app.run_action("move_project")
        await wait_until(pilot, lambda: isinstance(app.screen, MoveProjectScreen) and app.screen.query("#move-input"), what="dialog")
        await wait_until(pilot, lambda: "(gone)" in screen_text(app), what="the dialog drawn")
        await pilot.press("ctrl+a", "ctrl+k", *str(tmp_path / "nowhere"), "enter")
        await wait_until(pilot, lambda: "does not exist" in str(app.screen.query_one("#move-error").render()), what="refused")
        await pilot.press("ctrl+a", "ctrl+k", *str(new), "enter")
        moved = (new_key, key[1])
        await wait_until(pilot, lambda: moved in app._by_key, WAIT_S, "moved in the sidebar")
        assert app._by_key[moved].cwd == str(new) and key not in app._by_key
        await wait_until(pilot, lambda: not app.folders.missing, WAIT_S, "no folder gone now")
        app.open_session(moved)
        await wait_until(pilot, lambda: app.current_view is not None and app.current_view.key == moved, WAIT_S, "opened")
        await wait_until(pilot, lambda: "remember kiwi" in screen_text(app), WAIT_S, "history shown")
        await send(pilot, "which fruit")
        await turn_done(pilot)
    request = fake_api.message_requests[-1]
    texts = messages_texts(request)
    assert any("remember kiwi" in t for t in texts) and any("which fruit" in t for t in texts)
    assert str(new) in json.dumps(request.body)  # the CLI ran in the new folder (its environment notes say so)
    local = cli_env.projects_dir / new_key / f"{key[1]}.jsonl"
    assert local.is_file() and "remember kiwi" in local.read_text()  # restored there from the store


STUB = """\
#!{python}
import datetime, glob, json, os, sys, uuid
args = sys.argv[1:]
with open(os.environ["STUB_RECORD"], "a") as record:
    record.write(json.dumps({{"argv": args, "cwd": os.getcwd()}}) + "\\n")
if args[:1] != ["--resume"]:
    sys.exit(3)
sid = args[1]
path = glob.glob(os.path.join(os.environ["CLAUDE_CONFIG_DIR"], "projects", "*", sid + ".jsonl"))[0]
lines = [json.loads(line) for line in open(path) if line.strip()]
like = {{kind: next(e for e in reversed(lines) if e.get("type") == kind) for kind in ("user", "assistant")}}
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
user = dict(like["user"], uuid=str(uuid.uuid4()), parentUuid=lines[-1].get("uuid"), timestamp=now,
            message={{"role": "user", "content": "typed in claude code"}})
reply = dict(like["assistant"], uuid=str(uuid.uuid4()), parentUuid=user["uuid"], timestamp=now,
             message={{"id": "msg_stub", "type": "message", "role": "assistant", "model": "claude-stub",
                       "content": [{{"type": "text", "text": "reply made in claude code"}}],
                       "stop_reason": "end_turn", "usage": {{"input_tokens": 1, "output_tokens": 1}}}})
with open(path, "a") as out:
    out.write(json.dumps(user) + "\\n" + json.dumps(reply) + "\\n")
"""


@pytest.fixture
def stub_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    script = tmp_path / "stub-claude"
    script.write_text(STUB.format(python=sys.executable))
    script.chmod(0o755)
    record = tmp_path / "stub-record.jsonl"
    monkeypatch.setenv("STUB_RECORD", str(record))
    return script, record


async def test_open_in_claude_code_runs_resume_in_the_folder_and_shows_the_new_turn(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any], stub_cli: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    script, record = stub_cli
    key = await stored_session(live_app, "remember kiwi")
    local = cli_env.transcript_path(key[1])
    local.unlink()  # swept by Claude Code: restored from the store before the CLI runs
    app = live_app()
    suspended: list[bool] = []

    @contextmanager
    def suspend() -> Iterator[None]:
        suspended.append(True)
        yield

    monkeypatch.setattr(app, "suspend", suspend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        # Another session, live, keeps its CLI while Claude Code has the terminal.
        await send(pilot, "remember plum")
        await turn_done(pilot)
        other = app.current_view
        other_worker = live_of(app).worker
        pid = other_worker.pid
        app.settings.claude.cli_path = str(script)  # the config read at the action
        app.open_session(key)
        await wait_until(pilot, lambda: app.current_view is not None and app.current_view.key == key, WAIT_S, "opened")
        await wait_until(pilot, lambda: "remember kiwi" in screen_text(app), WAIT_S, "history shown")
        await pilot.press("alt+o")
        await wait_until(pilot, lambda: "reply made in claude code" in screen_text(app), WAIT_S, "the new turn shown")
        assert suspended == [True]
        assert app.current_view.key == key
        assert alive(pid) and app.view_for(other.key) is other and live_of(app, other).worker is other_worker
        row = app._by_key[key]
        assert row.message_count == 4
    runs = [json.loads(line) for line in record.read_text().splitlines()]
    assert runs == [{"argv": ["--resume", key[1]], "cwd": os.path.realpath(cli_env.cwd)}]
    text = local.read_text()
    assert "remember kiwi" in text and "typed in claude code" in text


async def test_open_in_claude_code_where_the_app_cannot_suspend_says_so(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any], stub_cli: tuple[Path, Path]
) -> None:
    script, record = stub_cli
    key = await stored_session(live_app, "remember kiwi")
    app = live_app()
    async with app.run_test(size=SIZE) as pilot:  # headless: no terminal to hand over
        await ready(pilot)
        app.settings.claude.cli_path = str(script)
        await highlight(pilot, key)
        await pilot.press("alt+o")
        await wait_until(pilot, lambda: any("cannot be handed over" in str(n.message) for n in app._notifications), WAIT_S, "said")
    assert not record.exists()
