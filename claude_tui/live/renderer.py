"""One session's engine events drawn into its chat view, in order.

A turn starts when the engine reports the prompt sent (``PromptSent``): a
growing reply is mounted and text, thinking and tool events go into it as they
arrive. Retries, errors and the turn's end are notices in the same flow, where
they happened. API failures and timeouts reported during a turn are folded
into the one line that says how the turn ended ("stalled after 60 s —
interrupted; partial reply kept"), which offers "retry" when the turn was cut
short or failed. Text the CLI sent without stream events (its non-streaming
fallback) arrives as replayed deltas, so it shows the same way.

The renderer only draws; what happens next (the queue, markers, resending) is
the controller's business.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..engine.events import (
    ApiRetry,
    AssistantMessageComplete,
    ContextCompacted,
    ErrorOccurred,
    PromptSent,
    SessionStarted,
    TextDelta,
    ThinkingDelta,
    ToolResult,
    ToolUseInput,
    ToolUseStarted,
    TurnCompleted,
)
from ..transcript import Block, Message, ToolUse
from ..widgets.notice import Notice
from .text import OUTCOME_RETRY, command_output_markdown, compacted_text, footer_text, outcome_text, recovered_text, retry_text

if TYPE_CHECKING:
    from ..widgets.chat_view import ChatView
    from ..widgets.streaming_reply import AssistantStream

FOLDED_ERRORS = frozenset({"api", "timeout"})
"""Error kinds that, during a turn, are said by the turn's closing line."""

OUTCOME_KIND = {
    "interrupted": "interrupted",
    "stalled": "stalled",
    "timed_out": "stalled",
    "crashed": "error",
    "error": "error",
    "cancelled": "info",
}


def _iso(moment: datetime) -> str:
    return moment.astimezone().isoformat()


