"""The snippet computed from a hit's entry is the one FTS5's ``snippet()`` gave
when the index kept the text (schema 3): same window, same ellipses."""

from __future__ import annotations

import random
import sqlite3

from claude_tui.store.search import fts_query, snippet

VOCAB = ["kiwi", "apple", "Über", "naïve", "refactoring", "refactor", "the", "a", "Answer", "item",
         "fine", "x1", "3", "foo_bar", "don't", "e-mail", "café", "ÉCOLE"]
SEPARATORS = [" ", " ", " ", ", ", ". ", ": ", "\n", "\n\n", " (", ") ", " **", "** ", " - ", ".\n", "...", " ✓ "]


def test_snippet_matches_fts5_snippet_on_random_texts() -> None:
    rng = random.Random(11)
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE f USING fts5(text, tokenize='unicode61 remove_diacritics 2')")
    compared = 0
    for _ in range(1500):
        text = rng.choice(["", "  ", "**", "1. "]) + "".join(
            rng.choice(VOCAB) + rng.choice(SEPARATORS) for _ in range(rng.randint(1, 60))
        )
        words = rng.sample(VOCAB, rng.randint(1, 3))
        prefix = rng.random() < 0.3
        if prefix:
            words[-1] = words[-1][: rng.randint(1, len(words[-1]))]
        query = " ".join(words)
        conn.execute("DELETE FROM f")
        conn.execute("INSERT INTO f (rowid, text) VALUES (1, ?)", (text,))
        rows = conn.execute(
            "SELECT snippet(f, 0, '', '', '…', 12) FROM f WHERE f MATCH ?", (fts_query(query, prefix=prefix),)
        ).fetchall()
        if rows:
            compared += 1
            assert snippet(text, query, prefix=prefix) == rows[0][0], (query, prefix, text)
    assert compared > 300


def test_snippet_of_the_snapshot_texts() -> None:
    text = "The notes say **kiwi** (and bananas), nothing about oranges or pears at all today."
    assert snippet(text, "kiwi", prefix=True) == "The notes say **kiwi** (and bananas), nothing about oranges or pears at…"
    assert snippet("short kiwi", "kiwi") == "short kiwi"
    assert snippet("", "kiwi") == ""
