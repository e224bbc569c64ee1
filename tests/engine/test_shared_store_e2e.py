"""Two machines, one PostgreSQL store, through the real CLI and the fake API.

Machine A (its own HOME / CLAUDE_CONFIG_DIR / TMPDIR) runs a turn; machine B,
which has never seen the session, resumes it from the shared store (restored
into B's Claude Code folder, then resumed): the API receives A's turn in
B's request, and A's store then holds B's turn too.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from claude_tui.engine import SessionStarted
from claude_tui.store.select import open_store
from tests.engine.helpers import engine_settings, make_worker, of, turn
from tests.engine.test_worker_e2e import messages_texts
from tests.fakes.anthropic_api import FakeAnthropicAPI
from tests.fakes.cli_env import CliEnv, make_cli_env


async def test_a_session_started_on_one_machine_resumes_on_another(
    pg, fake_api: FakeAnthropicAPI, cli_env: CliEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = pg.create_database("two_machines")
    short = Path(tempfile.mkdtemp(prefix="ctui-b-"))
    machine_b = dataclasses.replace(
        make_cli_env(tmp_path / "b", fake_api.base_url, tmpdir=short), cwd=cli_env.cwd
    )
    try:
        async with await open_store(url) as store_a, await open_store(url) as store_b:
            worker = make_worker(cli_env, engine_settings(), store_a).start()
            await turn(worker, "the secret is mango")
            await worker.close()
            sid = worker.session_id
            assert not machine_b.transcript_path(sid).exists()

            for key in ("HOME", "CLAUDE_CONFIG_DIR", "TMPDIR"):  # now we are machine B
                monkeypatch.setenv(key, machine_b.env[key])
            again = make_worker(machine_b, engine_settings(), store_b, session_id=sid, resume=True).start()
            with again.events() as stream:
                result = await turn(again, "what is the secret?")
                events = stream.drain()
            await again.close()

            assert result.outcome == "completed"
            assert of(events, SessionStarted)[0].resumed
            assert machine_b.transcript_path(sid).is_file()
            sent = messages_texts(fake_api.message_requests[-1])
            assert sent[0] == "the secret is mango" and sent[-1] == "what is the secret?"
            [row] = [r for r in await store_a.sessions() if r.session_id == sid]
            assert row.message_count == 4  # two prompts, two replies: one session, not two
            seen_by_a = [h.session_id for h in await store_a.search_messages("secret")]
            assert seen_by_a.count(sid) >= 2  # A's prompt and B's prompt
    finally:
        shutil.rmtree(short, ignore_errors=True)


async def test_resume_through_the_path_map_keeps_one_session(
    pg, fake_api: FakeAnthropicAPI, cli_env: CliEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Machine B keeps the project in another folder: ``[store] path_map`` maps
    A's folder to B's, the session resumes there, and B's turns land in the
    same stored session (not a second one under B's folder)."""
    from claude_tui.engine.manager import SessionManager

    url = pg.create_database("path_map")
    short = Path(tempfile.mkdtemp(prefix="ctui-b-"))
    machine_b = make_cli_env(tmp_path / "b", fake_api.base_url, tmpdir=short)  # its own project folder
    assert machine_b.cwd != cli_env.cwd
    try:
        async with await open_store(url) as store_a, await open_store(url) as store_b:
            worker = make_worker(cli_env, engine_settings(), store_a).start()
            await turn(worker, "the secret is papaya")
            await worker.close()
            sid = worker.session_id
            [row_a] = await store_a.sessions()

            for key in ("HOME", "CLAUDE_CONFIG_DIR", "TMPDIR"):  # now we are machine B
                monkeypatch.setenv(key, machine_b.env[key])
            settings = engine_settings()
            settings.store.path_map = {os.path.dirname(row_a.cwd): str(machine_b.cwd.parent)}
            manager = SessionManager(settings, store_b, env=dict(machine_b.env), config_dir=machine_b.config_dir)
            try:
                again = await manager.open_session(sid)
                assert again.spec.cwd == str(machine_b.cwd)
                result = await turn(again, "what is the secret?")
                await again.persister.flush(20)
            finally:
                await manager.shutdown(timeout=5)

            assert result.outcome == "completed"
            sent = messages_texts(fake_api.message_requests[-1])
            assert sent[0] == "the secret is papaya" and sent[-1] == "what is the secret?"
            rows = await store_a.sessions()
            assert [(r.project_key, r.session_id) for r in rows] == [(row_a.project_key, sid)]
            assert rows[0].message_count == 4
            hits = [h.session_id for h in await store_a.search_messages("secret")]
            assert set(hits) == {sid} and len(hits) >= 2  # A's prompt and B's, in the one session

            settings.store.path_map = {os.path.dirname(row_a.cwd): str(tmp_path / "nowhere")}
            lost = SessionManager(settings, store_b, env=dict(machine_b.env), config_dir=machine_b.config_dir)
            with pytest.raises(LookupError, match="does not exist"):
                await lost.open_session(sid)
            await lost.shutdown(timeout=5)
    finally:
        shutil.rmtree(short, ignore_errors=True)
