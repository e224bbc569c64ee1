"""The live half through the REAL bundled CLI and the fake Messages API: sending and
streaming, resume after a restart, background sessions, the queue, permissions,
interrupt and retry, quitting mid-stream.

Every wait is a bounded condition (``wait_until``), never a sleep. The app gets
the CLI's environment through ``engine_env`` and the CLI's config folder as
``claude_config_dir``, so the engine's transcripts and the store agree.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual import events

from claude_tui.engine.processes import alive, cli_children
from claude_tui.screens.permission import PermissionScreen
from claude_tui.widgets.marker import Marker
from claude_tui.widgets.message import MessageView
from claude_tui.widgets.notice import Notice
from claude_tui.widgets.queued_prompt import QueuedPrompt
from claude_tui.widgets.streaming_reply import StreamingReply
from tests.engine.test_worker_e2e import engine_settings
from tests.fakes.anthropic_api import FakeAnthropicAPI, Fault, Text, ToolUse, last_user_text, messages_texts
from tests.fakes.cli_env import CliEnv
from tests.ui.fixtures import make_app, screen_text, wait_until

WAIT_S = 20.0
SIZE = (120, 36)
CODE_REPLY = "Here is the code:\n\n```python\nprint('hi')\nx = [1, 2]\n```\n\nThat is **all**."


@pytest.fixture
def live_app(cli_env: CliEnv, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Apps on one store and one CLI config folder (a second app is a restart)."""

    def make(**kwargs: Any) -> Any:
        return make_app(
            tmp_path,
            claude_dir=cli_env.config_dir,
            cwd=cli_env.cwd,
            engine_env=cli_env.with_env(**kwargs.pop("env_overrides", {})),
            settings=kwargs.pop("settings", None) or engine_settings(),
            import_on_start=False,
            **kwargs,
        )

    yield make
    assert not cli_children(), "a CLI process was left running"


def live_of(app: Any, view: Any = None) -> Any:
    return app.live.session_of(view or app.current_view)


async def ready(pilot: Any) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: app.sessions_loaded and app.live.manager is not None, what="engine ready")
    await wait_until(pilot, lambda: app.current_view is not None, what="a view is open")


async def send(pilot: Any, text: str) -> None:
    await pilot.press(*text)
    await pilot.press("enter")


async def send_until_held(pilot: Any, fake_api: FakeAnthropicAPI, text: str) -> None:
    """Send ``text`` and wait until the test API holds its reply mid-stream (a queued stall)."""
    await send(pilot, text)
    await fake_api.wait_for_held(1, timeout=WAIT_S)


async def stored_session(live_app: Callable[..., Any], prompt: str) -> Any:
    """Run one app through one turn of a new session; returns its key (the app has quit)."""
    app = live_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await send(pilot, prompt)
        await turn_done(pilot)
        key = app.current_view.key
        await wait_until(pilot, lambda: key in app._by_key, WAIT_S, "stored")
    return key


async def type_until_connected(pilot: Any, text: str) -> Any:
    """Type ``text`` into the prompt on screen and wait until pre-connect has its CLI ready."""
    await pilot.press(*text)
    live = live_of(pilot.app)
    await wait_until(pilot, lambda: live.state is not None and live.state.phase.value == "ready", WAIT_S, "connected")
    return live


async def turn_done(pilot: Any, view: Any = None, timeout: float = WAIT_S) -> None:
    app = pilot.app
    live = live_of(app, view)
    await wait_until(pilot, lambda: live.sent and not live.busy and live.renderer.stream is not None and live.renderer.stream.finished, timeout, "turn done")
    await pilot.pause()


def streamed(reply: StreamingReply) -> str:
    """The Markdown source of a reply's text parts so far."""
    return "".join(m.source for m in reply.query("Markdown"))


def notices(app: Any, view: Any = None) -> list[str]:
    pane = app.pane_for_view(view or app.current_view)
    return [n.text for n in pane.query(Notice)]


