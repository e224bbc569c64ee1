"""One tool call and its result, folded to a single line: tool name and what it did.

The input and result are data from the model and from files, so both are shown
literally, and long results are cut so a 10 MB ``cat`` cannot stall the screen.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Collapsible, Static

from ..literal import literal, safe_line

if TYPE_CHECKING:
    from ..transcript import ToolUse

RESULT_LINE_LIMIT = 200
RESULT_CHAR_LIMIT = 20_000


def clip(text: str, lines: int = RESULT_LINE_LIMIT, chars: int = RESULT_CHAR_LIMIT) -> str:
    """At most ``lines`` lines and ``chars`` characters, saying how much was left out."""
    kept = text[:chars].split("\n")
    dropped_lines = text.count("\n") + 1 - min(len(kept), lines)
    kept = kept[:lines]
    out = "\n".join(kept)
    if len(out) < len(text):
        more = f"{dropped_lines} more lines" if dropped_lines > 0 else f"{len(text) - len(out)} more characters"
        out += f"\n… ({more} not shown)"
    return out


class ToolBlock(Collapsible):
    """``▶ Bash  ls -la`` folded; unfolded, the input and the result."""

    def __init__(self, tool: ToolUse, *, collapsed: bool = True) -> None:
        status = "" if tool.result is not None else "  (no result)"
        mark = "✗ " if tool.is_error else ""
        title = Content.assemble(
            (mark + safe_line(tool.name), "bold"),
            "  ",
            Content(safe_line(tool.summary)),
            (status, "dim"),
        )
        body = [Static(literal(json.dumps(tool.input, indent=2, ensure_ascii=False)), classes="tool-input")]
        if tool.result is not None:
            body.append(
                Static(literal(clip(tool.result)), classes="tool-result -error" if tool.is_error else "tool-result")
            )
        super().__init__(*body, title=title, collapsed=collapsed)  # type: ignore[arg-type]
        self.tool = tool
        if tool.is_error:
            self.add_class("-error")
