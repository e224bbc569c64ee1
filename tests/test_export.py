"""Markdown export: a reply's headings nest under the turn's, metadata one field a line."""

from __future__ import annotations

from claude_tui.export import shift_headings, to_markdown, to_text
from claude_tui.store.metadata import SessionRow


def test_headings_shift_under_the_turn_but_not_inside_code() -> None:
    text = "# Plan\n\nIntro\n===\n\n```md\n# kept\n```\n- item\n---\n#### Deep\n###### Deepest\n#tag\n    # indented code"
    assert shift_headings(text, 2).split("\n") == [
        "### Plan", "", "### Intro", "", "```md", "# kept", "```", "- item", "---",
        "###### Deep", "###### Deepest", "#tag", "    # indented code",
    ]


def test_markdown_export_nests_reply_headings_and_lists_fields_one_per_line() -> None:
    row = _row()
    entries = [
        {"type": "user", "uuid": "u1", "timestamp": "2026-01-02T03:04:05.000Z",
         "message": {"role": "user", "content": "plan it"}},
        {"type": "assistant", "uuid": "a1", "timestamp": "2026-01-02T03:04:06.000Z",
         "message": {"id": "m1", "role": "assistant", "model": "claude-test",
                     "content": [{"type": "text", "text": "# Plan\n\n## Step one\n\ndo it"}]}},
    ]
    md = to_markdown(row, entries)
    lines = md.split("\n")
    assert "## Claude" in lines and "### Plan" in lines and "#### Step one" in lines
    assert "# Plan" not in lines
    fields = [line for line in lines if line.startswith("- **")]
    assert [f.split(":**")[0][4:] for f in fields] == [
        "Session", "Title", "Folder", "Branch", "Created", "Updated", "Model", "Messages"]
    assert all(line.count(":**") == 1 for line in fields)
    assert "Updated:" in to_text(row, entries).split("\n")[5]


def _row() -> SessionRow:
    return SessionRow(
        session_id="11111111-2222-3333-4444-555555555555", project_key="-tmp-p", cwd="/tmp/p", title="Plans",
        custom_title=None, last_prompt="plan it", model="claude-test", git_branch="main",
        created_at="2026-01-02T03:04:05.000Z", updated_at="2026-01-02T03:04:06.000Z", message_count=2,
        pinned=False, archived=False, tag=None, last_error=None, display_title="Plans",
    )