async def test_launch_focuses_a_draft_and_a_reply_streams_then_renders_in_full(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]
) -> None:
    fake_api.queue_fault(Fault.stall(after_deltas=3, then="continue"))
    fake_api.queue_reply(Text(CODE_REPLY))
    app = live_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        view = app.current_view
        assert view.key is None and app.focused is app.pane_for_view(view).prompt
        await send_until_held(pilot, fake_api, "show me code")
        reply = app.pane_for_view(view).query_one(StreamingReply)
        # Mid-stream: the first deltas are on screen, the turn is still open.
        await wait_until(pilot, lambda: "Here is the" in streamed(reply), WAIT_S, "first deltas")
        assert reply.has_class("-streaming")
        assert view.key is not None and view.key[1] == live_of(app).session_id  # the draft got its id
        assert app.markers.get(view.key) is Marker.STREAMING
        fake_api.release()
        await turn_done(pilot)
        assert not reply.has_class("-streaming")
        assert reply.markdown.source == CODE_REPLY
        fences = reply.query("MarkdownFence")
        assert len(fences) == 1 and "print('hi')" in str(fences.first().code)
        assert "x = [1, 2]" in screen_text(app) and "That is all." in screen_text(app)
        footer = reply.query_one(".turn-footer")
        assert " in · " in str(footer.render()) and " out · $" in str(footer.render())
        assert last_user_text(fake_api.message_requests[-1]) == "show me code"
        # The session is in the store and the sidebar once the engine saved it.
        await wait_until(pilot, lambda: view.key in app._by_key, WAIT_S, "sidebar row")
        assert app._by_key[view.key].message_count >= 2


async def test_resume_after_restart_continues_the_session(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]
) -> None:
    key = await stored_session(live_app, "remember the word zebra")
    assert not cli_children()

    again = live_app(resume=key)  # `claude-tui resume ID`: a new app on the same store and CLI folder
    async with again.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: again.current_view is not None and again.current_view.key == key, WAIT_S, "resumed")
        pane = again.pane_for(key)
        await wait_until(pilot, lambda: any("zebra" in v.message.text for v in pane.query(MessageView)), WAIT_S, "transcript")
        await wait_until(pilot, lambda: again.focused is pane.prompt, WAIT_S, "prompt focused")
        # Up recalls it (set once the transcript is mounted, just after it shows).
        await wait_until(pilot, lambda: pane.prompt.prompt_history == ["remember the word zebra"], WAIT_S, "history")
        await send(pilot, "which word?")
        await turn_done(pilot)
    texts = messages_texts(fake_api.message_requests[-1])
    assert texts[0] == "remember the word zebra" and texts[-1] == "which word?"
    assert fake_api.message_requests[-1].session_id == key[1]


async def test_switching_away_keeps_the_stream_going_and_marks_it_unread(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]
) -> None:
    words = " ".join(f"word{i}" for i in range(30))
    fake_api.queue_fault(Fault.slow(tokens_per_second=25))
    fake_api.queue_reply(Text(words))
    app = live_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        streaming = app.current_view
        await send(pilot, "count slowly")
        reply_of = lambda: app.pane_for_view(streaming).query(StreamingReply)  # noqa: E731
        await wait_until(pilot, lambda: reply_of() and "word1" in streamed(reply_of().first()), WAIT_S, "streaming")
        await pilot.press("ctrl+n")  # switch to a new draft while the reply streams
        await pilot.pause()
        assert app.current_view is not streaming
        assert "word29" not in streamed(reply_of().first())  # still going when we left
        await turn_done(pilot, streaming)
        live = live_of(app, streaming)
        assert streamed(reply_of().first()) == words and not live.failed
        assert app.markers.get(streaming.key) is Marker.UNREAD
        await pilot.press("alt+1")
        await pilot.pause()
        assert app.current_view is streaming and app.markers.get(streaming.key) is None


async def test_prompt_sent_while_streaming_is_queued_then_sent_when_the_turn_ends(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]
) -> None:
    fake_api.queue_fault(Fault.stall(after_deltas=2, then="continue"))
    fake_api.queue_reply(Text("first answer here"))
    fake_api.queue_reply(Text("second answer"))
    app = live_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await send_until_held(pilot, fake_api, "first question")
        await send(pilot, "second question")
        pane = app.pane_for_view(app.current_view)
        await wait_until(pilot, lambda: pane.query(QueuedPrompt), WAIT_S, "queued")
        assert "1 prompt queued" in pane.status.state_text
        assert not any("second question" in last_user_text(r) for r in fake_api.message_requests)
        fake_api.release()
        await wait_until(pilot, lambda: any(last_user_text(r) == "second question" for r in fake_api.message_requests), WAIT_S, "second sent")
        await wait_until(pilot, lambda: not pane.query(QueuedPrompt), WAIT_S, "queue empty")
        await turn_done(pilot)
        users = [v.message.text for v in pane.query(MessageView) if v.message.role == "user"]
        assert users == ["first question", "second question"]
        assert "second answer" in screen_text(app)


