"""A fast stream stays cheap: coalesced appends, chunk widgets, GC held, keys first."""

from __future__ import annotations

import asyncio
import gc

from textual.widgets import Markdown

from claude_tui.widgets import gc_hold
from claude_tui.widgets import streaming_reply as sr
from claude_tui.widgets.chat_view import ChatView
from claude_tui.widgets.pacing import InputPacing
from tests.ui.test_chat_view import ChatApp
from tests.ui.fixtures import browsing, wait_until

PARAGRAPH = " ".join(["word"] * 60) + ".\n\n"


async def test_a_burst_of_deltas_becomes_a_few_markdown_appends(monkeypatch) -> None:
    appends: list[str] = []
    original = Markdown.append

    def counting(self: Markdown, markdown: str):  # type: ignore[no-untyped-def]
        appends.append(markdown)
        return original(self, markdown)

    monkeypatch.setattr(Markdown, "append", counting)
    app = ChatApp()
    async with app.run_test(size=(80, 24)) as pilot:
        chat = app.query_one(ChatView)
        stream = await chat.start_assistant_stream("m")
        tokens = [f" t{n}" for n in range(2000)]
        for token in tokens:
            await stream.append_text(token, "a")
        await stream.flush()
        await wait_until(pilot, lambda: "t1999" in stream.texts[0].widget.source, what="all drawn")
        assert "".join(appends) == "".join(tokens)
        assert len(appends) < 20  # one per hand-over, not one per token
        await stream.finish(None)


async def test_a_long_reply_streams_into_chunks_and_ends_whole(monkeypatch) -> None:
    monkeypatch.setattr(sr, "CHUNK_CHARS", 600)
    app = ChatApp()
    async with app.run_test(size=(80, 24)) as pilot:
        chat = app.query_one(ChatView)
        stream = await chat.start_assistant_stream("m")
        text = PARAGRAPH * 12 + "```py\n" + "x = 1\n\n" * 40 + "```\n\n" + PARAGRAPH * 3
        for n in range(0, len(text), 7):
            await stream.append_text(text[n : n + 7], "a")
            if n % 140 == 0:
                await stream.flush()
        await stream.flush()
        part = stream.texts[0]
        assert len(part.chunks) > 3  # sealed as it grew
        await stream.finish(None)
        await pilot.pause()
        assert "".join(w.source for w in part.chunks) == text  # nothing lost or doubled
        fences = stream.reply.query("MarkdownFence")
        assert len(fences) == 1 and str(fences.first().code).count("x = 1") == 40  # the fence is whole
        assert stream.reply.markdown is part.chunks[-1]


async def test_full_collections_wait_while_a_reply_streams() -> None:
    app = ChatApp()
    async with app.run_test(size=(80, 24)) as pilot:
        chat = app.query_one(ChatView)
        before = gc.get_threshold()
        stream = await chat.start_assistant_stream("m")
        assert gc_hold.held() and gc.get_threshold()[2] > 10**6
        await stream.finish(None)
        assert not gc_hold.held() and gc.get_threshold() == before
        # A reply removed before it finished releases too.
        stream = await chat.start_assistant_stream("m")
        assert gc_hold.held()
        await stream.reply.remove()
        await pilot.pause()
        assert not gc_hold.held() and gc.get_threshold() == before


async def test_a_stream_waits_for_the_next_key_to_be_painted_while_the_user_types() -> None:
    pacing = InputPacing()
    await asyncio.wait_for(pacing.after_input(), 0.05)  # not typing: at once
    pacing.input_seen()
    waiter = asyncio.ensure_future(pacing.after_input())
    await asyncio.sleep(0)
    assert not waiter.done()  # typing: waits for the key on screen
    pacing.input_seen()
    pacing.input_painted()
    await asyncio.wait_for(waiter, 1.0)
    # Never longer than the bound, even if no key comes.
    loop = asyncio.get_running_loop()
    started = loop.time()
    pacing.input_seen()
    await asyncio.wait_for(pacing.after_input(), 2.0)
    assert loop.time() - started < 1.0


