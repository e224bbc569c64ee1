"""Context files through the REAL CLI and the fake Messages API: attached in the
picker, sent once (and again only when changed), kept across a restart."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from claude_tui.screens.file_picker import FilePickerScreen
from tests.fakes.anthropic_api import FakeAnthropicAPI, last_user_text
from tests.fakes.cli_env import CliEnv
from tests.ui.fixtures import wait_until
from tests.ui.test_live import SIZE, WAIT_S, live_app, live_of, ready, send, turn_done  # noqa: F401

MARK = "MARKER-of-notes-file-41"


def request_for(fake_api: FakeAnthropicAPI, prompt: str) -> str:
    """The last user text of the newest request that carried ``prompt``."""
    for req in reversed(fake_api.message_requests):
        text = last_user_text(req)
        if prompt in text:
            return text
    raise AssertionError(f"no request carried {prompt!r}")


async def attach_typed(pilot: Any, typed: str) -> None:
    app = pilot.app
    await pilot.press("f3")
    await wait_until(pilot, lambda: isinstance(app.screen, FilePickerScreen), what="picker")
    await pilot.press(*typed)
    await pilot.press("enter")
    await wait_until(pilot, lambda: not isinstance(app.screen, FilePickerScreen), what="picker closed")


async def test_attach_send_once_again_when_changed_and_restart_keeps_marks(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]  # noqa: F811
) -> None:
    notes = Path(cli_env.cwd) / "my notes.txt"  # a space in the name
    notes.write_text(f"{MARK}\n")
    app = live_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await attach_typed(pilot, "my notes.txt")  # a draft: files before its first send
        live = live_of(app)
        await wait_until(pilot, lambda: "my notes.txt" in app.panels.side.context.plain, what="listed")
        app.pane_for_view(app.current_view).prompt.focus()
        await send(pilot, "first")
        await turn_done(pilot)
        assert MARK in request_for(fake_api, "first")
        await wait_until(pilot, lambda: "sent" in app.panels.side.context.plain, WAIT_S, "marked sent")
        await send(pilot, "second")
        await turn_done(pilot)
        assert MARK not in request_for(fake_api, "second")
        key = app.current_view.key
        assert key is not None and live.session_id == key[1]
    # A restart: the attachment and its sent mark are kept; unchanged, it is not sent again.
    app = live_app(resume=key)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await wait_until(pilot, lambda: "my notes.txt" in app.panels.side.context.plain, WAIT_S, "kept")
        app.pane_for_view(app.current_view).prompt.focus()
        await send(pilot, "third")
        await turn_done(pilot)
        assert MARK not in request_for(fake_api, "third")
        # Changed on disk: sent again with the next prompt.
        notes.write_text(f"{MARK} v2\n")
        await send(pilot, "fourth")
        await turn_done(pilot)
        assert f"{MARK} v2" in request_for(fake_api, "fourth")


async def test_marked_rows_attach_and_a_too_large_file_keeps_the_prompt(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]  # noqa: F811
) -> None:
    cwd = Path(cli_env.cwd)
    (cwd / "a.txt").write_text("alpha\n")
    (cwd / "b.txt").write_text("beta\n")
    (cwd / "big.txt").write_text("x" * 5000)
    app = live_app()
    app.settings.context.max_file_bytes = 4096
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, FilePickerScreen), what="picker")
        picker = app.screen
        await pilot.press(*".txt")
        await pilot.press("down")
        tree = picker.tree
        await wait_until(pilot, lambda: tree.has_focus and tree.root.children, what="tree")

        def on(name: str) -> bool:
            node = tree.cursor_node
            return node is not None and node.data is not None and Path(node.data.path).name == name

        for name in ("a.txt", "b.txt"):
            for _ in range(10):
                if on(name):
                    break
                await pilot.press("down")
            assert on(name)
            await pilot.press("space")
        assert [p.name for p in tree.marked] == ["a.txt", "b.txt"]
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, FilePickerScreen), what="closed")
        live = live_of(app)
        await wait_until(pilot, lambda: len(app.panels.files.paths(live)) == 2, what="two attached")
        await attach_typed(pilot, "big.txt")
        await wait_until(pilot, lambda: "too large" in app.panels.side.context.plain, what="too large shown")
        prompt = app.pane_for_view(app.current_view).prompt
        prompt.focus()
        await send(pilot, "hello")
        await pilot.pause()
        assert prompt.text == "hello"  # kept, not sent
        assert not fake_api.message_requests
        # Remove it with the row key: then the prompt goes, with a and b.
        listing = app.panels.side.query_one("#context-list")
        listing.focus()
        listing.highlighted = 2
        await pilot.press("delete")
        await wait_until(pilot, lambda: "big.txt" not in app.panels.side.context.plain, what="removed")
        prompt.focus()
        await pilot.press("enter")
        await turn_done(pilot)
        text = request_for(fake_api, "hello")
        assert "alpha" in text and "beta" in text and "xxxx" not in text


async def test_timeout_override_persists_counts_down_and_fires(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]  # noqa: F811
) -> None:
    from claude_tui.screens.timeouts_edit import TimeoutsScreen
    from tests.fakes.anthropic_api import Fault

    app = live_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await send(pilot, "hello")
        await turn_done(pilot)
        panel = app.panels.side.timeouts
        assert "config" in panel.plain and "this session" not in panel.plain
        await pilot.press("f4")
        await wait_until(pilot, lambda: isinstance(app.screen, TimeoutsScreen), what="editor")
        stall = app.screen.query_one("#timeout-stall")
        stall.focus()
        await pilot.press(*"abc")
        await wait_until(pilot, lambda: "not a number" in str(app.screen.query_one("#timeouts-error").render()), what="named")
        await pilot.press("backspace", "backspace", "backspace", "3", "enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, TimeoutsScreen), what="saved")
        await wait_until(pilot, lambda: "this session" in panel.plain, what="marked this session")
        key = app.current_view.key
        app.pane_for_view(app.current_view).prompt.focus()
        fake_api.queue_fault(Fault.stall(after_deltas=3, hold_s=30))
        await send(pilot, "stall please")
        await wait_until(pilot, lambda: "stall: " in panel.plain and "left" in panel.plain, WAIT_S, "countdown")
        await wait_until(pilot, lambda: "fired stall (3 s)" in panel.plain, WAIT_S, "fired")
        await wait_until(pilot, lambda: "interrupted" in panel.plain, WAIT_S, "what happened")
        await turn_done(pilot)
    # Restart: the override is kept, shown and in force.
    app = live_app(resume=key)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        panel = app.panels.side.timeouts
        await wait_until(pilot, lambda: "this session" in panel.plain, WAIT_S, "override kept")
        app.pane_for_view(app.current_view).prompt.focus()
        fake_api.queue_fault(Fault.stall(after_deltas=3, hold_s=30))
        await send(pilot, "stall again")
        await wait_until(pilot, lambda: "fired stall (3 s)" in panel.plain, WAIT_S, "fired at the new value")
        await turn_done(pilot)


async def test_change_model_reaches_the_next_request(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]  # noqa: F811
) -> None:
    from claude_tui.screens.model_picker import ModelScreen

    app = live_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await send(pilot, "hello")
        await turn_done(pilot)
        first = fake_api.message_requests[-1].body["model"]
        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(app.screen, ModelScreen), what="model picker")
        await pilot.press(*"bad name")
        await wait_until(pilot, lambda: "no spaces" in str(app.screen.query_one("#model-error").render()), what="named")
        app.screen.query_one("#model-input").value = ""
        await pilot.press(*"claude-haiku-4-5", "enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, ModelScreen), what="closed")
        live = live_of(app)
        await wait_until(pilot, lambda: live.state is not None and live.state.model == "claude-haiku-4-5", WAIT_S, "switched")
        app.pane_for_view(app.current_view).prompt.focus()
        await send(pilot, "again")
        await turn_done(pilot)
        req = next(r for r in reversed(fake_api.message_requests) if "again" in last_user_text(r))
        assert req.body["model"] == "claude-haiku-4-5" != first
        assert "claude-haiku-4-5" in app.panels.side.session.plain


async def test_reconnect_now_gets_a_new_cli_and_the_panel_follows(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]  # noqa: F811
) -> None:
    app = live_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await send(pilot, "hello")
        await turn_done(pilot)
        live = live_of(app)
        panel = app.panels.side.session
        await wait_until(pilot, lambda: "connected" in panel.plain and "pid" in panel.plain, WAIT_S, "connected")
        pid = live.worker.cli_pid
        assert "Reconnect now" in [c.title for c in app.get_system_commands(app.screen)]
        await app.action_reconnect()
        await wait_until(pilot, lambda: live.worker.cli_pid not in (None, pid) and live.state.phase.value == "ready", WAIT_S, "new CLI")
        await wait_until(pilot, lambda: f"pid {live.worker.cli_pid}" in panel.plain, WAIT_S, "panel shows it")
        app.pane_for_view(app.current_view).prompt.focus()
        await send(pilot, "still there?")
        await turn_done(pilot)


async def test_killing_the_cli_shows_reconnecting_with_a_countdown_then_connected(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]  # noqa: F811
) -> None:
    import os
    import signal

    from tests.engine.helpers import engine_settings

    app = live_app(settings=engine_settings(reconnect={"backoff_initial": 1.5, "backoff_max": 1.5}))
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await send(pilot, "hello")
        await turn_done(pilot)
        live = live_of(app)
        panel = app.panels.side.session
        await wait_until(pilot, lambda: "connected" in panel.plain, WAIT_S, "connected")
        os.kill(live.worker.cli_pid, signal.SIGKILL)
        await wait_until(
            pilot, lambda: "reconnecting: attempt 1 of 3" in panel.plain and "next try in" in panel.plain, WAIT_S, "reconnecting"
        )
        await wait_until(pilot, lambda: "phase    connected" in panel.plain, WAIT_S, "connected again")
