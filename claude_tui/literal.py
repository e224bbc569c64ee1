"""Text from the model, the user or files, made safe to show literally.

Terminal escape sequences (ESC, OSC 52 clipboard writes, bells, C1 controls)
must never reach the terminal as controls: each control character is replaced
by a visible escape such as ``\\x1b``. Newlines and tabs are kept. Invisible
characters that reorder or hide text ("Trojan Source" bidi overrides, zero
width spaces) are shown as ``\\u202e`` so a reader sees that they are there.

Rich/Textual markup is a separate matter: widgets build ``Content``/``Text``
objects from strings (``literal``), never markup, so ``[bold]`` and
``[link=...]`` stay text. Markdown gets ``safe_text`` of its source.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text
    from textual.content import Content

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def _escape(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def _escape_invisible(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def safe_text(text: str) -> str:
    """``text`` with every control character except newline and tab made visible.

    CR LF counts as a line end; a lone CR (which could overwrite a line on
    screen) is escaped like any other control.
    """
    text = _CONTROL.sub(_escape, text.replace("\r\n", "\n"))
    return _INVISIBLE.sub(_escape_invisible, text)


def safe_line(text: str) -> str:
    """``safe_text`` on one line: newlines and tabs become spaces."""
    return safe_text(text.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))


def literal(text: str, style: str = "") -> Content:
    """Textual ``Content`` showing ``text`` exactly, with ``style`` over all of it.

    ``Content(str)`` never parses markup (a ``Static`` given a plain ``str``
    would), so brackets stay brackets.
    """
    from textual.content import Content

    content = Content(safe_text(text))
    return content.stylize(style) if style else content


def literal_line(text: str, style: str = "") -> Content:
    """``literal`` for one-line places (titles, rows): line breaks become spaces."""
    from textual.content import Content

    content = Content(safe_line(text))
    return content.stylize(style) if style else content


def literal_text(text: str, style: str = "") -> Text:
    """The Rich ``Text`` twin of ``literal``, for code that renders Rich objects."""
    from rich.text import Text

    return Text(safe_text(text), style=style, end="")
