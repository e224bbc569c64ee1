"""A minimal terminal screen, enough to know what a Textual app has painted.

Why not search the raw output for text: Textual repaints regions with cursor
moves and styles between runs of text, a blinking cursor repaints old text,
and a short string (a one-letter filter) is found anywhere. Keeping the grid
of cells tells exactly what a row shows after each chunk of output.

Handled: printable text (cell widths from Rich), CR/LF/BS, cursor moves (CSI
H f A B C D G d), erase (CSI J K). Styles, modes and queries are skipped.
Listeners are called after each fed chunk with the time it was read and the
rows it wrote, so latencies are measured at chunk granularity, not by polling.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable

from rich.cells import get_character_cell_size

_TOKEN = re.compile(
    r"\x1b\[([0-?]*)[ -/]*([@-~])"  # CSI: parameters, final byte
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    r"|\x1b[P^_][^\x1b]*\x1b\\"  # DCS, PM, APC
    r"|\x1b[ -/]*[0-~]"  # other escapes (charset, keypad, save cursor)
    r"|[\r\n\b]"
    r"|[\x00-\x1a\x1c-\x1f\x7f]"  # other controls: ignored
    r"|[^\x00-\x1f\x7f]+"  # text
)
_INCOMPLETE = re.compile(r"\x1b(\[[0-?]*[ -/]*|\][^\x07\x1b]*|[P^_][^\x1b]*|[ -/]*)?\Z")

Listener = Callable[[float, set[int], "Screen"], None]


class Screen:
    """A ``width`` x ``height`` grid of cells fed with an app's output."""

    def __init__(self, width: int, height: int) -> None:
        self.width = width
        self.height = height
        self.rows = [[" "] * width for _ in range(height)]
        self.x = self.y = 0
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""
        self.listeners: list[Listener] = []

    # -- reading -----------------------------------------------------------------

    def row(self, y: int) -> str:
        return "".join(self.rows[y])

    def cells(self, y: int, x: int, n: int) -> str:
        """``n`` cells of row ``y`` from column ``x``."""
        return "".join(self.rows[y][x : x + n])

    def find(self, text: str) -> tuple[int, int] | None:
        """(row, column) of the first row holding ``text`` (ASCII rows only)."""
        for y in range(self.height):
            x = self.row(y).find(text)
            if x >= 0:
                return y, x
        return None

    def dump(self) -> str:
        return "\n".join(self.row(y).rstrip() for y in range(self.height))

    # -- feeding ---------------------------------------------------------------------

    def feed(self, data: bytes, at: float) -> None:
        """Apply a chunk of output read at time ``at``, then tell the listeners."""
        text = self._pending + self._decoder.decode(data)
        tail = _INCOMPLETE.search(text)
        self._pending = text[tail.start() :] if tail else ""
        if tail:
            text = text[: tail.start()]
        touched: set[int] = set()
        for match in _TOKEN.finditer(text):
            token = match.group()
            if token[0] == "\x1b":
                if match.group(2):
                    self._csi(match.group(1), match.group(2), touched)
            elif token == "\r":
                self.x = 0
            elif token == "\n":
                self.y = min(self.y + 1, self.height - 1)
            elif token == "\b":
                self.x = max(0, self.x - 1)
            elif token[0] >= " ":
                self._text(token, touched)
        for listener in self.listeners:
            listener(at, touched, self)

    def _text(self, text: str, touched: set[int]) -> None:
        row = self.rows[self.y]
        touched.add(self.y)
        if text.isascii():
            end = min(self.x + len(text), self.width)
            row[self.x : end] = text[: end - self.x]
            self.x = end
            return
        for char in text:
            size = get_character_cell_size(char)
            if self.x + size > self.width:
                break
            row[self.x] = char
            if size == 2:
                row[self.x + 1] = ""
            self.x += size

    def _csi(self, params: str, final: str, touched: set[int]) -> None:
        if params.startswith(("?", ">", "<", "=")):
            return  # private modes and queries
        numbers = [int(p) if p.isdigit() else 0 for p in params.split(";")] if params else []

        def arg(i: int, default: int = 1) -> int:
            return numbers[i] if len(numbers) > i and numbers[i] else default

        if final in "Hf":
            self.y = min(arg(0) - 1, self.height - 1)
            self.x = min(arg(1) - 1, self.width - 1)
        elif final == "A":
            self.y = max(0, self.y - arg(0))
        elif final == "B":
            self.y = min(self.height - 1, self.y + arg(0))
        elif final == "C":
            self.x = min(self.width - 1, self.x + arg(0))
        elif final == "D":
            self.x = max(0, self.x - arg(0))
        elif final == "G":
            self.x = min(arg(0) - 1, self.width - 1)
        elif final == "d":
            self.y = min(arg(0) - 1, self.height - 1)
        elif final == "K":
            mode = arg(0, 0)
            row = self.rows[self.y]
            start, end = {0: (self.x, self.width), 1: (0, self.x + 1)}.get(mode, (0, self.width))
            row[start:end] = [" "] * (end - start)
            touched.add(self.y)
        elif final == "J" and arg(0, 0) == 2:
            self.rows = [[" "] * self.width for _ in range(self.height)]
            touched.update(range(self.height))
