"""The chat pane: windowing of long transcripts and the streaming API for the engine."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult

from claude_tui.paths import styles_dir
from claude_tui.transcript import Block, Message, conversation
from claude_tui.widgets.chat_view import FIRST_PAINT, PAGE, WINDOW, ChatView, LoadEarlier
from claude_tui.widgets.message import MessageView
from tests.ui.fixtures import (
    browsing,
    long_transcript,
    open_and_settle,
    wait_until,
)


async def test_long_transcript_is_windowed_and_older_messages_load(tmp_path: Path) -> None:
    async with browsing(tmp_path) as (app, pilot):
        key = long_transcript().key
        await open_and_settle(pilot, key)
        chat = app.pane_for(key).chat
        assert len(chat.messages) == 120
        assert (WINDOW, PAGE, FIRST_PAINT) == (12, 20, 3)
        await wait_until(pilot, lambda: chat.start == 108, what="the rest of the window")
        await wait_until(pilot, lambda: not any(w.is_running for w in chat.workers), what="idle")
        await pilot.pause()
        assert len(chat.query(MessageView)) == 12
        assert chat.scroll_y == chat.max_scroll_y  # opened at the bottom
        # The "load earlier" control mounts a page and keeps the view where it was.
        button = chat.query_one(LoadEarlier)
        assert button.display and "108 not shown" in str(button.label)
        first = chat.query(MessageView).first()
        chat.scroll_to(y=first.virtual_region.y - 2, animate=False, immediate=True)
        await pilot.pause()
        before = first.region.y
        await chat.load_earlier()
        await pilot.pause()
        await pilot.pause()
        assert chat.start == 88 and len(chat.query(MessageView)) == 32
        assert first.region.y == before
        # Each scroll to the top loads a page, keeping the view still, until all are in.
        for expected in (68, 48, 28, 8, 0):
            chat.scroll_to(y=0, animate=False, immediate=True)
            await wait_until(pilot, lambda: chat.start == expected, what=f"page down to {expected}")
            await wait_until(pilot, lambda: not any(w.is_running for w in chat.workers), what="idle")
            await pilot.pause()
            assert chat.scroll_y > 0 or expected == 0
        assert len(chat.query(MessageView)) == 120
        assert not chat.query_one(LoadEarlier).display


class ChatApp(App[None]):
    CSS_PATH = str(styles_dir() / "chat.tcss")

    def compose(self) -> ComposeResult:
        yield ChatView()


def _messages(n: int) -> list[Message]:
    return [
        Message("user" if i % 2 == 0 else "assistant", None, f"u{i}", [Block("text", f"message {i}")])
        for i in range(n)
    ]


async def test_stream_parts_in_order_then_one_full_update_and_footer() -> None:
    from claude_tui.transcript import ToolUse
    from claude_tui.widgets.thinking_block import ThinkingBlock
    from claude_tui.widgets.tool_block import ToolBlock

    app = ChatApp()
    async with app.run_test(size=(80, 24)) as pilot:
        chat = app.query_one(ChatView)
        await chat.load(_messages(20))
        stream = await chat.start_assistant_stream("claude-test")
        await stream.append_thinking("let me ", "t")
        await stream.append_thinking("think", "t")
        await stream.append_text("Hello ", "a")
        await stream.append_text("**world** \x1b[31m", "a")
        await stream.start_tool(ToolUse("tool1", "Bash", {}))
        stream.set_tool_input("tool1", "Bash", {"command": "ls"})
        await stream.append_text("after the tool", "b")
        await pilot.pause()
        await wait_until(pilot, lambda: "world" in stream.texts[0].widget.source, what="streamed")
        assert "\x1b" not in stream.texts[0].widget.source
        kinds = [type(w).__name__ for w in stream.reply.children][1:]
        assert kinds == ["ThinkingBlock", "ReplyMarkdown", "ToolBlock", "ReplyMarkdown"]
        thinking = stream.reply.query_one(ThinkingBlock)
        assert thinking.collapsed and "3 words" in str(thinking.title)
        tool = stream.reply.query_one(ToolBlock)
        assert "ls" in str(tool.title) and "…" in str(tool.title)
        assert stream.set_tool_result("tool1", "a.txt", False)
        final = Message("assistant", None, "final", [Block("text", "Hello **world**")], model="claude-test")
        await stream.finish(final, footer="claude-test · 3 in · 4 out · $0.0010 · 1.0 s")
        await pilot.pause()
        assert [p.widget.source for p in stream.texts] == ["Hello **world** \\x1b[31m", "after the tool"]
        assert not stream.reply.has_class("-streaming")
        assert "…" not in str(tool.title)
        assert stream.reply.query_one(".turn-footer").text.startswith("claude-test · 3 in")
        assert chat.messages[-1] is final
        await chat.append_message(Message("user", None, "next", [Block("text", "again")]))
        await pilot.pause()
        assert chat.max_scroll_y > 0 and chat.scroll_y == chat.max_scroll_y  # following the bottom


async def test_a_reply_finished_after_the_history_was_read_joins_the_whole_message_list() -> None:
    """The stream hands its message to the view's list as it is when the reply ends
    (reading older messages mid-reply replaces the list)."""
    app = ChatApp()
    everything = _messages(30)

    async def older() -> list[Message]:
        return everything

    async with app.run_test(size=(80, 24)) as pilot:
        chat = app.query_one(ChatView)
        await chat.load(everything[-10:], older=older)
        stream = await chat.start_assistant_stream("claude-test")
        await stream.append_text("Hello", "a")
        await chat.load_earlier()  # reads the whole transcript: a new list
        # (A load the view started itself, when it scrolled to the top, may be
        # the one that reads it: then this call found it loading and returned.)
        await wait_until(pilot, lambda: chat._older is None and not chat._loading, what="the whole transcript read")
        await pilot.pause()
        final = Message("assistant", None, "final", [Block("text", "Hello")], model="claude-test")
        await stream.finish(final)
        assert chat.messages == [*everything, final]


async def test_scrolled_up_holds_still_while_a_reply_streams_then_follows_again() -> None:
    app = ChatApp()
    async with app.run_test(size=(80, 24)) as pilot:
        chat = app.query_one(ChatView)
        await chat.load(_messages(40))
        await pilot.pause()
        stream = await chat.start_assistant_stream("m")
        await stream.append_text("first line\n\n", "a")
        await pilot.pause()
        assert chat.scroll_y == chat.max_scroll_y
        chat.scroll_to(y=chat.scroll_y - 10, animate=False, immediate=True)
        await pilot.pause()
        held = chat.scroll_y
        for n in range(30):
            await stream.append_text(f"line {n}\n\n", "a")
        await wait_until(pilot, lambda: "line 29" in stream.texts[0].widget.source, what="streamed")
        await pilot.pause()
        assert chat.scroll_y == held and chat.max_scroll_y > held + 10
        chat.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        for n in range(30, 40):
            await stream.append_text(f"line {n}\n\n", "a")
        await wait_until(pilot, lambda: "line 39" in stream.texts[0].widget.source, what="streamed")
        await pilot.pause()
        await pilot.pause()
        assert chat.scroll_y == chat.max_scroll_y


async def test_does_not_follow_when_scrolled_up() -> None:
    app = ChatApp()
    async with app.run_test(size=(80, 24)) as pilot:
        chat = app.query_one(ChatView)
        await chat.load(_messages(40))
        await wait_until(pilot, lambda: chat.start == 40 - WINDOW, what="window mounted")
        chat.scroll_to(y=0, animate=False, immediate=True)  # loads a page above, held in place
        await wait_until(pilot, lambda: chat.start == 40 - WINDOW - PAGE, what="page loaded")
        await wait_until(pilot, lambda: not any(w.is_running for w in chat.workers), what="idle")
        await pilot.pause()
        await pilot.pause()  # the page's hold-in-place scroll runs after a refresh
        y = chat.scroll_y
        await chat.append_message(Message("assistant", None, "late", [Block("text", "late")]))
        await pilot.pause()
        assert chat.scroll_y == y


def test_conversation_of_real_transcript_has_tools() -> None:
    import json

    path = Path(__file__).resolve().parents[1] / "data/claude_home/projects/-tmp-claude-tui-rec-beta/15f6b29a-d012-53ae-b750-d2ecff3c4479.jsonl"
    entries = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    messages = conversation(entries)
    kinds = [b.kind for m in messages for b in m.blocks]
    assert "thinking" in kinds and "tool_use" in kinds


async def test_a_long_session_opens_on_its_newest_part_and_reads_the_rest_on_scroll(
    tmp_path: Path, monkeypatch
) -> None:
    import claude_tui.app as app_module

    monkeypatch.setattr(app_module, "TAIL_ENTRIES", 30)  # far fewer entries than the transcript has
    async with browsing(tmp_path) as (app, pilot):
        key = long_transcript().key
        expected = conversation(long_transcript().entries)
        await open_and_settle(pilot, key)
        chat = app.pane_for(key).chat
        await wait_until(pilot, lambda: not any(w.is_running for w in chat.workers), what="window mounted")
        # Only the newest entries were read: the tail's messages, the window of them shown.
        assert 0 < len(chat.messages) < len(expected)
        assert [m.uuid for m in chat.messages] == [m.uuid for m in expected[-len(chat.messages) :]]
        assert len(chat.query(MessageView)) == min(WINDOW, len(chat.messages))
        prompt = app.pane_for(key).prompt
        assert len(prompt.prompt_history) < len(expected) // 2
        # A page up that would pass the oldest message read reads the whole transcript, in place.
        assert chat.start < PAGE and chat.query_one(LoadEarlier).display
        await chat.load_earlier()
        await pilot.pause()
        assert [m.uuid for m in chat.messages] == [m.uuid for m in expected]
        assert chat.start == len(expected) - WINDOW - PAGE
        assert [v.message.uuid for v in chat.query(MessageView)] == [m.uuid for m in expected[chat.start :]]
        assert "not shown" in str(chat.query_one(LoadEarlier).label)
        await wait_until(pilot, lambda: len(prompt.prompt_history) == len(expected) // 2, what="whole prompt history")


async def test_loading_earlier_in_a_closing_view_is_harmless() -> None:
    """ctrl+w right after opening: the rest of the window may still be loading."""
    app = ChatApp()
    async with app.run_test(size=(80, 24)) as pilot:
        chat = app.query_one(ChatView)
        await chat.load(_messages(40))
        await chat.remove_children()  # what closing does to it first
        chat._update_button()
        await chat.remove()
        await pilot.pause()
        assert await chat.load_earlier() == 0
        assert app.is_running


async def test_a_stored_turn_gets_its_footer_from_the_transcript() -> None:
    """A reopened session's turns show model, tokens and time from the stored
    usage (summed over every API call of the turn, tool loops included)."""
    import json

    from claude_tui.widgets.turn_footer import TurnFooter

    path = Path(__file__).resolve().parents[1] / "data/claude_home/projects/-tmp-claude-tui-rec-beta/15f6b29a-d012-53ae-b750-d2ecff3c4479.jsonl"
    entries = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    messages = conversation(entries)
    calls = {e["message"]["id"]: e["message"]["usage"] for e in entries if e.get("type") == "assistant"}
    turns = [m.turn for m in messages if m.turn is not None]
    assert len(turns) == 1 and [m.role for m in messages].count("user") == 1
    assert len(calls) > 1  # a tool loop: several API calls in the one turn
    assert turns[0].output_tokens == sum(u["output_tokens"] for u in calls.values())
    assert turns[0].model == "claude-opus-5-5" and turns[0].duration_s is not None
    app = ChatApp()
    async with app.run_test(size=(80, 24)) as pilot:
        chat = app.query_one(ChatView)
        await chat.load(messages)
        await pilot.pause()
        [footer] = chat.query(TurnFooter)
        assert footer.text.startswith(f"claude-opus-5-5 · {turns[0].input_tokens:,} in · {turns[0].output_tokens:,} out · ")
        assert "$" not in footer.text  # the transcript holds no cost