def test_merge_deltas_joins_runs_of_one_block_only() -> None:
    from collections import deque

    from claude_tui.engine.events import TextDelta, ThinkingDelta
    from claude_tui.live.inbox import merge_deltas

    inbox = deque([TextDelta("s", "b", "m", 0), TextDelta("s", "c", "m", 0), TextDelta("s", "d", "m", 1), ThinkingDelta("s", "e", "m", 1)])
    merged = merge_deltas(TextDelta("s", "a", "m", 0), inbox)
    assert merged == TextDelta("s", "abc", "m", 0)
    assert [e.text for e in inbox] == ["d", "e"]
    assert merge_deltas(inbox.popleft(), inbox) == TextDelta("s", "d", "m", 1)  # a thinking delta is another kind
    assert len(inbox) == 1


async def test_a_burst_of_engine_events_wakes_the_pane_once(tmp_path, monkeypatch) -> None:
    from claude_tui.engine.events import TextDelta
    from claude_tui.widgets.session_pane import SessionPane
    from tests.ui.fixtures import long_transcript, open_and_settle

    async with browsing(tmp_path) as (app, pilot):
        key = long_transcript().key
        await open_and_settle(pilot, key)
        pane = app.pane_for(key)
        wakes: list[object] = []
        original = SessionPane.post_message

        def counting(self: SessionPane, message: object) -> bool:
            if isinstance(message, SessionPane.Wake):
                wakes.append(message)
            return original(self, message)  # type: ignore[arg-type]

        monkeypatch.setattr(SessionPane, "post_message", counting)
        for n in range(500):
            app.live.feed(TextDelta(key[1], f" w{n}", "msg_x", 0))
        assert len(wakes) == 1
        await app.live.settled(app.view_for(key))
        reply = pane.chat.query("StreamingReply").last()
        await wait_until(pilot, lambda: "w499" in reply.markdown.source, what="drawn")
        assert reply.markdown.source == "".join(f" w{n}" for n in range(500))


def test_pacing_works_in_a_second_event_loop() -> None:
    """The shared instance must not keep an Event bound to a loop that is gone."""
    pacing = InputPacing()

    async def typing_then_painted() -> None:
        pacing.input_seen()
        waiter = asyncio.ensure_future(pacing.after_input())
        await asyncio.sleep(0)
        pacing.input_painted()
        await asyncio.wait_for(waiter, 1.0)

    asyncio.run(typing_then_painted())
    asyncio.run(typing_then_painted())


async def test_a_typed_key_is_drawn_before_the_layout_a_stream_asked_for(tmp_path) -> None:
    """The prompt's cells go out at once; the screen's pending layout follows."""
    import io

    from rich.console import Console

    from claude_tui.widgets.prompt import PromptArea
    from tests.ui.fixtures import make_app, settle

    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        prompt = screen.query_one(PromptArea)
        assert prompt.has_focus
        order: list[str] = []
        layout, display = screen._refresh_layout, app._display

        def recording_layout(*args, **kwargs):  # type: ignore[no-untyped-def]
            order.append("layout")
            return layout(*args, **kwargs)

        def recording_display(screen_, renderable):  # type: ignore[no-untyped-def]
            if renderable is not None:
                out = io.StringIO()
                Console(file=out, width=120, force_terminal=True, color_system=None).print(renderable, end="")
                order.append("display:zq" if "zq" in out.getvalue() else "display")
            return display(screen_, renderable)

        screen._refresh_layout = recording_layout
        app._display = recording_display
        screen.query_one(ChatView).refresh(layout=True)  # as a growing reply does
        prompt.insert("zq")
        assert order == ["display:zq"]  # drawn already, before any layout
        await wait_until(pilot, lambda: "layout" in order, what="the pending layout")
        assert prompt.text == "zq"