async def test_queued_prompt_can_be_taken_back_and_edited(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]
) -> None:
    fake_api.queue_fault(Fault.stall(after_deltas=1, then="continue"))
    app = live_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await send_until_held(pilot, fake_api, "slow one")
        await send(pilot, "draft two")
        pane = app.pane_for_view(app.current_view)
        await wait_until(pilot, lambda: pane.query(QueuedPrompt), WAIT_S, "queued")
        await pilot.press("up")  # in the empty prompt: take the queued one back
        await wait_until(pilot, lambda: not pane.query(QueuedPrompt), WAIT_S, "taken back")
        assert pane.prompt.text == "draft two"
        fake_api.release()
        await turn_done(pilot)
        assert len(fake_api.message_requests) == 1  # nothing was sent behind our back


async def test_permission_for_the_session_on_screen_opens_the_modal_at_once(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]
) -> None:
    target = cli_env.cwd / "notes.md"
    fake_api.queue_reply(ToolUse("Write", {"file_path": str(target), "content": "# Notes\n"}))
    fake_api.queue_reply(Text("written"))
    app = live_app()
    bells: list[int] = []
    app.bell = lambda: bells.append(1)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await send(pilot, "write the notes")
        await wait_until(pilot, lambda: isinstance(app.screen, PermissionScreen), WAIT_S, "modal")
        assert app.screen.request.tool_name == "Write"
        assert app.markers.get(app.current_view.key) is Marker.NEEDS_PERMISSION
        await pilot.press("y")
        await turn_done(pilot)
        assert target.read_text() == "# Notes\n"
        assert "allowed once: Write notes.md" in notices(app)
        assert app.markers.get(app.current_view.key) is None
        assert bells == []


async def test_permission_for_a_background_session_waits_for_the_user_to_switch(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]
) -> None:
    target = cli_env.cwd / "later.txt"
    fake_api.queue_fault(Fault.stall(after_deltas=1, then="continue"))
    fake_api.queue_reply(ToolUse("Write", {"file_path": str(target), "content": "later\n"}))
    fake_api.queue_reply(Text("done"))
    app = live_app()
    bells: list[int] = []
    app.bell = lambda: bells.append(1)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        background = app.current_view
        await send_until_held(pilot, fake_api, "write later.txt")
        await pilot.press("ctrl+n")
        await pilot.pause()
        fake_api.release()  # the tool use arrives while another session is on screen
        await wait_until(pilot, lambda: app.markers.get(background.key) is Marker.NEEDS_PERMISSION, WAIT_S, "marker")
        assert bells == [1]
        assert not isinstance(app.screen, PermissionScreen) and not target.exists()
        await pilot.press("alt+1")
        await wait_until(pilot, lambda: isinstance(app.screen, PermissionScreen), WAIT_S, "modal after switching")
        await pilot.press("y")
        await turn_done(pilot, background)
        assert target.read_text() == "later\n"
        assert bells == [1]
        assert "allowed once: Write later.txt" in notices(app, background)


async def test_ctrl_q_while_streaming_quits_at_once_and_leaves_no_cli(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]
) -> None:
    fake_api.queue_fault(Fault.stall(after_deltas=2))
    app = live_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await send_until_held(pilot, fake_api, "never ending")
        worker = live_of(app).worker
        pid = worker.pid
        assert pid is not None and alive(pid) and cli_children()
        started = time.monotonic()
        # As the terminal driver delivers it; not ``pilot.press``, which waits for
        # animations after the key and would wait forever on an app that has quit.
        app.post_message(events.Key("ctrl+q", None))
    elapsed = time.monotonic() - started
    # The engine's shutdown budget (live.controller.SHUTDOWN_S, 5 s) bounds the quit; the
    # margin is for the app's own teardown on a loaded machine (measured about 0.1 s in all).
    assert elapsed < 5.0 + 3.0, elapsed
    assert app.return_code == 0
    assert not alive(pid) and not cli_children()


