"""Text from transcripts is shown literally: no markup, no terminal escapes."""

from __future__ import annotations

from pathlib import Path

from claude_tui.literal import literal, safe_line, safe_text
from tests.ui.fixtures import (
    browsing,
    markup_transcript,
    open_and_settle,
    screen_styles,
    screen_text,
)


def test_safe_text_makes_controls_visible() -> None:
    assert safe_text("a\x1b[31mb\x07") == "a\\x1b[31mb\\x07"
    assert safe_text("osc \x1b]52;c;ZXZpbA==\x07") == "osc \\x1b]52;c;ZXZpbA==\\x07"
    assert safe_text("line\r\nnext\tx") == "line\nnext\tx"
    assert safe_text("lone\rcr") == "lone\\x0dcr"
    assert safe_text("c1 \x9b31m") == "c1 \\x9b31m"
    assert safe_text("rtl \u202eevil") == "rtl \\u202eevil"
    assert safe_line("a\nb\tc") == "a b c"


def test_literal_content_never_parses_markup() -> None:
    content = literal("[bold]x[/] [link=https://e.example]y[/link]")
    assert content.plain == "[bold]x[/] [link=https://e.example]y[/link]"
    assert not content.spans


async def test_markup_and_escapes_render_literally(tmp_path: Path) -> None:
    async with browsing(tmp_path) as (app, pilot):
        await open_and_settle(pilot, markup_transcript().key)
        text = screen_text(app)
        # The prompt, the reply, the sidebar title, the branch and the tab all show the characters.
        assert "show [bold]x[/] and \\x1b[31mred\\x1b[0m literally \\x1b]52;c;ZXZpbA==\\x07" in text
        assert "[link=https://evil.example]click[/link]" in text
        assert "<b>html</b>" in text
        assert "[red]main[/red]" in text
        assert "\x1b" not in text and "\x07" not in text
        # No style leaked from the markup: the "x" between the tags is not bold, nothing is a link.
        chat = app.pane_for(markup_transcript().key).chat.region
        styles = screen_styles(app, "[bold]x[/]", chat)
        assert len(styles) == 2  # the prompt and the reply
        for style in styles:
            assert not style.bold
        styles = screen_styles(app, "evil.example", chat)
        assert styles
        for style in styles:
            assert style.link is None and not style.underline


async def test_tool_titles_and_results_are_literal(tmp_path: Path) -> None:
    from claude_tui.transcript import ToolUse
    from claude_tui.widgets.tool_block import ToolBlock

    tool = ToolUse("t1", "[b]Bash[/b]", {"command": "echo [red]hi[/red] \x1b[2J"}, "[i]out[/i]\x1b]52;c;eA==\x07")
    block = ToolBlock(tool)
    assert block.title.plain == "[b]Bash[/b]  echo [red]hi[/red] \\x1b[2J"
