"""The baseline for start-up: a bare Textual app that paints one label.

Run as a whole process in a pty by ``benchmarks/ui.py``, exactly like
claude-tui, so the ratio of the two is what claude-tui adds to Textual.
"""

from textual.app import App, ComposeResult
from textual.widgets import Label

TEXT = "Hello, benchmark"


class Hello(App[None]):
    def compose(self) -> ComposeResult:
        yield Label(TEXT)


if __name__ == "__main__":
    Hello().run()