async def test_model_markup_and_escapes_are_shown_literally(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]
) -> None:
    fake_api.queue_reply(Text("See [bold]x[/] and [link=https://evil.example]click[/link] and \x1b[31mred\x1b[0m <b>html</b>"))
    app = live_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await send(pilot, "say [red]hi[/red]")
        await turn_done(pilot)
        text = screen_text(app)
        assert "say [red]hi[/red]" in text
        assert "[bold]x[/]" in text and "[link=https://evil.example]click[/link]" in text
        assert "\\x1b[31mred\\x1b[0m" in text and "<b>html</b>" in text


async def test_escape_interrupts_and_retry_sends_the_prompt_again_only_when_asked(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]
) -> None:
    fake_api.queue_fault(Fault.stall(after_deltas=2))
    fake_api.queue_reply(Text("partial words then the rest"))  # a faulted request does not use it up
    app = live_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await send_until_held(pilot, fake_api, "tell me a story")
        first_reply = lambda: app.pane_for_view(app.current_view).query(StreamingReply)  # noqa: E731
        # The API held after two deltas; under load they may still be on their way through the CLI.
        await wait_until(pilot, lambda: first_reply() and streamed(first_reply().first()) == "partial words", WAIT_S, "deltas shown")
        await wait_until(pilot, lambda: app.check_action("interrupt", ()), WAIT_S, "interruptible")
        await pilot.press("escape")
        await turn_done(pilot)
        assert any(n.startswith("interrupted") for n in notices(app))
        live = live_of(app)
        assert live.retry_prompt == "tell me a story" and live.renderer.retry_notice is not None
        requests = len(fake_api.message_requests)
        fake_api.release()
        await pilot.pause()
        assert len(fake_api.message_requests) == requests  # not resent on its own
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: len(fake_api.message_requests) > requests, WAIT_S, "resent")
        await turn_done(pilot)
        assert "tell me a story" in last_user_text(fake_api.message_requests[-1])
        replies = app.pane_for_view(app.current_view).query(StreamingReply)
        assert len(replies) == 2 and streamed(replies.last()) == "partial words then the rest"
        assert streamed(replies.first()) == "partial words"  # the interrupted reply kept what came
        assert live.renderer.retry_notice is None


async def test_text_without_stream_events_still_shows(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]
) -> None:
    """The CLI's non-streaming fallback: the stream drops, the reply comes as one message."""
    fake_api.queue_fault(Fault.drop(after_deltas=2))
    fake_api.queue_reply(Text("fallback reply arrives whole"))
    app = live_app(env_overrides={"CLAUDE_CODE_MAX_RETRIES": "0"})
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await send(pilot, "fall back")
        await turn_done(pilot)
        assert any(not r.stream for r in fake_api.message_requests)
        reply = app.pane_for_view(app.current_view).query(StreamingReply).last()
        assert streamed(reply) == "fallback reply arrives whole"


async def test_ctrl_w_disconnects_the_session_and_it_stays_in_the_list(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]
) -> None:
    fake_api.queue_fault(Fault.stall(after_deltas=2))
    app = live_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await send_until_held(pilot, fake_api, "close me mid-reply")
        view = app.current_view
        key, pid = view.key, live_of(app).worker.pid
        await pilot.press("ctrl+w")
        await wait_until(pilot, lambda: not alive(pid), WAIT_S, "CLI gone")
        assert app.view_for(key) is None and app.live.manager.get(key[1]) is None
        await wait_until(pilot, lambda: key in app._by_key, WAIT_S, "still listed")


async def test_a_new_session_can_start_in_another_directory(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]
) -> None:
    from claude_tui.screens.directory import DirectoryScreen

    elsewhere = cli_env.cwd / "sub"
    elsewhere.mkdir()
    app = live_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(app.screen, DirectoryScreen), WAIT_S, "directory box")
        box = app.screen.query_one("#directory-input")
        box.value = "no/such/folder"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DirectoryScreen)
        assert "does not exist" in str(app.screen.query_one("#directory-error").render())
        box.value = "sub"  # relative to the current directory
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, DirectoryScreen), WAIT_S, "closed")
        await wait_until(pilot, lambda: live_of(app).cwd == elsewhere.resolve(), WAIT_S, "changed")
        await send(pilot, "where am I?")
        await turn_done(pilot)
        assert live_of(app).worker.spec.cwd == str(elsewhere.resolve())
        await wait_until(pilot, lambda: app.current_view.key in app._by_key, WAIT_S, "stored")
        assert app._by_key[app.current_view.key].cwd == str(elsewhere.resolve())
        assert not app.live.can_change_directory(app.current_view)  # fixed once sent


