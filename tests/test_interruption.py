"""``[Request interrupted by user]`` is Claude Code's marker for an interrupted
turn, not something the user typed: not a message, not counted, shown as the
interruption it is by ``show``, export and the chat pane."""

from __future__ import annotations

import json

from claude_tui.export import to_json, to_markdown, to_text
from claude_tui.store.metadata import MetadataFold, SessionRow
from claude_tui.transcript import conversation
from claude_tui.widgets.message import message_header


def _entries() -> list[dict]:
    def user(uuid: str, content: object) -> dict:
        return {"type": "user", "uuid": uuid, "timestamp": "2026-01-02T03:04:05.000Z",
                "message": {"role": "user", "content": content}}

    return [
        user("u1", "tell me a story"),
        {"type": "assistant", "uuid": "a1", "timestamp": "2026-01-02T03:04:06.000Z",
         "message": {"id": "m1", "role": "assistant", "model": "claude-test",
                     "content": [{"type": "text", "text": "Once upon"}]}},
        user("u2", [{"type": "text", "text": "[Request interrupted by user]"}]),
        user("u3", "a shorter one"),
        user("u4", [{"type": "text", "text": "[Request interrupted by user for tool use]"}]),
    ]


def _row(count: int) -> SessionRow:
    return SessionRow(
        session_id="s", project_key="-tmp-p", cwd="/tmp/p", title="t", custom_title=None, last_prompt=None,
        model=None, git_branch=None, created_at=None, updated_at=None, message_count=count,
        pinned=False, archived=False, tag=None, last_error=None, display_title="t",
    )


def test_the_marker_is_not_a_message_but_marks_the_turn_it_stopped() -> None:
    messages = conversation(_entries())
    assert [(m.role, m.text, m.interrupted) for m in messages] == [
        ("user", "tell me a story", False),
        ("assistant", "Once upon", True),
        ("user", "a shorter one", True),  # stopped before any reply came
    ]
    assert "u2" in messages[1].entry_ids  # a search hit on the marker line still finds its turn


def test_the_marker_is_not_counted_as_a_message() -> None:
    fold = MetadataFold()
    fold.add(_entries())
    assert fold.message_count == 3


def test_show_and_export_say_interrupted_not_what_the_user_typed() -> None:
    row, entries = _row(3), _entries()
    for text in (to_text(row, entries), to_markdown(row, entries)):
        assert "Request interrupted" not in text
        assert text.count("(interrupted)") == 2
    messages = json.loads(to_json(row, entries))["messages"]
    assert [m["interrupted"] for m in messages] == [False, True, True]
    assert "interrupted" in message_header("assistant", None, interrupted=True).plain
