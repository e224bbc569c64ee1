"""The REAL bundled Claude Code CLI, driven through ``ClaudeSDKClient``, against
the fake Messages API (``tests/fakes/anthropic_api.py``).

Why: these pin down what the engine can rely on from the real CLI (stream event
order, retries announced as ``api_retry``, the non-streaming fallback, timeouts,
interrupting a stalled stream, resume) and prove the fake is good enough for the
rest of the suite.  Synchronisation is by conditions with timeouts only.

Measured with CLI 2.1.332 (SDK 0.2.189), see also the report in tests/fakes:

* Retry backoff is ~500 ms x 2^(attempt-1) plus jitter (541, 1001, 2003,
  4448, 8031 ms ...); a 429 ``retry-after: N`` gives ~N s plus jitter.
  ``CLAUDE_CODE_MAX_RETRIES`` is honoured; ``x-stainless-retry-count`` stays 0
  (the CLI retries by itself).
* A dropped stream is retried ``CLAUDE_CODE_MAX_RETRIES`` times (``api_retry``
  with ``error_status=None, error="unknown"``), then ONE ``stream: false``
  request; with ``CLAUDE_CODE_MAX_RETRIES=0`` the fallback comes at once and
  no ``api_retry`` is announced.  The fallback reply yields no StreamEvents.
* A request that never gets headers fails after ``API_TIMEOUT_MS`` (+~0.1 s)
  per attempt, retried, and has NO non-streaming fallback.
* A stalled stream is never detected by the CLI, even with a small
  ``API_TIMEOUT_MS``: only ``client.interrupt()`` (or the server closing)
  ends it, so the stall test interrupts.
* After a failed turn, the next request merges the failed prompt and the new
  one into one user message (``"hello\\n\\nnext"``).
* Paced deltas (``Fault.slow``) reach the SDK one by one as they are sent:
  the CLI does not buffer a stream.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from claude_agent_sdk import (
    AssistantMessage,
    ClaudeSDKClient,
    ResultMessage,
    StreamEvent,
    SystemMessage,
)

from tests.fakes.anthropic_api import (
    FakeAnthropicAPI,
    Fault,
    Text,
    Thinking,
    conversation,
    last_user_text,
    messages_texts,
    visible_text,
)
from tests.fakes.cli_env import CliEnv


TURN_TIMEOUT_S = 20.0
"""Generous bound for one turn; turns normally take well under a second."""


@dataclass
class Turn:
    """Everything the SDK yielded for one ``query()``, split by kind."""

    messages: list[Any] = field(default_factory=list)
    arrived_s: list[float] = field(default_factory=list)
    elapsed_s: float = 0.0

    @property
    def events(self) -> list[dict[str, Any]]:
        return [m.event for m in self.messages if isinstance(m, StreamEvent)]

    @property
    def deltas(self) -> list[dict[str, Any]]:
        return [e["delta"] for e in self.events if e["type"] == "content_block_delta"]

    def delta_texts(self, kind: str) -> list[str]:
        key = {"text_delta": "text", "thinking_delta": "thinking"}[kind]
        return [d[key] for d in self.deltas if d["type"] == kind]

    @property
    def retries(self) -> list[SystemMessage]:
        return [m for m in self.messages if isinstance(m, SystemMessage) and m.subtype == "api_retry"]

    @property
    def assistant(self) -> list[AssistantMessage]:
        return [m for m in self.messages if isinstance(m, AssistantMessage)]

    @property
    def result(self) -> ResultMessage:
        results = [m for m in self.messages if isinstance(m, ResultMessage)]
        assert len(results) == 1, self.messages
        return results[0]

    def assistant_text(self) -> str:
        return "".join(
            getattr(block, "text", "") for message in self.assistant for block in message.content
        )


async def run_turn(client: ClaudeSDKClient, prompt: str, timeout: float = TURN_TIMEOUT_S) -> Turn:
    """Send ``prompt`` and collect up to the ResultMessage, in this same task
    (``asyncio.timeout`` does not spawn a task, which the SDK client needs)."""
    turn = Turn()
    started = time.monotonic()
    async with asyncio.timeout(timeout):
        await client.query(prompt)
        async for message in client.receive_response():
            turn.messages.append(message)
            turn.arrived_s.append(time.monotonic() - started)
    turn.elapsed_s = time.monotonic() - started
    return turn


# -- the fake's helpers, no CLI ------------------------------------------------


def test_visible_text_skips_system_reminders_and_system_role() -> None:
    body = {
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "<system-reminder>\nx\n</system-reminder>"}, {"type": "text", "text": "hi"}]},
            {"role": "system", "content": "# Environment"},
            {"role": "assistant", "content": [{"type": "thinking", "thinking": "t", "signature": "s"}, {"type": "text", "text": "yo"}]},
            {"role": "user", "content": [{"type": "text", "text": "again", "cache_control": {"type": "ephemeral"}}]},
        ]
    }
    assert conversation(body) == [("user", "hi"), ("assistant", "yo"), ("user", "again")]
    assert last_user_text(body) == "again"
    assert visible_text("plain") == "plain"


# -- through the real CLI --------------------------------------------------------


async def test_two_turns_stream_in_order_and_second_request_carries_first(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv
) -> None:
    fake_api.queue_reply(Text("alpha is the first letter"))
    fake_api.queue_reply(Text("beta is the second letter"))
    async with ClaudeSDKClient(cli_env.options()) as client:
        first = await run_turn(client, "first question: what is alpha?")
        second = await run_turn(client, "second question: what is beta?")

    assert "".join(first.delta_texts("text_delta")) == "alpha is the first letter"
    assert first.delta_texts("text_delta")[:2] == ["alpha", " is"]
    assert "".join(second.delta_texts("text_delta")) == "beta is the second letter"
    event_types = [e["type"] for e in first.events]
    assert event_types[0] == "message_start" and event_types[-1] == "message_stop"
    assert event_types.index("message_delta") > event_types.index("content_block_stop")

    result = second.result
    assert not result.is_error and result.session_id == first.result.session_id
    assert result.usage and result.usage["input_tokens"] > 0 and result.usage["output_tokens"] == 5
    assert result.total_cost_usd and result.total_cost_usd > 0

    requests = fake_api.message_requests
    assert len(requests) == 2
    assert messages_texts(requests[1]) == [
        "first question: what is alpha?",
        "alpha is the first letter",
        "second question: what is beta?",
    ]
    assert requests[1].session_id == result.session_id
    assert cli_env.transcript_path(result.session_id).is_file()
    assert not cli_env.stderr_lines


async def test_thinking_then_text_arrive_as_deltas(fake_api: FakeAnthropicAPI, cli_env: CliEnv) -> None:
    fake_api.queue_reply(Thinking("let me think about it", signature="sig-123"), Text("the answer"))
    async with ClaudeSDKClient(cli_env.options()) as client:
        turn = await run_turn(client, "think first")

    assert "".join(turn.delta_texts("thinking_delta")) == "let me think about it"
    assert "".join(turn.delta_texts("text_delta")) == "the answer"
    kinds = [d["type"] for d in turn.deltas]
    assert kinds.index("signature_delta") < kinds.index("text_delta")
    assert max(i for i, k in enumerate(kinds) if k == "thinking_delta") < kinds.index("text_delta")
    blocks = [type(b).__name__ for m in turn.assistant for b in m.content]
    assert blocks == ["ThinkingBlock", "TextBlock"]
    assert not turn.result.is_error


async def test_overloaded_once_is_retried_and_announced(fake_api: FakeAnthropicAPI, cli_env: CliEnv) -> None:
    fake_api.queue_fault(Fault.overloaded())
    fake_api.queue_reply(Text("after the retry"))
    async with ClaudeSDKClient(cli_env.options()) as client:
        turn = await run_turn(client, "retry me")

    assert len(turn.retries) == 1
    retry = turn.retries[0].data
    assert retry["attempt"] == 1 and retry["max_retries"] == 2
    assert retry["error_status"] == 529 and retry["retry_delay_ms"] > 0
    assert turn.assistant_text() == "after the retry"
    assert not turn.result.is_error
    assert [r.outcome for r in fake_api.message_requests] == ["error:529", "replied"]


async def test_server_errors_exhaust_retries_then_error_result(fake_api: FakeAnthropicAPI, cli_env: CliEnv) -> None:
    """No exception: a synthetic assistant error + an is_error result, and the
    client stays usable; the next request repeats the failed prompt."""
    fake_api.set_sticky_fault(Fault.server_error())
    options = cli_env.options(env_overrides={"CLAUDE_CODE_MAX_RETRIES": "1"})
    async with ClaudeSDKClient(options) as client:
        failed = await run_turn(client, "doomed prompt")
        fake_api.clear_faults()
        ok = await run_turn(client, "next prompt")

    assert len(failed.retries) == 1
    assert failed.result.is_error and failed.result.api_error_status == 500
    assert failed.assistant and failed.assistant[0].error == "server_error"
    assert not ok.result.is_error
    assert "doomed prompt" in last_user_text(fake_api.message_requests[-1])
    assert "next prompt" in last_user_text(fake_api.message_requests[-1])


async def test_dropped_stream_falls_back_to_non_streaming(fake_api: FakeAnthropicAPI, cli_env: CliEnv) -> None:
    fake_api.queue_fault(Fault.drop(after_deltas=1))
    fake_api.queue_reply(Text("delivered without streaming"))
    options = cli_env.options(env_overrides={"CLAUDE_CODE_MAX_RETRIES": "0"})
    async with ClaudeSDKClient(options) as client:
        turn = await run_turn(client, "drop me")

    requests = fake_api.message_requests
    assert [(r.stream, r.outcome) for r in requests] == [(True, "dropped"), (False, "replied")]
    assert not turn.retries
    assert turn.assistant_text() == "delivered without streaming"
    assert not turn.result.is_error


async def test_headers_never_sent_times_out_by_api_timeout(fake_api: FakeAnthropicAPI, cli_env: CliEnv) -> None:
    fake_api.queue_fault(Fault.hang(hold_s=10))
    options = cli_env.options(env_overrides={"CLAUDE_CODE_MAX_RETRIES": "0", "API_TIMEOUT_MS": "1000"})
    async with ClaudeSDKClient(options) as client:
        turn = await run_turn(client, "hang me")

    assert turn.result.is_error
    assert turn.assistant and turn.assistant[0].error is not None
    assert 0.9 < turn.elapsed_s < 8
    assert [r.outcome for r in fake_api.message_requests] == ["closed"]


async def test_stalled_stream_ends_only_by_interrupt(fake_api: FakeAnthropicAPI, cli_env: CliEnv) -> None:
    fake_api.queue_fault(Fault.stall(after_deltas=1))
    async with ClaudeSDKClient(cli_env.options()) as client:
        turn = Turn()
        interrupted = False
        async with asyncio.timeout(TURN_TIMEOUT_S):
            await client.query("stall me")
            async for message in client.receive_response():
                turn.messages.append(message)
                turn.arrived_s.append(0.0)
                if not interrupted and turn.delta_texts("text_delta"):  # what an app's stall timer sees
                    await fake_api.wait_for_held(1)
                    await client.interrupt()
                    interrupted = True
        after = await run_turn(client, "are you there?")

    assert turn.result.subtype == "error_during_execution"
    assert turn.result.terminal_reason == "aborted_streaming"
    assert turn.delta_texts("text_delta")  # the one delta before the stall got through
    assert not after.result.is_error
    await fake_api.wait_until(lambda api: api.message_requests[0].outcome == "closed")


async def test_resume_in_new_client_sends_earlier_turns(fake_api: FakeAnthropicAPI, cli_env: CliEnv) -> None:
    async with ClaudeSDKClient(cli_env.options()) as client:
        first = await run_turn(client, "remember the word zebra")
    session_id = first.result.session_id
    async with ClaudeSDKClient(cli_env.options(resume=session_id)) as client:
        resumed = await run_turn(client, "which word?")

    assert resumed.result.session_id == session_id
    texts = messages_texts(fake_api.message_requests[-1])
    assert texts[0] == "remember the word zebra"
    assert texts[-1] == "which word?"
    assert resumed.assistant_text() == "FAKE-REPLY #2: saw 3 messages; last user said: 'which word?'"


async def test_slow_stream_arrives_incrementally(fake_api: FakeAnthropicAPI, cli_env: CliEnv) -> None:
    words = "one two three four five six seven eight"
    fake_api.queue_fault(Fault.slow(tokens_per_second=25))  # 40 ms between deltas
    fake_api.queue_reply(Text(words))
    async with ClaudeSDKClient(cli_env.options()) as client:
        turn = await run_turn(client, "talk slowly")

    delta_times = [
        t
        for t, m in zip(turn.arrived_s, turn.messages)
        if isinstance(m, StreamEvent) and m.event["type"] == "content_block_delta"
    ]
    assert len(delta_times) == 8
    assert delta_times[-1] - delta_times[0] >= 0.2  # 7 gaps of 40 ms, not one burst
    first_assistant = next(t for t, m in zip(turn.arrived_s, turn.messages) if isinstance(m, AssistantMessage))
    assert first_assistant >= delta_times[-1]
    assert turn.assistant_text() == words