async def test_permission_mode_switches_live_and_bypass_asks_first_then_shows_the_refusal(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]
) -> None:
    from claude_tui.screens.confirm import ConfirmScreen
    from claude_tui.screens.permission_mode import PermissionModeScreen

    target = cli_env.cwd / "edited.txt"
    app = live_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await send(pilot, "hello")
        await turn_done(pilot)
        live = live_of(app)
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: isinstance(app.screen, PermissionModeScreen), WAIT_S, "picker")
        await pilot.press("down", "enter")  # default -> acceptEdits
        await wait_until(pilot, lambda: live.worker.state.permission_mode == "acceptEdits", WAIT_S, "switched")
        await wait_until(pilot, lambda: "mode: acceptEdits" in live.pane.status.mode_text, WAIT_S, "shown")
        # The CLI now writes files in the folder without asking.
        fake_api.queue_reply(ToolUse("Write", {"file_path": str(target), "content": "ok\n"}))
        fake_api.queue_reply(Text("edited"))
        await send(pilot, "edit it")
        await turn_done(pilot)
        assert target.read_text() == "ok\n" and not any(n.startswith("allowed") for n in notices(app))
        # bypassPermissions asks for confirmation, then the engine refuses (allow_bypass is off).
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: isinstance(app.screen, PermissionModeScreen), WAIT_S, "picker")
        await pilot.press("down", "down", "enter")  # acceptEdits -> bypassPermissions
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), WAIT_S, "confirmation")
        await pilot.press("y")
        await wait_until(pilot, lambda: any("allow_bypass" in n.message for n in app._notifications), WAIT_S, "refusal shown")
        assert live.mode == "acceptEdits" and live.worker.state.permission_mode == "acceptEdits"


async def test_typing_starts_the_cli_so_the_reply_does_not_wait_for_it(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]
) -> None:
    app = live_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        view = app.current_view
        live = await type_until_connected(pilot, "hel")
        assert view.key is None and not fake_api.message_requests  # still a draft; nothing sent yet
        assert len(cli_children()) == 1
        await pilot.press(*"lo", "enter")
        await turn_done(pilot)
        assert last_user_text(fake_api.message_requests[-1]) == "hello"
        assert view.key is not None and view.key[1] == live.session_id
        assert len(cli_children()) == 1  # the same CLI answered


async def test_a_sent_draft_is_listed_at_once_while_its_first_reply_streams(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]
) -> None:
    """Pre-connected (its CLI started while it was a draft), the session shows in
    the sidebar when the prompt goes out, not when the first turn ends."""
    fake_api.queue_fault(Fault.stall(after_deltas=3, then="continue"))
    fake_api.queue_reply(Text(CODE_REPLY))
    app = live_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        view = app.current_view
        await type_until_connected(pilot, "hel")
        await pilot.press(*"lo", "enter")
        await fake_api.wait_for_held(1, timeout=WAIT_S)
        await wait_until(pilot, lambda: view.key in app._by_key, WAIT_S, "listed while the reply streams")
        assert app._by_key[view.key].display_title == "hello"
        assert "1 session" in screen_text(app) and app.markers.get(view.key) is Marker.STREAMING
        fake_api.release()
        await turn_done(pilot)
        await wait_until(pilot, lambda: app._by_key[view.key].message_count >= 2, WAIT_S, "the stored row")
        assert view.title == "hello" and app._by_key[view.key].display_title == "hello"


async def test_preconnect_can_be_turned_off(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]
) -> None:
    """Typing starts no CLI. A bare pause could not fail (a pre-connect takes
    longer), so the check waits for a later send in a second draft to start its
    CLI and finish its turn: by then a pre-connect from the typing, which came
    first, would have made the first draft's worker and CLI too."""
    app = live_app(settings=engine_settings(sessions={"preconnect": False}))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        typed = app.current_view
        await pilot.press(*"hello")
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: app.current_view is not typed, WAIT_S, "a second draft")
        await send(pilot, "hi")
        await turn_done(pilot)
        assert app.pane_for_view(typed).prompt.text == "hello"
        assert live_of(app, typed).worker is None
        assert len(cli_children()) == 1  # the second draft's, started by its send


