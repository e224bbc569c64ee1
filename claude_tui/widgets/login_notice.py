"""The banner that says Claude cannot be reached yet, and what to do about it.

Shown above the open session (or the welcome) when Claude Code says it has
no credentials. It names the palette command and its key, and the other way
in (``ANTHROPIC_API_KEY`` in the shell that starts claude-tui). It never
shows a key: only where one would come from.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static


def login_text(login_key: str, held: bool) -> Content:
    """What the banner says; ``held``: a prompt is waiting in the prompt box."""
    first = "Not logged in to Claude" + (": your prompt was not sent and is still in the prompt box." if held else ".")
    return Content.assemble(
        (first, "bold"),
        "\n",
        "Log in: press ",
        (login_key, "bold"),
        " (palette: Log in to Claude) to run Claude Code's login in this terminal. Or quit,"
        " set ANTHROPIC_API_KEY in the shell that starts claude-tui, and start it again.",
        ("\nThen press Enter in the prompt to send it." if held else ""),
    )


class LoginNotice(Horizontal):
    """``update(login_key, held)`` sets the words; the button asks for the login."""

    class LoginPressed(Message):
        """The user pressed "log in" on the banner."""

    def __init__(self, login_key: str) -> None:
        super().__init__(id="login-notice")
        self._text = login_text(login_key, held=False)

    def compose(self) -> ComposeResult:
        yield Static(self._text, classes="login-notice-text")
        yield Button(Content("log in"), compact=True, classes="login-notice-button")

    def update(self, login_key: str, held: bool) -> None:
        self._text = login_text(login_key, held)
        if self.is_mounted:
            self.query_one(".login-notice-text", Static).update(self._text)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.LoginPressed())
