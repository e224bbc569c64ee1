"""Where a long streamed Markdown text can be cut into separate widgets.

A growing reply is shown in chunks of a few thousand characters, each its own
``Markdown`` widget, so a frame re-lays out the chunk still growing instead of
every paragraph of the reply. A cut must not change how the text renders, so
it is made only between two top-level blocks: after a blank line, before a
line indented less than four spaces (more is code), outside any fenced code
block, not before a list item (which could continue the list above), and not
before an indented line while a list is open (it could be the item's next
paragraph). The line after the cut must be complete or start with a letter,
so a half-written ``-`` or ``1`` cannot turn out to be a list item.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_LIST_ITEM = re.compile(r"(?:[-+*]|\d{1,9}[.)])(?:\s|$)")


def last_cut(text: str, minimum: int = 1) -> int | None:
    """The offset of the last safe place to cut ``text`` (at least ``minimum``), or None."""
    best: int | None = None
    fence: str | None = None  # the opening fence while inside a fenced block
    blank_before = True
    in_list = False  # the last block that began was a list item
    offset = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if fence is None:
            stripped = body.lstrip(" ")
            indent = len(body) - len(stripped)
            starts_block = blank_before and stripped and indent < 4 and not stripped.startswith("\t")
            if starts_block:
                is_item = bool(_LIST_ITEM.match(stripped))
                if (
                    offset >= minimum
                    and (line.endswith(("\n", "\r")) or stripped[0].isalpha())  # what it starts is certain
                    and not is_item
                    and (indent == 0 or not in_list)
                ):
                    best = offset
                if is_item:
                    in_list = True
                elif indent == 0:
                    in_list = False
            match = _FENCE.match(body)
            if match and not (match.group(1)[0] == "`" and "`" in match.group(2)):
                fence = match.group(1)
        else:
            match = _FENCE.match(body)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) and not match.group(2).strip():
                fence = None
        blank_before = not body.strip() and fence is None
        offset += len(line)
    return best