async def test_a_pane_closed_while_preconnecting_leaves_no_cli(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]
) -> None:
    app = live_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        view = app.current_view
        live = live_of(app)
        app.live.prepare(view)
        app.live.detach(view)  # closed before the worker was made
        manager = app.live.manager
        await wait_until(pilot, lambda: live.worker is not None, WAIT_S, "worker made")
        await wait_until(pilot, lambda: not manager.workers, WAIT_S, "its worker closed")
        assert live.session_id not in app.live.sessions.by_sid
        await wait_until(pilot, lambda: not cli_children(), WAIT_S, "no CLI")


async def test_typing_in_a_stored_session_resumes_its_cli_before_the_send(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]
) -> None:
    key = await stored_session(live_app, "remember the word zebra")
    again = live_app(resume=key)
    async with again.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: again.current_view is not None and again.current_view.key == key, WAIT_S, "resumed")
        pane = again.pane_for(key)
        await wait_until(pilot, lambda: again.focused is pane.prompt, WAIT_S, "prompt focused")
        requests = len(fake_api.message_requests)
        await type_until_connected(pilot, "which")
        assert len(fake_api.message_requests) == requests  # nothing sent yet
        await pilot.press(*" word?", "enter")
        await turn_done(pilot)
    assert messages_texts(fake_api.message_requests[-1])[-1] == "which word?"


async def test_a_failure_handling_one_event_is_reported_once_and_the_pane_can_send_again(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_api.queue_reply(Text("the second one went out"))
    app = live_app()
    reported: list[tuple[str, BaseException]] = []
    monkeypatch.setattr(app, "report_error", lambda where, error: reported.append((where, error)), raising=False)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        manager = app.live.manager
        real_send = manager.send
        failures = [RuntimeError("injected: the send broke")]

        async def send_once_broken(*args: Any, **kwargs: Any) -> Any:
            if failures:
                raise failures.pop()
            return await real_send(*args, **kwargs)

        monkeypatch.setattr(manager, "send", send_once_broken)
        await send(pilot, "first try")  # fails after the pane went "busy", before any turn started
        await wait_until(pilot, lambda: reported, WAIT_S, "reported")
        view = app.current_view
        live = live_of(app)
        assert [str(error) for _, error in reported] == ["injected: the send broke"]
        assert not live.busy and not app.live.can_interrupt(view)
        assert app.markers.get(view.key) is not Marker.STREAMING
        await send(pilot, "second try")
        await turn_done(pilot)
        pane = app.pane_for_view(view)
        assert not pane.query(QueuedPrompt)  # sent, not queued behind a turn that never ran
        assert last_user_text(fake_api.message_requests[-1]) == "second try"
        assert "the second one went out" in screen_text(app)
        assert len(reported) == 1


async def test_slash_command_output_keeps_its_lines_and_compact_says_what_it_did(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]
) -> None:
    """The CLI's own commands through the real CLI: ``/cost`` shows its lines as
    the CLI set them (not one paragraph); ``/compact`` says how much it compacted
    and does not show earlier command output again."""
    app = live_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        view = app.current_view
        await send(pilot, "hello")
        await turn_done(pilot)
        await send(pilot, "/cost")
        await turn_done(pilot)
        pane = app.pane_for_view(view)
        cost_reply = pane.query(StreamingReply).last()
        fences = cost_reply.query("MarkdownFence")
        assert len(fences) == 1
        code = str(fences.first().code)
        assert "Estimated cost:" in code and "\nTotal duration (API):" in code  # one line each
        assert "Estimated cost:" in screen_text(app)
        before = len(pane.query(StreamingReply))
        await send(pilot, "/compact")
        await turn_done(pilot)
        replies = pane.query(StreamingReply)
        assert len(replies) == before + 1
        compact = replies.last()
        notices = [str(n.text) for n in compact.query(Notice)]
        assert any(t.startswith("conversation compacted: context ") and " → " in t for t in notices), notices
        assert "Estimated cost" not in streamed(compact)  # the kept /cost output is not shown again
