"""Counted words are right for one and for many, everywhere counts are shown."""

from __future__ import annotations

from pathlib import Path

from claude_tui.session_index import FilterResult, count_status
from claude_tui.widgets.empty_state import empty_state_text
from claude_tui.words import plural, plural_word


def test_plural_words() -> None:
    assert plural(1, "session") == "1 session"
    assert plural(0, "session") == "0 sessions"
    assert plural(2, "entry") == "2 entries"
    assert plural(1, "entry") == "1 entry"
    assert plural_word(3, "text hit") == "text hits"


def test_one_session_reads_right() -> None:
    assert count_status(1, importing=False) == "1 session"
    assert FilterResult("x", [object()], {}, 1).status == "1 session, 1 text hit"  # type: ignore[list-item]
    draft = empty_state_text(sessions=1, importing=False, found=1, projects_dir=Path("/p"), draft=True).plain
    assert "the 1 session" not in draft and "open the session in the sidebar" in draft
    assert "1 session in the sidebar" in empty_state_text(sessions=1, importing=False, found=1, projects_dir=Path("/p")).plain
    found = empty_state_text(sessions=0, importing=False, found=1, projects_dir=Path("/p")).plain
    assert "1 transcript file in" in found and "none holds" not in found
