"""The app on a shared PostgreSQL store: sessions written by another machine
appear in the sidebar within 2 s, without a restart (LISTEN/NOTIFY)."""

from __future__ import annotations

import time
from pathlib import Path

from claude_tui.store.select import open_store
from tests.ui.fixtures import make_app, screen_text, settle, wait_until


async def test_a_session_written_elsewhere_appears_within_two_seconds(pg, tmp_path: Path) -> None:
    url = pg.create_database("ui_watch")
    app = make_app(tmp_path, store_url=url, import_on_start=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.store is not None and "Written on the laptop" not in screen_text(app)
        async with await open_store(url) as laptop:
            await pilot.pause(0.3)  # the app's listener is connected
            await laptop.append(
                {"project_key": "-home-alice-src", "session_id": "0badcafe-0000-0000-0000-000000000001"},
                [{"type": "user", "uuid": "00000000-0000-0000-0000-0000000000aa", "cwd": "/home/alice/src",
                  "timestamp": "2026-01-01T00:00:00.000Z", "sessionId": "0badcafe-0000-0000-0000-000000000001",
                  "message": {"role": "user", "content": "Written on the laptop"}}],
            )
            started = time.monotonic()  # committed: the clock of "within 2 s" starts
            await wait_until(pilot, lambda: "Written on the laptop" in screen_text(app), timeout=2,
                             what="the other machine's session in the sidebar")
            assert time.monotonic() - started < 2


async def test_an_unreachable_server_is_said_without_the_password(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = make_app(tmp_path, store_url=f"postgresql://alice:Hush-42@127.0.0.1:{port}/ctui", import_on_start=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: app.store_error, what="the store error")  # (it keeps retrying)
        assert app.store is None
        assert "cannot reach the PostgreSQL store at postgresql://alice:***@127.0.0.1" in app.store_error
        shown = screen_text(app) + " ".join(str(n.message) for n in app._notifications)
        assert "Hush-42" not in shown and "Hush-42" not in app.store_error


async def test_the_app_reaches_a_server_that_comes_back(tmp_path: Path) -> None:
    import asyncio
    import os

    import pytest

    from tests.store import pg_server

    try:
        server = await asyncio.to_thread(pg_server.start)  # its own: this test stops it
    except pg_server.Unavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    try:
        url = server.create_database("comes_back")
        async with await open_store(url) as store:
            await store.append(
                {"project_key": "-w", "session_id": "0badcafe-0000-0000-0000-000000000002"},
                [{"type": "user", "uuid": "00000000-0000-0000-0000-0000000000bb", "cwd": "/w",
                  "timestamp": "2026-01-01T00:00:00.000Z", "message": {"role": "user", "content": "Kept on the server"}}],
            )
        await asyncio.to_thread(server.stop)
        app = make_app(tmp_path, store_url=url, import_on_start=False)
        async with app.run_test(size=(120, 36)) as pilot:
            status = app.sidebar.query_one("#sidebar-status")
            await wait_until(pilot, lambda: "retrying" in str(status.render()), what="the retry said")
            await asyncio.to_thread(server.start)
            await wait_until(pilot, lambda: "Kept on the server" in screen_text(app), timeout=15,
                             what="the store opened after the server came back")
            assert app.store is not None and app.store_error is None
    finally:
        await asyncio.to_thread(server.cleanup)


async def test_turns_saved_locally_during_an_outage_are_written_when_the_server_is_back(tmp_path: Path) -> None:
    import asyncio
    import json
    import os

    import pytest

    from tests.store import pg_server

    try:
        server = await asyncio.to_thread(pg_server.start)  # its own: this test stops it
    except pg_server.Unavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    claude_dir = tmp_path / "claude"
    sid = "0badcafe-0000-0000-0000-000000000003"
    local = claude_dir / "projects" / "-w" / f"{sid}.jsonl"
    local.parent.mkdir(parents=True)
    try:
        url = server.create_database("outage")
        app = make_app(tmp_path, store_url=url, import_on_start=False, claude_dir=claude_dir)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await pilot.pause(0.3)  # the change feed is connected
            await asyncio.to_thread(server.stop)
            local.write_text(json.dumps({  # a turn Claude Code finished while the server was away
                "type": "user", "uuid": "00000000-0000-0000-0000-0000000000cc", "cwd": "/w", "sessionId": sid,
                "timestamp": "2026-01-01T00:00:00.000Z", "message": {"role": "user", "content": "Held during the outage"},
            }) + "\n")
            await asyncio.to_thread(server.start)
            await wait_until(pilot, lambda: "Held during the outage" in screen_text(app), timeout=30,
                             what="the held turn written and listed once the server is back")
        async with await open_store(url) as store:
            assert [r.session_id for r in await store.sessions()] == [sid]
    finally:
        await asyncio.to_thread(server.cleanup)


async def test_a_session_without_a_folder_here_offers_to_pick_it(pg, tmp_path: Path) -> None:
    """A session from another machine whose folder is not here: the app says so,
    offers to pick the folder, and the choice becomes a [store] path_map entry."""
    import tomllib

    from claude_tui.screens.directory import DirectoryScreen
    from tests.ui.fixtures import open_and_settle

    url = pg.create_database("pick_folder")
    elsewhere = "/nonexistent-elsewhere/alice/src/shop"
    key = ("-nonexistent-elsewhere-alice-src-shop", "0badcafe-0000-0000-0000-000000000004")
    async with await open_store(url) as laptop:
        await laptop.append(
            {"project_key": key[0], "session_id": key[1]},
            [{"type": "user", "uuid": "00000000-0000-0000-0000-0000000000dd", "cwd": elsewhere, "sessionId": key[1],
              "timestamp": "2026-01-01T00:00:00.000Z", "message": {"role": "user", "content": "Started on the laptop"}}],
        )
    here = tmp_path / "shop-here"
    here.mkdir()
    app = make_app(tmp_path, store_url=url, import_on_start=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_and_settle(pilot, key)
        await pilot.press(*"go on", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DirectoryScreen), what="the folder picker")
        assert elsewhere in screen_text(app)
        field = app.screen.query_one("#directory-input")
        field.value = str(here)
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, DirectoryScreen), what="the picker closed")
        assert app.settings.store.path_map == {elsewhere: str(here)}
        await wait_until(pilot, lambda: (tmp_path / "config.toml").exists(), what="the config saved")
    saved = tomllib.loads((tmp_path / "config.toml").read_text())
    assert saved["store"]["path_map"] == {elsewhere: str(here)}
    assert "url" not in saved.get("store", {})  # the URL (and its password) never written