class TurnRenderer:
    """Draws one session's events into ``chat``; ``retry_key`` labels the retry button."""

    def __init__(self, chat: ChatView, *, retry_key: str = "ctrl+r") -> None:
        self.chat = chat
        self.retry_key = retry_key
        self.stream: AssistantStream | None = None
        self.model: str | None = None
        self.message: Message | None = None
        self.retry_notice: Notice | None = None
        self._folded: list[ErrorOccurred] = []
        self._completed: set[str | None] = set()  # message ids the CLI finished this turn
        self._retries = 0  # the CLI's retries of the API during this turn
        self._said_failure = False  # the last turn's closing line said the API failure

    # -- user side ---------------------------------------------------------------------

    async def user_prompt(self, text: str, when: datetime | None = None) -> None:
        """The prompt as the user sent it (before the engine confirms it)."""
        await self.drop_retry()
        stamp = _iso(when) if when is not None else None
        await self.chat.append_message(Message("user", stamp, None, [Block("text", text)]))

    async def note(self, text: str, kind: str = "info", *, retry: bool = False) -> Notice:
        """A line at the current place: inside the running reply, else at the end."""
        label = f"retry ({self.retry_key})" if retry else None
        notice = Notice(text, kind, retry_label=label)
        if self.stream is not None and not self.stream.finished:
            await self.stream.add_notice(notice)
        else:
            await self.chat.append_widget(notice)
        if retry:
            await self.drop_retry()
            self.retry_notice = notice
        return notice

    async def drop_retry(self) -> None:
        if self.retry_notice is not None:
            notice, self.retry_notice = self.retry_notice, None
            if notice.is_mounted:
                await notice.drop_retry()

    async def flush(self) -> None:
        """Hand any coalesced text of the running reply to its widgets now."""
        if self.stream is not None and not self.stream.finished:
            await self.stream.flush()

    # -- engine events -----------------------------------------------------------------

    async def _ensure_stream(self) -> AssistantStream:
        if self.stream is None or self.stream.finished:
            self.stream = await self.chat.start_assistant_stream(self.model)
            self.message = Message("assistant", None, None, model=self.model)
            self._folded = []
            self._completed = set()
            self._retries = 0
            self._said_failure = False
        return self.stream

    @property
    def in_turn(self) -> bool:
        return self.stream is not None and not self.stream.finished

    async def handle(self, event: Any) -> None:
        if isinstance(event, TextDelta):
            stream = await self._ensure_stream()
            text = command_output_markdown(event.text) if event.command_output else event.text
            await stream.append_text(text, (event.message_id, event.index))
        elif isinstance(event, ContextCompacted):
            await self.note(compacted_text(event), "info")
        elif isinstance(event, ThinkingDelta):
            stream = await self._ensure_stream()
            await stream.append_thinking(event.text, (event.message_id, event.index))
        elif isinstance(event, ToolUseStarted):
            stream = await self._ensure_stream()
            await stream.start_tool(ToolUse(event.tool_use_id, event.name, {}))
        elif isinstance(event, ToolUseInput):
            if self.stream is not None:
                self.stream.set_tool_input(event.tool_use_id, event.name, event.input)
        elif isinstance(event, ToolResult):
            if self.stream is not None:
                self.stream.set_tool_result(event.tool_use_id, event.content, event.is_error)
        elif isinstance(event, AssistantMessageComplete):
            self._complete(event)
        elif isinstance(event, PromptSent):
            await self._ensure_stream()
        elif isinstance(event, SessionStarted):
            if event.model:
                self.model = event.model
        elif isinstance(event, ApiRetry):
            await self._api_retry(event)
        elif isinstance(event, ErrorOccurred):
            await self._error(event)
        elif isinstance(event, TurnCompleted):
            await self._turn_completed(event)

    def _complete(self, event: AssistantMessageComplete) -> None:
        if event.parent_tool_use_id is not None or self.stream is None:
            return  # a subagent's message: its tool call already shows it
        stream = self.stream
        self._completed.add(event.message_id)
        if event.model and not event.model.startswith("<"):
            self.model = event.model
            stream.reply.set_model(event.model)
        if event.error:
            stream.mark_error((event.message_id, 0))
        message = self.message
        if message is None:
            return
        if event.model and not event.model.startswith("<"):
            message.model = event.model
        if event.error:
            message.is_error = True
        for block in event.blocks:
            if block.kind == "tool_use" and block.tool_use_id:
                tool_block = stream.tools.get(block.tool_use_id)
                tool = tool_block.tool if tool_block is not None else ToolUse(block.tool_use_id, block.name or "tool", dict(block.input or {}))
                message.blocks.append(Block("tool_use", tool=tool))
            elif block.kind == "text" and event.model == "<synthetic>" and not event.error:
                message.blocks.append(Block("text", command_output_markdown(block.text)))
            elif block.kind in ("text", "thinking"):
                message.blocks.append(Block(block.kind, block.text))

    async def _api_retry(self, event: ApiRetry) -> None:
        self._retries = max(self._retries, event.attempt)
        text = retry_text(event)
        if self.stream is not None and not self.stream.finished:
            line = self.stream.last_notice("retry")
            if line is not None:
                line.update(text)
                return
        await self.note(text, "retry")

    async def _settle_retries(self, stream: AssistantStream, event: TurnCompleted) -> None:
        """Retry progress does not outlive its turn: "recovered after n retries"
        when the turn completed, gone when its closing line says how it ended."""
        for notice in [n for n in stream.notices if n.kind == "retry"]:
            if event.outcome == "completed" and self._retries:
                notice.update(recovered_text(self._retries))
            else:
                stream.notices.remove(notice)
                await notice.remove()

    async def _error(self, event: ErrorOccurred) -> None:
        if self.in_turn and event.kind in FOLDED_ERRORS and event.timeout != "interrupt":
            self._folded.append(event)
            return
        if event.kind == "api" and self._said_failure:
            return  # the engine reports it after the turn's end, whose closing line said it
        await self.note(event.message, "error")

    async def _turn_completed(self, event: TurnCompleted) -> None:
        stream = self.stream if self.in_turn else None
        timeout = next((e for e in self._folded if e.kind == "timeout"), None)
        api = next((e for e in self._folded if e.kind == "api"), None)
        text = outcome_text(event, timeout)
        if event.outcome == "error" and api is not None:
            text = api.message
        if stream is None and text is None:
            return
        if stream is None:
            stream = await self._ensure_stream()
        if event.outcome in ("completed", "error") and self._completed:
            # Text of a stream attempt that never finished (dropped, then sent again
            # or replaced by the non-streaming fallback) is not part of the reply.
            completed = self._completed
            await stream.drop_parts(lambda key: not isinstance(key, tuple) or key[0] in completed)
        await self._settle_retries(stream, event)
        if event.outcome == "error":
            # The CLI's error reply says what the closing line says: the failure is said once.
            failed = {part.key for part in stream.texts if part.error}
            await stream.drop_parts(lambda key: key not in failed)
            self._said_failure = text is not None
        if text is not None:
            await self.note(text, OUTCOME_KIND.get(event.outcome, "error"), retry=event.outcome in OUTCOME_RETRY)
        self._folded = []
        await stream.finish(self.message, footer=footer_text(event, self.model))
