"""One message of a conversation: a user prompt or an assistant reply.

User text is shown exactly as typed (a ``Static`` of literal ``Content``);
assistant text is Markdown, but its source is sanitised first and raw HTML is
shown as text, so nothing the model writes can style the screen or reach the
terminal. Thinking and tool use fold away; failed replies are styled as errors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Size
from textual.widgets import Markdown, Static

from ..literal import literal, safe_line, safe_text
from ..timestamps import parse_iso
from .thinking_block import ThinkingBlock
from .tool_block import ToolBlock

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

    from ..transcript import Message


def literal_markdown_parser() -> MarkdownIt:
    """GitHub-flavoured Markdown without raw HTML or auto-linked bare URLs.

    ``<b>`` is shown, not swallowed; a URL stays plain text (links are never
    opened from model output, so underlining one would only mislead).
    """
    from markdown_it import MarkdownIt

    parser = MarkdownIt("gfm-like").disable(["html_block", "html_inline", "linkify"])
    parser.options["linkify"] = False
    return parser


class ReplyMarkdown(Markdown):
    """Markdown whose height is measured against its width alone.

    Its blocks are all ``height: auto``, and for such children Textual keys the
    layout cache on the container's height too. Inside a reply that grows
    every frame, that made every earlier chunk of the reply re-lay out its
    paragraphs on every frame; the blocks' heights never depend on it.
    """

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if not width or not self.children:
            return 0
        return self.arrange(Size(width, 0)).total_region.height


def reply_markdown(text: str, *, classes: str = "reply-text") -> Markdown:
    """A Markdown widget for model text; links are not opened on click."""
    return ReplyMarkdown(
        safe_text(text), parser_factory=literal_markdown_parser, open_links=False, classes=classes
    )


def format_time(iso: str | None) -> str:
    """``HH:MM`` local time of an ISO timestamp (date too: transcripts span days)."""
    moment = parse_iso(iso)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment is not None else ""


def message_header(
    role: str, timestamp: str | None, model: str | None = None, error: bool = False, interrupted: bool = False
) -> Content:
    who = "You" if role == "user" else "Claude"
    parts: list[Content | tuple[str, str] | str] = [(who, "bold")]
    if model and not model.startswith("<"):
        parts += ["  ", (safe_line(model), "dim")]
    if error:
        parts += ["  ", ("error", "bold")]
    if interrupted:
        parts += ["  ", ("interrupted", "italic")]
    when = format_time(timestamp)
    if when:
        parts += ["  ", (when, "dim")]
    return Content.assemble(*parts)


class MessageView(Vertical):
    """A message with a header line; ``uuid``/``entry_ids`` let a search hit find it."""

    def __init__(self, message: Message, *, id: str | None = None) -> None:
        classes = f"message -{message.role}" + (" -error" if message.is_error else "")
        super().__init__(id=id, classes=classes)
        self.message = message

    def compose(self) -> ComposeResult:
        message = self.message
        yield Static(
            message_header(message.role, message.timestamp, message.model, message.is_error, message.interrupted),
            classes="message-header",
        )
        if message.role == "user":
            yield Static(literal(message.text), classes="user-text")
            return
        for block in message.blocks:
            if block.kind == "thinking":
                if block.text.strip():
                    yield ThinkingBlock(block.text)
            elif block.kind == "tool_use" and block.tool is not None:
                yield ToolBlock(block.tool)
            elif block.text.strip():
                if message.is_error:
                    yield Static(literal(block.text), classes="error-text")
                else:
                    yield reply_markdown(block.text)
        if message.turn is not None:  # a stored turn's last reply: what the turn took
            from ..live.text import footer_variants
            from .turn_footer import TurnFooter

            turn = message.turn
            yield TurnFooter(
                footer_variants(
                    turn.model,
                    duration_s=turn.duration_s,
                    input_tokens=turn.input_tokens,
                    output_tokens=turn.output_tokens,
                )
            )

    def matches(self, uuid: str) -> bool:
        return uuid == self.message.uuid or uuid in self.message.entry_ids
