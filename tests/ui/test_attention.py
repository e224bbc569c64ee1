"""The attention queue (data only) and the desktop notification escapes."""

from __future__ import annotations

from claude_tui.attention_actions import desktop_escapes, escape_payload
from claude_tui.live.attention import FAILED, FINISHED, PERMISSION, AttentionQueue

A = ("-p", "a")
B = ("-p", "b")


def test_the_oldest_keeps_its_place_and_takes_the_newest_reason() -> None:
    queue = AttentionQueue()
    queue.add(A, "alpha", FINISHED)
    queue.add(B, "beta", FAILED, "crashed")
    queue.add(A, "alpha", PERMISSION, "Write")
    assert [i.key for i in queue.items()] == [A, B]
    oldest = queue.oldest()
    assert oldest is not None and oldest.text == "alpha: needs permission (Write)"
    assert queue.clear(A) and not queue.clear(A)
    assert queue.oldest().text == "beta: failed (crashed)" and len(queue) == 1 and B in queue  # type: ignore[union-attr]


def test_a_title_cannot_end_or_start_an_escape_sequence() -> None:
    evil = "x\x1b]52;c;ZXZpbA==\x07y\x9c;z\nw"
    payload = escape_payload(evil)
    assert not any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in payload)
    assert ";" not in payload and payload.startswith("x ]52,c,ZXZpbA== y")
    assert len(escape_payload("a" * 1000)) == 200
    sequences = desktop_escapes("claude-tui", evil)
    assert sequences.count("\x1b") == 2 and sequences.count("\x07") == 2  # exactly our two, each ended
    assert sequences.startswith("\x1b]9;claude-tui: ") and "\x1b]777;notify;claude-tui;" in sequences
