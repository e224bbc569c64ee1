"""The tool permission modal: what Claude wants to do, answered with one key.

y allows once, a allows for the rest of the session, n denies, d denies with a
message to Claude, Escape denies. The tool's input is shown readably: a diff
for Edit and Write, the command and folder for Bash, the path for Read. All of
it is literal text (it comes from the model).
"""

from __future__ import annotations

import json

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from ..engine.permissions import (
    Decision,
    PermissionAnswer,
    PermissionRequest,
    diff_text,
    relative_to_cwd,
    summary,
)
from ..literal import literal, literal_line, safe_text
from ..paths import styles_dir

MAX_SHOWN_LINES = 400


def _diff_content(diff: str) -> Content:
    lines = diff.splitlines()
    shown = lines[:MAX_SHOWN_LINES]
    parts: list[Content] = []
    for line in shown:
        if line.startswith(("+++", "---")):
            style = "bold"
        elif line.startswith("+"):
            style = "$text-success"
        elif line.startswith("-"):
            style = "$text-error"
        elif line.startswith("@@"):
            style = "$text-accent"
        else:
            style = ""
        parts.append(literal_line(line, style))
    if len(lines) > MAX_SHOWN_LINES:
        parts.append(literal_line(f"… {len(lines) - MAX_SHOWN_LINES} more lines", "dim"))
    return Content("\n").join(parts)


def details(request: PermissionRequest) -> Content:
    """The body of the modal for this tool."""
    data = request.tool_input
    diff = diff_text(request)
    if diff is not None:
        return _diff_content(diff)
    if request.tool_name == "Bash":
        lines = [
            Content.assemble(("$ ", "bold"), literal(str(data.get("command", "")), "bold")),
            Content.assemble(("in ", "dim"), literal_line(request.cwd or "?")),
        ]
        if isinstance(data.get("description"), str):
            lines.append(literal_line(data["description"], "italic"))
        return Content("\n").join(lines)
    if request.tool_name in ("Read", "Glob", "Grep", "LS", "NotebookRead"):
        path = str(data.get("file_path") or data.get("path") or data.get("pattern") or "")
        return Content("\n").join(
            [
                Content.assemble(("path ", "dim"), literal_line(path, "bold")),
                Content.assemble(("cwd  ", "dim"), literal_line(request.cwd or "?")),
            ]
        )
    return literal(json.dumps(data, indent=2, ensure_ascii=False))


class PermissionScreen(ModalScreen[PermissionAnswer]):
    """Ask the user about one tool use; dismisses with a ``PermissionAnswer``."""

    CSS_PATH = styles_dir() / "permission.tcss"
    BINDINGS = [
        Binding("y", "answer('allow_once')", "Allow once", id="permission_allow_once"),
        Binding("a", "answer('allow_session')", "Allow for session", id="permission_allow_session"),
        Binding("n", "answer('deny')", "Deny", id="permission_deny"),
        Binding("d", "deny_with_message", "Deny with message", id="permission_deny_message"),
        Binding("escape", "answer('deny')", "Deny", show=False),
    ]

    def __init__(self, request: PermissionRequest, session_title: str = "") -> None:
        super().__init__()
        self.request = request
        self.session_title = session_title

    def compose(self) -> ComposeResult:
        request = self.request
        with Vertical(id="permission-box"):
            yield Static(
                Content.assemble(
                    ("Claude wants to use ", "bold"),
                    literal_line(request.tool_name, "bold $accent"),
                ),
                id="permission-title",
            )
            yield Static(
                literal_line(self.session_title or request.session_id, "dim"),
                id="permission-session",
            )
            if request.tool_name != "Bash":  # Bash shows its command below
                target = summary(request)
                if request.tool_name in ("Edit", "Write", "MultiEdit", "Read"):
                    target = relative_to_cwd(target, request.cwd)
                yield Static(literal_line(target), id="permission-summary")
            if request.blocked_path or request.decision_reason:
                reason = request.decision_reason or f"outside the allowed folders: {request.blocked_path}"
                yield Static(literal_line(reason, "$text-warning"), id="permission-reason")
            with VerticalScroll(id="permission-details"):
                yield Static(details(request))
            yield Input(placeholder="Tell Claude why, then Enter (Escape denies without a message)", id="deny-message")
            yield Footer()

    def on_mount(self) -> None:
        self.query_one("#deny-message").display = False

    def action_answer(self, decision: str) -> None:
        self.dismiss(PermissionAnswer(Decision(decision)))

    def action_deny_with_message(self) -> None:
        box = self.query_one("#deny-message", Input)
        box.display = True
        box.focus()

    @on(Input.Submitted, "#deny-message")
    def _send_denial(self, event: Input.Submitted) -> None:
        self.dismiss(PermissionAnswer(Decision.DENY, safe_text(event.value)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While the denial message is typed, letters are text, not answers.
        box = self.query_one("#deny-message", Input) if self.is_mounted else None
        if box is not None and box.has_focus and action in ("answer", "deny_with_message"):
            return parameters == ("deny",) if action == "answer" else False
        return True
