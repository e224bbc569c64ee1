"""Translation (``engine/translate.py``) on RECORDED real CLI stdout: no worker, no clock.

Why recorded output: translation exists to cope with what the CLI really
prints (one assistant message per content block, ``system`` lines of kinds the
UI ignores, text with no stream events after the non-streaming fallback). The
files in ``tests/data/cli_stream/`` are real stream-json stdout of the bundled
CLI against the fake Messages API (see ``tests/data/README.md``).

Parsing: the SDK's message parser is private
(``claude_agent_sdk._internal.message_parser``), so the lines go through the
public route instead: ``ClaudeSDKClient`` over a replaying ``Transport``, which
runs that same parser exactly as the worker's reader sees it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from pathlib import Path
from typing import Any

from claude_agent_sdk import ClaudeAgentOptions, ClaudeSDKClient

from claude_tui.engine.events import (
    ApiRetry,
    AssistantMessageComplete,
    SessionStarted,
    TextDelta,
    ThinkingDelta,
    ToolInputDelta,
    ToolResult,
    ToolUseInput,
    ToolUseStarted,
)
from claude_tui.engine.translate import Step, Translator, TurnTranslation, opens_turn
from tests.fakes.replay import Line, ReplayTransport, load_lines

DATA = Path(__file__).resolve().parents[1] / "data" / "cli_stream"
SID = "11111111-2222-4333-8444-555555555555"


async def sdk_messages(lines: list[Line]) -> list[Any]:
    """The SDK messages a client yields for one turn of recorded stdout ``lines``."""
    async with ClaudeSDKClient(ClaudeAgentOptions(), transport=ReplayTransport([lines])) as client:
        await client.query("go")
        async with asyncio.timeout(10):
            return [m async for m in client.receive_response()]


def translate(messages: list[Any], *, resumed: bool = False) -> tuple[list[Any], list[Step], TurnTranslation]:
    """Every message through one ``Translator`` over one turn, as the worker does."""
    translator = Translator(SID, "/fallback/cwd")
    turn = TurnTranslation()
    steps = [translator.translate(m, turn, resumed=resumed) for m in messages]
    return [e for s in steps for e in s.events], steps, turn


def runs(events: list[Any]) -> list[tuple[str, int]]:
    """Event kinds in order, repeats folded: [("TextDelta", 11), ...]."""
    return [(kind, len(list(group))) for kind, group in itertools.groupby(type(e).__name__ for e in events)]


def recorded(name: str) -> tuple[list[Line], list[Any]]:
    lines = load_lines(DATA / name)
    return lines, asyncio.run(sdk_messages(lines))


def test_streamed_text_turn() -> None:
    lines, messages = recorded("text_partial.jsonl")
    events, steps, turn = translate(messages)

    assert runs(events) == [("SessionStarted", 1), ("TextDelta", 11), ("AssistantMessageComplete", 1)]
    [started] = [e for e in events if isinstance(e, SessionStarted)]
    init = lines[0]
    assert (started.cwd, started.model, started.claude_code_version) == (
        init["cwd"],
        init["model"],
        init["claude_code_version"],
    )
    assert not started.resumed
    deltas = [e for e in events if isinstance(e, TextDelta)]
    [complete] = [e for e in events if isinstance(e, AssistantMessageComplete)]
    assert not any(d.synthetic for d in deltas)
    assert {d.message_id for d in deltas} == {complete.message_id} and complete.message_id
    assert "".join(d.text for d in deltas) == complete.blocks[0].text == turn.text == lines[-1]["result"]
    # The facts the worker acts on: the clock hears every stream event, one message is counted.
    stream_kinds = [s.stream_event for s in steps if s.stream_event]
    assert stream_kinds[0] == "message_start" and stream_kinds[-1] == "message_stop"
    assert sum(s.new_message for s in steps) == 1
    assert [s.model for s in steps if s.init] == [init["model"]]
    assert steps[-1].result is messages[-1] and steps[-1].result.result == lines[-1]["result"]


def test_resumed_flag_reaches_session_started() -> None:
    _, messages = recorded("text_partial.jsonl")
    events, _, _ = translate(messages, resumed=True)
    assert [e.resumed for e in events if isinstance(e, SessionStarted)] == [True]


def test_text_without_stream_events_becomes_synthetic_deltas() -> None:
    """The CLI's non-streaming fallback after a dropped stream: retries, then a
    finished message with no stream events at all."""
    lines, messages = recorded("nonstreaming_fallback.jsonl")
    events, steps, turn = translate(messages)

    assert runs(events) == [("SessionStarted", 1), ("ApiRetry", 2), ("TextDelta", 1), ("AssistantMessageComplete", 1)]
    retries = [e for e in events if isinstance(e, ApiRetry)]
    recorded_retries = [x for x in lines if x.get("subtype") == "api_retry"]
    assert [(r.attempt, r.max_retries, r.delay_s) for r in retries] == [
        (x["attempt"], x["max_retries"], x["retry_delay_ms"] / 1000.0) for x in recorded_retries
    ]
    assert sum(s.api_retry for s in steps) == 2
    [delta] = [e for e in events if isinstance(e, TextDelta)]
    assert delta.synthetic and delta.text == turn.text == lines[-1]["result"]
    assert sum(s.answered for s in steps) == 1 and sum(s.new_message for s in steps) == 1


def test_api_error_after_retries_is_shown_as_text_with_the_error() -> None:
    lines, messages = recorded("api_500_after_retries.jsonl")
    events, steps, turn = translate(messages)

    assert runs(events) == [("SessionStarted", 1), ("ApiRetry", 10), ("TextDelta", 1), ("AssistantMessageComplete", 1)]
    assert {e.status for e in events if isinstance(e, ApiRetry)} == {500}
    [complete] = [e for e in events if isinstance(e, AssistantMessageComplete)]
    assistant = next(x for x in lines if x["type"] == "assistant")
    assert complete.error == assistant["error"] and complete.model == "<synthetic>"
    assert turn.text.startswith("API Error: 500")
    assert steps[-1].result.is_error is lines[-1]["is_error"]


def test_thinking_text_tools_and_their_results() -> None:
    """A real tool turn: thinking, text and two tool calls in one API message
    (each block its own assistant line), the CLI runs both tools, then a second
    API message with thinking and the answer."""
    lines, messages = recorded("tools_and_thinking.jsonl")
    events, steps, turn = translate(messages)

    assert runs(events) == [
        ("SessionStarted", 1),
        ("ThinkingDelta", 13),
        ("AssistantMessageComplete", 1),
        ("TextDelta", 9),
        ("AssistantMessageComplete", 1),
        ("ToolUseStarted", 1),
        ("ToolInputDelta", 2),
        ("ToolUseInput", 1),
        ("AssistantMessageComplete", 1),
        ("ToolUseStarted", 1),
        ("ToolInputDelta", 3),
        ("ToolUseInput", 1),
        ("AssistantMessageComplete", 1),
        ("ToolResult", 2),
        ("ThinkingDelta", 4),
        ("AssistantMessageComplete", 1),
        ("TextDelta", 4),
        ("AssistantMessageComplete", 1),
    ]
    started = [(e.tool_use_id, e.name) for e in events if isinstance(e, ToolUseStarted)]
    assert started == [("toolu_rec_read_01", "Read"), ("toolu_rec_bash_01", "Bash")]
    inputs = {e.tool_use_id: e.input for e in events if isinstance(e, ToolUseInput)}
    assert inputs == {
        "toolu_rec_read_01": {"file_path": "notes.txt"},
        "toolu_rec_bash_01": {"command": "ls", "description": "List files"},
    }
    for tool_id, expected in inputs.items():  # the streamed JSON pieces add up to the final input
        pieces = "".join(e.partial_json for e in events if isinstance(e, ToolInputDelta) and e.tool_use_id == tool_id)
        assert json.loads(pieces) == expected
    results = {e.tool_use_id: e for e in events if isinstance(e, ToolResult)}
    assert "kiwi" in results["toolu_rec_read_01"].content and "notes.txt" in results["toolu_rec_bash_01"].content
    assert not any(r.is_error for r in results.values())
    thinking = "".join(e.text for e in events if isinstance(e, ThinkingDelta))
    assert thinking.startswith("The user wants the notes.") and thinking.endswith("I have the results.")
    assert turn.text == "Let me look at the notes and the directory.The notes say kiwi."
    completes = [e for e in events if isinstance(e, AssistantMessageComplete)]
    assert [b.kind for c in completes for b in c.blocks] == ["thinking", "text", "tool_use", "tool_use", "thinking", "text"]
    assert len({c.message_id for c in completes}) == 2 == sum(s.new_message for s in steps)
    assert not [e for e in events if getattr(e, "synthetic", False)]


def test_a_subagents_stream_reports_finished_messages_only() -> None:
    """The same recorded lines, as if a subagent of tool call ``toolu_parent`` printed them."""
    lines = load_lines(DATA / "tools_and_thinking.jsonl")
    for line in lines:
        if line["type"] in ("stream_event", "assistant", "user"):
            line["parent_tool_use_id"] = "toolu_parent"
    events, steps, turn = translate(asyncio.run(sdk_messages(lines)))

    kinds = {kind for kind, _ in runs(events)}
    assert kinds == {"SessionStarted", "AssistantMessageComplete", "ToolUseInput", "ToolResult"}
    assert {e.parent_tool_use_id for e in events if isinstance(e, AssistantMessageComplete)} == {"toolu_parent"}
    assert turn.text == "" and sum(s.new_message for s in steps) == 0
    assert any(s.stream_event for s in steps)  # the clock still hears the stream: the turn is alive


def test_which_messages_open_a_turn() -> None:
    _, messages = recorded("tools_and_thinking.jsonl")
    opening = {type(m).__name__ for m in messages if opens_turn(m)}
    assert opening == {"StreamEvent", "AssistantMessage"}
