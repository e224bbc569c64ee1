"""The PostgreSQL store's own rules: choosing it, its failures (passwords never
shown), its schema version, the change feed across processes, and
concurrent writers (the shared suites run on it through ``any_store``)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from claude_tui import cli
from claude_tui.store import StoreError
from claude_tui.store.pg.url import masked, scrub
from claude_tui.store.select import StoreChoiceError, open_store, store_url
from tests.store.pg_server import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def entry(uuid: str, text: str, sid: str = "s1") -> dict:
    return {"type": "user", "uuid": uuid, "timestamp": "2026-01-01T00:00:00.000Z", "cwd": "/w",
            "sessionId": sid, "message": {"role": "user", "content": text}}


def test_masking_hides_passwords_everywhere() -> None:
    url = "postgresql://alice:pa55word@db.example:5432/ctui?sslmode=require&password=other"
    shown = masked(url)
    assert "pa55word" not in shown and "other" not in shown
    assert shown.startswith("postgresql://alice:***@db.example:5432/ctui")
    assert "pa55word" not in scrub(f"failed for {url}: user alice pa55word", url)


def test_store_choice_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLAUDE_TUI_STORE_URL", raising=False)
    assert store_url(None, None, None) is None
    assert store_url(None, None, "postgresql://h/c") == "postgresql://h/c"
    monkeypatch.setenv("CLAUDE_TUI_STORE_URL", "postgresql://env/c")
    assert store_url(None, None, "postgresql://h/c") == "postgresql://env/c"
    assert store_url("postgresql://flag/c", None, None) == "postgresql://flag/c"
    assert store_url(None, "/tmp/x.db", None) is None  # --db names the SQLite file
    with pytest.raises(StoreChoiceError, match="--db and --store-url"):
        store_url("postgresql://flag/c", "/tmp/x.db", None)
    with pytest.raises(StoreChoiceError, match="postgresql:// URL"):
        store_url("mysql://u:secret@h/c", None, None)


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "claude_tui", *args], capture_output=True, text=True,
                          env=full, timeout=120)


def test_db_with_store_url_exits_2(tmp_path: Path) -> None:
    done = run_cli("--db", str(tmp_path / "x.db"),
                   "--store-url", "postgresql://u:hush@127.0.0.1:1/c", "ls",
                   env={"XDG_CONFIG_HOME": str(tmp_path)})
    assert done.returncode == 2
    assert "--db and --store-url" in done.stderr and "hush" not in done.stderr + done.stdout
    assert "Traceback" not in done.stderr


def test_unreachable_server_exits_2_with_a_clear_message(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    done = run_cli("ls", env={"CLAUDE_TUI_STORE_URL": f"postgresql://u:hush@127.0.0.1:{port}/c",
                              "XDG_CONFIG_HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path)})
    assert done.returncode == 2, done.stderr
    assert "cannot reach the PostgreSQL store at postgresql://u:***@127.0.0.1" in done.stderr
    assert "hush" not in done.stderr + done.stdout and "Traceback" not in done.stderr


def test_wrong_password_is_named_and_never_shown(pg, tmp_path: Path) -> None:
    url = pg.url(password="WrongPass-9")
    done = run_cli("ls", "--store-url", url, env={"XDG_CONFIG_HOME": str(tmp_path), "PGPASSWORD": ""})
    assert done.returncode == 2
    assert "refused the login" in done.stderr and "password" in done.stderr
    assert "WrongPass-9" not in done.stderr + done.stdout and "Traceback" not in done.stderr


def test_password_from_pgpassword(pg, tmp_path: Path) -> None:
    url = pg.create_database("pgpassword_db").replace(f":{PASSWORD}@", "@")
    done = run_cli("ls", "--store-url", url, env={"XDG_CONFIG_HOME": str(tmp_path), "PGPASSWORD": PASSWORD})
    assert done.returncode == 0, done.stderr


async def test_newer_schema_is_refused_and_left_alone(pg) -> None:
    url = pg.create_database("newer_db")
    await (await open_store(url)).close()
    pg.psql("UPDATE claude_tui.schema_version SET version = 99", db="newer_db")
    with pytest.raises(StoreError, match="newer claude-tui") as info:
        await open_store(url)
    assert PASSWORD not in str(info.value)
    assert pg.psql("SELECT version FROM claude_tui.schema_version", db="newer_db") == "[(99,)]"


async def test_another_process_write_is_heard_within_two_seconds(pg) -> None:
    url = pg.create_database("watch_db")
    async with await open_store(url) as mine, await open_store(url) as other:
        heard = asyncio.Event()
        calls: list[float] = []

        def changed() -> None:
            calls.append(time.monotonic())
            heard.set()

        stop = mine.watch(changed)
        await asyncio.sleep(0.3)  # the listener connects (a write before it is not heard)
        await mine.append({"project_key": "p", "session_id": "own"}, [entry("o1", "mine", "own")])
        await asyncio.sleep(0.3)
        assert not heard.is_set(), "a store's own writes are not news to it"
        started = time.monotonic()
        await other.append({"project_key": "p", "session_id": "s1"}, [entry("u1", "from elsewhere")])
        await asyncio.wait_for(heard.wait(), timeout=2)
        assert calls[0] - started < 2
        heard.clear()
        await other.update_session("p", "s1", pinned=True)
        await asyncio.wait_for(heard.wait(), timeout=2)
        stop()


WRITER = """
import asyncio, sys
from claude_tui.store.select import open_store
async def main(url, tag):
    async with await open_store(url) as s:
        for i in range(40):
            own = {"project_key": "p", "session_id": f"{tag}-{i % 4}"}
            shared = {"project_key": "p", "session_id": "shared"}
            line = {"type": "user", "uuid": f"{tag}{i}", "timestamp": "2026-01-01T00:00:00Z",
                    "message": {"role": "user", "content": f"m {tag} {i}"}}
            both = {"type": "user", "uuid": f"both{i}", "timestamp": "2026-01-01T00:00:00Z",
                    "message": {"role": "user", "content": f"same {i}"}}
            await s.append(own, [line])
            await s.append(shared, [line, both])
asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def test_two_processes_append_at_once_lose_and_duplicate_nothing(pg) -> None:
    url = pg.create_database("concurrent_db")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, url, tag], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for tag in ("a", "b")]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()

    async def check() -> None:
        async with await open_store(url) as s:
            rows = {r.session_id: r for r in await s.sessions()}
            assert sum(rows[f"{t}-{n}"].message_count for t in "ab" for n in range(4)) == 80
            shared = await s.load({"project_key": "p", "session_id": "shared"})
            uuids = [e["uuid"] for e in shared]
            assert len(uuids) == len(set(uuids)) == 120  # 40 a, 40 b, 40 written by both once
            assert rows["shared"].message_count == 120

    asyncio.run(check())


def test_sqlite_users_never_load_the_postgres_driver(tmp_path: Path) -> None:
    code = (
        "import asyncio, sys, claude_tui.cli, claude_tui.app\n"
        "from claude_tui.store.select import open_store\n"
        "async def main():\n"
        f"    await (await open_store({str(tmp_path / 'x.db')!r})).close()\n"
        "asyncio.run(main())\n"
        "print([m for m in sys.modules if m.startswith('psycopg') or m == 'claude_tui.store.pg.store'])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.stdout.strip() == "[]"


async def test_server_stopped_and_started_again_loses_nothing() -> None:
    from tests.store import pg_server

    try:
        server = await asyncio.to_thread(pg_server.start)  # its own: this test stops it
    except pg_server.Unavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    try:
        url = server.create_database("restart_db")
        key = {"project_key": "p", "session_id": "s1"}
        async with await open_store(url) as store:
            await store.append(key, [entry("u1", "before the outage")])
            came_back = asyncio.Event()
            store.watch(lambda: None, came_back.set)
            await asyncio.sleep(0.3)  # the listener is connected
            await asyncio.to_thread(server.stop)
            with pytest.raises(StoreError) as info:
                await store.append(key, [entry("u2", "during the outage")])
            assert "PostgreSQL store" in str(info.value) and PASSWORD not in str(info.value)
            with pytest.raises(StoreError):
                await store.sessions()
            await asyncio.to_thread(server.start)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 30
            while True:  # the backoff lets a call through again within seconds
                try:
                    rows = await store.sessions()
                    break
                except StoreError:
                    if loop.time() > deadline:
                        raise
                    await asyncio.sleep(0.2)
            assert [r.session_id for r in rows] == ["s1"]
            await asyncio.wait_for(came_back.wait(), timeout=20)  # the feed says the server is back
            # What the local transcript held meanwhile is written when the server is back.
            await store.append(key, [entry("u2", "during the outage"), entry("u3", "after")])
            assert [e["uuid"] for e in await store.load(key)] == ["u1", "u2", "u3"]
            assert [h.uuid for h in await store.search_messages("outage")] == ["u2", "u1"]
    finally:
        await asyncio.to_thread(server.cleanup)


def test_where_names_the_shared_store_without_its_password(tmp_path: Path) -> None:
    done = run_cli("--where", "--store-url", "postgresql://alice:Hush-77@db.example/ctui",
                   env={"XDG_CONFIG_HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert "postgresql://alice:***@db.example/ctui" in done.stdout and "Hush-77" not in done.stdout


async def test_a_version_1_database_is_upgraded_and_keeps_its_rows(pg) -> None:
    url = pg.create_database("upgrade_db")
    async with await open_store(url) as store:
        await store.append({"project_key": "p", "session_id": "s1"}, [entry("u1", "kept across the upgrade")])
    pg.psql("ALTER TABLE claude_tui.sessions DROP COLUMN note, DROP COLUMN fork_message,"
            " DROP COLUMN parent_session_id; UPDATE claude_tui.schema_version SET version = 1", db="upgrade_db")
    async with await open_store(url) as store:
        await store.update_session("p", "s1", note="a note")
        [row] = await store.sessions()
        assert row.note == "a note" and row.display_title == "kept across the upgrade"
    assert pg.psql("SELECT version FROM claude_tui.schema_version", db="upgrade_db") == "[(2,)]"
