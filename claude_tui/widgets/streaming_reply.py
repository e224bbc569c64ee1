"""An assistant reply that is still arriving, and the handle the engine streams into.

A reply is a sequence of parts in the order they arrive: text, thinking, tool
calls (with their results) and inline notices (retries, errors, permission
answers). Text goes through Textual's ``MarkdownStream``, each delta sanitised
on the way in. When the turn ends, every text chunk gets one full Markdown
update from its whole text (an incremental parse can split a code fence),
thinking and tools show their final titles, and a footer says what the turn
cost. The widgets stay where they are, so a reader scrolled up keeps their
place.

Three things keep a fast stream (thousands of deltas a second) from holding
up the keyboard:

* Deltas are coalesced: they collect in the part and a flusher task hands
  them on at most every ``FLUSH_INTERVAL`` (the first at once), longer while
  the process is busy, and right after a key the user typed is painted
  (``pacing``). The screen sees one append per frame, not one per token.
* Long text is cut into chunks (``markdown_split``): past ``CHUNK_CHARS`` the
  growing ``Markdown`` widget is closed at a block boundary and a new one
  continues, so a frame re-parses and re-lays out one short chunk.
* Full garbage collections wait while a reply streams (``gc_hold``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Markdown, Static

from ..literal import safe_text
from . import gc_hold
from .pacing import pacing
from .markdown_split import last_cut
from .message import message_header, reply_markdown
from .notice import Notice
from .thinking_block import ThinkingBlock
from .tool_block import ToolBlock
from .turn_footer import TurnFooter

if TYPE_CHECKING:
    from textual.widgets.markdown import MarkdownStream

    from ..transcript import Message, ToolUse

log = logging.getLogger(__name__)

FLUSH_INTERVAL = 1 / 30
"""Seconds between two hand-overs of streamed text to the widgets, at least."""

MAX_FLUSH_INTERVAL = 0.25
BUSY_HIGH = 0.6
BUSY_LOW = 0.3
"""The interval grows while the process is busier than ``BUSY_HIGH`` (CPU
seconds per second) and shrinks back while it is below ``BUSY_LOW``."""

CHUNK_CHARS = 2_000
"""A growing chunk longer than this is sealed at its last safe cut (``markdown_split``)."""


class StreamingReply(Vertical):
    """Header plus the parts of a reply as they arrive."""

    def __init__(self, model: str | None = None) -> None:
        super().__init__(classes="message -assistant -streaming")
        self.model = model
        self.streams: list[MarkdownStream] = []  # still running; stopped if the reply goes away

        self.flusher: asyncio.Task[None] | None = None  # the AssistantStream's, cancelled with the reply
        self.on_gone: Callable[[], None] | None = None  # the stream's clean-up if it never finished

    async def on_unmount(self) -> None:
        if self.on_gone is not None:
            self.on_gone()
        if self.flusher is not None:
            self.flusher.cancel()
            self.flusher = None
        for stream in self.streams:
            try:
                await stream.stop()
            except Exception:  # noqa: BLE001 - the widgets are going away anyway
                pass
        self.streams.clear()

    def compose(self) -> ComposeResult:
        yield Static(message_header("assistant", None, self.model), classes="message-header")

    def set_model(self, model: str | None) -> None:
        if model and model != self.model:
            self.model = model
            self.query_one(".message-header", Static).update(message_header("assistant", None, model))

    @property
    def markdown(self) -> Markdown:
        """The last text part (tests and simple callers)."""
        return self.query(Markdown).last()


@dataclass
class _TextPart:
    """One block of streamed text, shown in one or more chunk widgets (see ``markdown_split``).

    Chunk ``i`` shows ``text[bounds[i]:bounds[i + 1]]``; the last one is still
    growing. ``text[:shown]`` was handed to its widgets; the rest is pending.
    """

    key: Any
    chunks: list[Markdown]
    bounds: list[int] = field(default_factory=lambda: [0])
    pieces: list[str] = field(default_factory=list)
    stream: MarkdownStream | None = None
    error: bool = False
    shown: int = 0
    _text: str = ""

    @property
    def widget(self) -> Markdown:
        """The chunk taking text now."""
        return self.chunks[-1]

    @property
    def sealed(self) -> int:
        """Where the growing chunk's text starts (all before it is in closed chunks)."""
        return self.bounds[-1]

    @property
    def text(self) -> str:
        if self.pieces:  # joined on demand: ``+=`` per delta would copy the whole reply each time
            self._text += "".join(self.pieces)
            self.pieces.clear()
        return self._text


