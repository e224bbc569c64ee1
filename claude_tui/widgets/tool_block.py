"""One tool call and its result, folded to a single line: tool name and what it did.

The input and result are data from the model and from files, so both are shown
literally, and long results are cut so a 10 MB ``cat`` cannot stall the screen.
While a reply streams, ``refresh_tool`` redraws it as its input and result
arrive (``running`` says the result is still to come).
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


def tool_title(tool: ToolUse, running: bool = False) -> Content:
    if tool.result is not None:
        status = ""
    elif running:
        status = "  …"
    else:
        status = "  (no result)"
    mark = "✗ " if tool.is_error else ""
    summary = safe_line(tool.summary) if tool.input else ""
    return Content.assemble((mark + safe_line(tool.name), "bold"), "  ", Content(summary), (status, "dim"))


class ToolBlock(Collapsible):
    """``▶ Bash  ls -la`` folded; unfolded, the input and the result."""

    def __init__(self, tool: ToolUse, *, collapsed: bool = True, running: bool = False) -> None:
        self.tool = tool
        self.running = running
        self._input = Static(self._input_content(), classes="tool-input")
        self._result = Static("", classes="tool-result")
        self._result.display = tool.result is not None
        self._fill_result()
        super().__init__(self._input, self._result, title=tool_title(tool, running), collapsed=collapsed)
        self.set_class(tool.is_error, "-error")

    def _input_content(self) -> Content:
        return literal(json.dumps(self.tool.input, indent=2, ensure_ascii=False))

    def _fill_result(self) -> None:
        tool = self.tool
        if tool.result is None:
            return
        self._result.update(literal(clip(tool.result)))
        self._result.set_class(tool.is_error, "-error")
        self._result.display = True

    def refresh_tool(self, *, running: bool | None = None) -> None:
        """Redraw after ``tool`` changed (input arrived, result attached)."""
        if running is not None:
            self.running = running
        self.title = tool_title(self.tool, self.running)
        self._input.update(self._input_content())
        self._fill_result()
        self.set_class(self.tool.is_error, "-error")
