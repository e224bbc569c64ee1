"""An assistant reply that is still arriving, and the handle the engine streams into.

Deltas go through Textual's ``MarkdownStream`` (it batches fragments when
they come faster than Markdown can re-render). Each delta is sanitised on the
way in; at the end of the turn the reply is replaced by a ``MessageView`` of
the final message, so what stays on screen is the same as a reloaded transcript.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Markdown, Static

from ..literal import safe_text
from .message import message_header, reply_markdown

if TYPE_CHECKING:
    from textual.widgets.markdown import MarkdownStream

    from ..transcript import Message
    from .chat_view import ChatView


class StreamingReply(Vertical):
    """Header plus a Markdown that grows; no tool or thinking blocks yet."""

    def __init__(self, model: str | None = None) -> None:
        super().__init__(classes="message -assistant -streaming")
        self.model = model

    def compose(self) -> ComposeResult:
        yield Static(message_header("assistant", None, self.model), classes="message-header")
        yield reply_markdown("")

    @property
    def markdown(self) -> Markdown:
        return self.query_one(Markdown)


class AssistantStream:
    """What ``ChatView.start_assistant_stream`` returns; one per assistant turn.

    Call ``append_text`` for each text delta, then ``finish`` once with the
    final ``Message`` (or ``None`` to keep the streamed text as it is).
    """

    def __init__(self, view: ChatView, reply: StreamingReply) -> None:
        self.view = view
        self.reply = reply
        self.text = ""
        self._stream: MarkdownStream | None = None
        self.finished = False

    async def append_text(self, delta: str) -> None:
        if self.finished or not delta:
            return
        self.text += delta
        if self._stream is None:
            self._stream = Markdown.get_stream(self.reply.markdown)
        await self._stream.write(safe_text(delta))

    async def finish(self, message: Message | None = None) -> None:
        """End the stream; a final ``message`` replaces the reply (full re-render)."""
        if self.finished:
            return
        self.finished = True
        if self._stream is not None:
            await self._stream.stop()
        if message is not None:
            await self.view.replace_stream(self.reply, message)
        else:
            await self.reply.markdown.update(safe_text(self.text))