class AssistantStream:
    """What ``ChatView.start_assistant_stream`` returns; one per assistant turn.

    ``append_text`` / ``append_thinking`` take deltas (``key`` tells parts
    apart: a new key, or anything mounted in between, starts a new part);
    ``start_tool`` / ``set_tool_input`` / ``set_tool_result`` follow a tool
    call; ``add_notice`` puts a line where the reply is now. ``finish`` ends
    it once. ``record`` gets the finished reply as a transcript ``Message``
    (the chat view keeps it in its message list); the stream knows no view.
    """

    def __init__(self, reply: StreamingReply, *, record: Callable[[Message], None]) -> None:
        self.record = record
        self.reply = reply
        self.texts: list[_TextPart] = []
        self.thinking: dict[Any, ThinkingBlock] = {}
        self.tools: dict[str, ToolBlock] = {}
        self.notices: list[Notice] = []
        self.footer: TurnFooter | None = None
        self.finished = False
        self._last: Widget | None = None  # the part mounted last
        self._dirty_thinking: set[ThinkingBlock] = set()
        self._wake = asyncio.Event()
        self._flush_lock = asyncio.Lock()
        self._flushed_at = 0.0
        gc_hold.hold()
        reply.on_gone = self._release_gc

    def _release_gc(self) -> None:
        if self.reply.on_gone is not None:
            self.reply.on_gone = None
            gc_hold.release()

    @property
    def text(self) -> str:
        """All assistant text so far, parts joined."""
        return "".join(p.text for p in self.texts)

    async def _mount(self, widget: Widget) -> Widget:
        await self.reply.mount(widget)
        self._last = widget
        return widget

    async def append_text(self, delta: str, key: Any = None) -> None:
        if self.finished or not delta:
            return
        part = self.texts[-1] if self.texts else None
        if part is None or part.key != key or self._last is not part.widget:
            part = _TextPart(key, [reply_markdown("")])
            self.texts.append(part)
            await self._mount(part.widget)
        part.pieces.append(delta)
        self._request_flush()

    def _request_flush(self) -> None:
        self._wake.set()
        if self.reply.flusher is None or self.reply.flusher.done():
            self.reply.flusher = asyncio.get_running_loop().create_task(self._flush_loop())

    async def _flush_loop(self) -> None:
        """Hand pending deltas on, at most once per interval.

        The interval adapts to how busy the process is (``BUSY_HIGH`` /
        ``BUSY_LOW``, CPU time over wall time since the last hand-over): every
        hand-over costs a layout of the whole screen, which grows with the
        conversation, so a long one gets its text in larger batches and keys
        typed meanwhile still get their frames at once.
        """
        interval = FLUSH_INTERVAL
        cpu, wall = time.process_time(), time.monotonic()
        while not self.finished:
            await self._wake.wait()
            wait = self._flushed_at + interval - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)  # pacing, not synchronisation: deltas keep collecting
            await pacing.after_input()  # a key being typed is painted first
            now_cpu, now_wall = time.process_time(), time.monotonic()
            if now_wall - wall < 2 * MAX_FLUSH_INTERVAL:  # a busy spell, not a pause between bursts
                busy = (now_cpu - cpu) / max(now_wall - wall, 1e-6)
                if busy > BUSY_HIGH:
                    interval = min(MAX_FLUSH_INTERVAL, interval * 1.5)
                elif busy < BUSY_LOW:
                    interval = max(FLUSH_INTERVAL, interval / 1.5)
            cpu, wall = now_cpu, now_wall
            try:
                await self.flush()
            except Exception:  # noqa: BLE001 - a failed append must not end the stream
                log.exception("flushing streamed text failed")

    async def flush(self) -> None:
        """Hand every pending delta to its widget now (also what "settled" waits for)."""
        async with self._flush_lock:  # the flusher and a caller must not seal the same chunk twice
            await self._flush()

    async def _flush(self) -> None:
        self._wake.clear()
        self._flushed_at = time.monotonic()
        for part in list(self.texts):
            if self.finished:
                return
            text = part.text
            if len(text) > part.shown:
                if len(text) - part.sealed > CHUNK_CHARS:
                    await self._seal(part, text)
                await self._write(part, text[part.shown :])
                part.shown = len(text)
        dirty, self._dirty_thinking = self._dirty_thinking, set()
        for block in dirty:
            block.refresh_text()

    async def _write(self, part: _TextPart, chunk: str) -> None:
        if not chunk:
            return
        if part.stream is None:
            part.stream = Markdown.get_stream(part.widget)
            self.reply.streams.append(part.stream)
        await part.stream.write(safe_text(chunk))

    async def _stop_stream(self, part: _TextPart) -> None:
        if part.stream is not None:
            stream, part.stream = part.stream, None
            await stream.stop()
            self.reply.streams.remove(stream)

    async def _seal(self, part: _TextPart, text: str) -> None:
        """Close the growing chunk at a safe cut in the text not shown yet, and
        start a new chunk after it (no cut there yet: the next flush tries again)."""
        cut = last_cut(text[part.sealed :], minimum=max(CHUNK_CHARS // 2, part.shown - part.sealed))
        if cut is None:
            return
        end = part.sealed + cut
        await self._write(part, text[part.shown : end])
        await self._stop_stream(part)  # the chunk's last append; its full update comes with the turn's end
        widget = reply_markdown("", classes="reply-text" + (" -error" if part.error else ""))
        await self.reply.mount(widget, after=part.widget)
        if self._last is part.widget:
            self._last = widget
        part.chunks.append(widget)
        part.bounds.append(end)
        part.shown = end

    def mark_error(self, key: Any = None) -> None:
        """The text part ``key`` is an error the CLI wrote (API failure), not a reply."""
        for part in self.texts:
            if part.key == key:
                part.error = True
                for widget in part.chunks:
                    widget.add_class("-error")

    async def append_thinking(self, delta: str, key: Any = None) -> None:
        if self.finished or not delta:
            return
        block = self.thinking.get(key)
        if block is None or self._last is not block:
            block = ThinkingBlock("", live=True)
            self.thinking[key] = block
            await self._mount(block)
        block.append(delta, show=False)
        self._dirty_thinking.add(block)
        self._request_flush()

    async def start_tool(self, tool: ToolUse) -> ToolBlock:
        block = self.tools.get(tool.id)
        if block is None:
            block = ToolBlock(tool, running=True)
            self.tools[tool.id] = block
            await self._mount(block)
        return block

    def set_tool_input(self, tool_use_id: str, name: str, tool_input: dict[str, Any]) -> None:
        block = self.tools.get(tool_use_id)
        if block is not None:
            block.tool.name = name or block.tool.name
            block.tool.input = dict(tool_input)
            block.refresh_tool()

    def set_tool_result(self, tool_use_id: str, content: str, is_error: bool) -> bool:
        """Attach a result; False when the tool is not part of this reply."""
        block = self.tools.get(tool_use_id)
        if block is None:
            return False
        block.tool.result = content
        block.tool.is_error = is_error
        block.refresh_tool(running=False)
        return True

    async def add_notice(self, notice: Notice) -> Notice:
        self.notices.append(notice)
        await self._mount(notice)
        return notice

    async def drop_parts(self, keep: Any) -> None:
        """Remove text and thinking parts whose key ``keep(key)`` rejects (a stream
        attempt the CLI abandoned and sent again, or replaced by its fallback)."""
        for part in [p for p in self.texts if not keep(p.key)]:
            await self._stop_stream(part)
            self.texts.remove(part)
            for widget in part.chunks:
                await widget.remove()
        for key in [k for k in self.thinking if not keep(k)]:
            block = self.thinking.pop(key)
            self._dirty_thinking.discard(block)
            await block.remove()

    def last_notice(self, kind: str) -> Notice | None:
        """The notice of ``kind`` mounted last, if nothing came after it."""
        if isinstance(self._last, Notice) and self._last.kind == kind:
            return self._last
        return None

    async def finish(self, message: Message | None = None, *, footer: str | Sequence[str] | None = None) -> None:
        """End the stream: one full Markdown update per text part, final titles,
        the footer. ``message`` (the reply as a transcript ``Message``) goes to
        ``record``."""
        if self.finished:
            return
        self.finished = True
        self._release_gc()
        self._dirty_thinking.clear()
        async with self._flush_lock:  # a hand-over under way completes first
            flusher, self.reply.flusher = self.reply.flusher, None
            if flusher is not None and flusher is not asyncio.current_task():
                flusher.cancel()
            for part in self.texts:
                await self._stop_stream(part)
                text = part.text
                ends = [*part.bounds[1:], len(text)]
                for widget, start, end in zip(part.chunks, part.bounds, ends):
                    await widget.update(safe_text(text[start:end]))
        for block in self.thinking.values():
            block.finish()
        for tool_block in self.tools.values():
            tool_block.refresh_tool(running=False)
        # Only the reply's own border depends on "-streaming": restyle it alone
        # (a class change restyles every widget inside, a long pause for a long reply).
        self.reply.remove_class("-streaming", update=False)
        self.reply.app.stylesheet.apply(self.reply)
        self.reply.refresh()
        if footer:
            self.footer = TurnFooter(footer)
            await self.reply.mount(self.footer)
        if message is not None:
            self.record(message)
