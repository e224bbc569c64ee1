"""Snapshots of the tool permission modal for Edit, Write, Bash and Read."""

from __future__ import annotations


import pytest
from textual.app import App

from claude_tui.engine.permissions import PermissionRequest
from claude_tui.screens.permission import PermissionScreen

CWD = "/home/dev/project"

REQUESTS = {
    "edit": PermissionRequest(
        1, "s1", "Edit",
        {"file_path": f"{CWD}/app.py", "old_string": "def add(a, b):\n    return a - b\n", "new_string": "def add(a, b):\n    return a + b\n"},
        cwd=CWD,
    ),
    "write": PermissionRequest(
        2, "s1", "Write",
        {"file_path": f"{CWD}/notes.md", "content": "# Notes\n\n- kiwi\n- [bold]not markup[/]\n"},
        cwd=CWD, existing_text="# Notes\n\n- apple\n",
    ),
    "bash": PermissionRequest(
        3, "s1", "Bash",
        {"command": "rm -rf build && make test \x1b[31m", "description": "Clean and run the tests"},
        cwd=CWD,
    ),
    "read": PermissionRequest(
        4, "s1", "Read", {"file_path": "/etc/hosts"}, cwd=CWD, blocked_path="/etc/hosts",
    ),
}


class ModalHost(App[None]):
    def __init__(self, request: PermissionRequest) -> None:
        super().__init__()
        self.request = request

    def on_mount(self) -> None:
        self.push_screen(PermissionScreen(self.request, "Fix the adder"))


@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_permission_modal(snap_compare, name: str) -> None:
    assert snap_compare(ModalHost(REQUESTS[name]), terminal_size=(100, 30))
