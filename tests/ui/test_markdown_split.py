"""Where a streamed reply may be cut into chunk widgets without changing how it renders."""

from __future__ import annotations

from markdown_it import MarkdownIt

from claude_tui.widgets.markdown_split import last_cut


def test_cuts_between_paragraphs_at_the_last_safe_place() -> None:
    text = "para one\n\npara two\n\nthird"
    assert text[last_cut(text) :] == "third"


def test_never_inside_a_fence_even_across_blank_lines() -> None:
    text = "intro\n\n```python\nx = 1\n\ny = 2\n"
    assert last_cut(text) == len("intro\n\n")  # before the fence, never after its blank line
    closed = text + "```\n\nafter\n"
    assert closed[last_cut(closed) :] == "after\n"
    tilde = "a\n\n~~~\n\nb\n~~~\n\nc"
    assert tilde[last_cut(tilde) :] == "c"


def test_never_before_a_list_item_or_an_items_continuation() -> None:
    assert last_cut("a\n\n- one\n\n- two\n", minimum=3) is None
    assert last_cut("a\n\n1. one\n\n   more of one\n", minimum=3) is None
    assert last_cut("- one\n\n  continued\n\nout\n") == len("- one\n\n  continued\n\n")


def test_never_before_indented_code_or_an_uncertain_half_line() -> None:
    assert last_cut("a\n\n    code\n", minimum=1) is None
    assert last_cut("a\n\n-", minimum=1) is None  # could become a list item
    assert last_cut("a\n\n1", minimum=1) is None
    assert last_cut("a\n\nHel", minimum=1) == 3  # a letter starts a paragraph, whatever follows


def test_minimum_is_respected() -> None:
    text = "a\n\nb\n\nc\n"
    assert last_cut(text, minimum=len(text)) is None
    assert last_cut(text, minimum=4) == len("a\n\nb\n\n")


def test_chunks_render_like_the_whole() -> None:
    """Cutting at every allowed place and parsing the pieces alone gives the same blocks."""
    md = MarkdownIt("gfm-like")
    text = (
        "Intro with **bold**.\n\n# Heading\n\n- item one\n\n- item two\n  more\n\n"
        "```py\nx = 1\n\n\ny = 2\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nLast paragraph.\n"
    )
    whole = [t.type for t in md.parse(text) if t.level == 0]
    pieces, rest = [], text
    while last_cut(rest) is not None:
        # the first allowed cut: the shortest prefix that has one
        shortest = next(n for n in range(1, len(rest) + 1) if last_cut(rest[:n]) is not None)
        first = last_cut(rest[:shortest])
        assert first is not None
        pieces.append(rest[:first])
        rest = rest[first:]
    pieces.append(rest)
    assert len(pieces) > 3 and "".join(pieces) == text
    parts = [t.type for piece in pieces for t in md.parse(piece) if t.level == 0]
    assert parts == whole
