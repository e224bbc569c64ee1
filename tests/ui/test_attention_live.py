"""Background sessions through the REAL bundled CLI and the fake Messages API:
their turns end while another pane is on screen; the live side marks them,
queues them for "Next needing attention" (alt+n) and says so, without the
pane being shown or even drawing.

Every wait is a bounded condition, never a sleep.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from claude_tui.attention_actions import NONE_WAITING, NOTIFY_TITLE
from claude_tui.widgets.marker import Marker
from tests.engine.helpers import engine_settings
from tests.fakes.anthropic_api import FakeAnthropicAPI, Fault, Text
from tests.fakes.cli_env import CliEnv
from tests.ui.fixtures import wait_until
from tests.ui.test_live import SIZE, WAIT_S, live_app, live_of, ready, send, send_until_held, turn_done  # noqa: F401

__all__ = ["live_app"]  # the fixture, used by name


def attention_notes(app: Any) -> list[str]:
    """Every attention notification so far (recorded: shown ones expire after a few seconds)."""
    heard: list[str] | None = getattr(app, "_heard_notes", None)
    if heard is None:
        heard = app._heard_notes = []
        notify = app.notify

        def recording(message: str, *, title: str = "", **kwargs: Any) -> None:
            if title == NOTIFY_TITLE:
                heard.append(str(message))
            notify(message, title=title, **kwargs)

        app.notify = recording
    return list(heard)


async def background_turn(pilot: Any, fake_api: FakeAnthropicAPI, prompt: str, held: int) -> Any:
    """Send ``prompt`` on screen, hold its reply, open a new draft over it; returns the sent view."""
    app = pilot.app
    view = app.current_view
    fake_api.queue_fault(Fault.stall(after_deltas=1, then="continue"))
    await send(pilot, prompt)
    await fake_api.wait_for_held(held, timeout=WAIT_S)
    await pilot.press("ctrl+n")
    await wait_until(pilot, lambda: app.current_view is not view, WAIT_S, "switched away")
    return view


async def test_a_background_turn_end_is_marked_even_while_its_pane_draws_nothing(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]  # noqa: F811
) -> None:
    """The bug: a hidden pane's queue slow or stopped kept the "streaming" marker
    and sent no notification until the pane was shown. The marker and the
    attention queue come from the event as it arrives, not from the pane."""
    fake_api.queue_reply(Text("finished in the background"))
    app = live_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        attention_notes(app)  # start recording
        background = await background_turn(pilot, fake_api, "work while hidden", 1)
        live = live_of(app, background)
        handler = live.pane.handler

        async def ignored(pane: Any) -> None:  # the pane's wake-up is not handled: nothing is drawn
            return None

        live.pane.handler = ignored
        try:
            assert app.markers.get(background.key) is Marker.STREAMING
            fake_api.release()
            await wait_until(pilot, lambda: app.markers.get(background.key) is Marker.UNREAD, WAIT_S, "unread while the pane draws nothing")
            assert background.key in app.live.attention
            await wait_until(pilot, lambda: any(background.title in n and "finished" in n for n in attention_notes(app)), WAIT_S, "named")
            assert live.renderer.stream is None or not live.renderer.stream.finished  # really nothing drawn yet
        finally:
            live.pane.handler = handler
        assert live.inbox  # the turn's events wait for the pane
        live.woken = False
        await app.live.settled(background)  # the pane wakes and draws them all
        await turn_done(pilot, background)
        assert app.markers.get(background.key) is Marker.UNREAD and app.current_view is not background


async def test_two_background_sessions_are_announced_and_alt_n_visits_them_oldest_first(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]  # noqa: F811
) -> None:
    fake_api.queue_reply(Text("first done"))
    fake_api.queue_reply(Text("second done"))
    app = live_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        attention_notes(app)  # start recording
        written: list[str] = []
        app.attention_alerts.write = written.append
        first = await background_turn(pilot, fake_api, "alpha task", 1)
        fake_api.release()
        await turn_done(pilot, first)
        second = await background_turn(pilot, fake_api, "beta task", 1)
        fake_api.release()
        await turn_done(pilot, second)
        on_screen = app.current_view
        assert [item.key for item in app.live.attention.items()] == [first.key, second.key]
        notes = attention_notes(app)
        assert len(notes) == 2
        assert first.title in notes[0] and "finished" in notes[0] and "alt+n" in notes[0]
        assert second.title in notes[1] and "finished" in notes[1]
        assert written == []  # [ui] desktop_notify is off by default
        await pilot.press("alt+n")
        await wait_until(pilot, lambda: app.current_view is first, WAIT_S, "the oldest first")
        assert app.markers.get(first.key) is None and first.key not in app.live.attention
        await pilot.press("alt+n")
        await wait_until(pilot, lambda: app.current_view is second, WAIT_S, "then the next")
        assert len(app.live.attention) == 0 and app.markers.get(second.key) is None
        await pilot.press("alt+n")
        await wait_until(pilot, lambda: any(n.message == NONE_WAITING for n in app._notifications), WAIT_S, "none left")
        assert app.current_view is second and on_screen is not second


async def test_a_failed_background_turn_and_a_permission_question_are_named(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]  # noqa: F811
) -> None:
    """Failures and permission requests through the live side's seams (synthetic
    events: the real CLI retries a failing API for minutes)."""
    from claude_tui.engine.events import TurnCompleted
    from claude_tui.live.attention import FAILED, PERMISSION

    fake_api.queue_reply(Text("ok"))
    app = live_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        attention_notes(app)  # start recording
        view = await background_turn(pilot, fake_api, "gamma task", 1)
        fake_api.release()
        await turn_done(pilot, view)
        live = live_of(app, view)
        app.live.attention.clear(view.key)
        app.live.feed(TurnCompleted(session_id=view.key[1], outcome="crashed", duration_s=1.0))
        await wait_until(pilot, lambda: app.markers.get(view.key) is Marker.ERROR, WAIT_S, "error marker")
        (item,) = app.live.attention.items()
        assert item.reason == FAILED and item.detail == "crashed"
        await wait_until(pilot, lambda: any(view.title in n and "failed (crashed)" in n for n in attention_notes(app)), WAIT_S, "failure named")
        app.live.permissions.needs_answer(live, "Write")
        (item,) = app.live.attention.items()  # the same session keeps its place, with the newest reason
        assert item.reason == PERMISSION
        await wait_until(pilot, lambda: any(view.title in n and "needs permission (Write)" in n for n in attention_notes(app)), WAIT_S, "question named")


async def test_desktop_notification_escapes_only_for_sessions_not_on_screen(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]  # noqa: F811
) -> None:
    settings = engine_settings(ui={"desktop_notify": True})
    fake_api.queue_reply(Text("background reply"))
    fake_api.queue_reply(Text("foreground reply"))
    app = live_app(settings=settings)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        attention_notes(app)  # start recording
        written: list[str] = []
        app.attention_alerts.write = written.append
        background = await background_turn(pilot, fake_api, "delta task", 1)
        fake_api.release()
        await turn_done(pilot, background)
        await wait_until(pilot, lambda: written, WAIT_S, "an escape written")
        (escape,) = written
        assert escape.startswith("\x1b]9;claude-tui: ") and "\x1b]777;notify;claude-tui;" in escape
        assert background.title in escape and "finished" in escape
        await send(pilot, "on screen task")
        await turn_done(pilot)
        assert len(written) == 1  # the session on screen never sends one
