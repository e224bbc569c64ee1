"""Text from the model, the user or files, made safe to show literally.

Terminal escape sequences (ESC, OSC 52 clipboard writes, bells, C1 controls)
must never reach the terminal as controls: each control character is replaced
by a visible escape such as ``\\x1b``. Newlines and tabs are kept. Rich markup
is a separate matter: widgets render strings as ``rich.text.Text`` (never as
markup), so ``[bold]`` stays text.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _escape(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def safe_text(text: str) -> str:
    """``text`` with every control character except newline and tab made visible."""
    return _CONTROL.sub(_escape, text)


def safe_line(text: str) -> str:
    """``safe_text`` on one line: newlines and tabs become spaces."""
    return safe_text(text.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))
