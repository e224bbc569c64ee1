"""A typed prefix as the index's words that start with it, for the filter's
message hits ("zid" typed: every message with a word starting "zid").

FTS5 answers ``"zid" *`` without a prefix index by reading and merging the
whole posting list of every word starting "zid" before it can give the
newest 50 rowids: 30 ms at 100,000 sessions, on each keystroke. The same
words joined by ``OR`` are read lazily, newest first, and ``LIMIT 50`` stops
the merge early (about 1 ms); finding the words (``fts5vocab``, a range of
its sorted terms) costs about a third of the prefix query. A prefix index
(``prefix=3``) would need the contentless index rebuilt from every message:
minutes at that size.

Only a last word that is one plain ASCII token is expanded (its folding is
``lower()``, exactly the tokenizer's); past ``MAX_TERMS`` words the prefix
query is kept (the ``OR`` of hundreds of lists costs more than it saves).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

MAX_TERMS = 64
"""More words than this under one prefix: FTS5's own prefix query."""

VOCAB_TABLE = "temp.message_vocab"
VOCAB_SQL = f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCAB_TABLE} USING fts5vocab(main, message_fts, row)"

_PLAIN = re.compile(r"[A-Za-z0-9]+")

Rows = Callable[[str, Sequence[Any]], Awaitable[list[tuple[Any, ...]]]]


def expandable(word: str) -> str | None:
    """The folded token ``word`` stands for, if it is one plain ASCII token
    (the only case expanded); None otherwise."""
    tokens = _PLAIN.findall(word) if word.isascii() else []
    # Any other character of an ASCII word is a separator to unicode61: the
    # word is one token only if it holds exactly one run of letters/digits.
    return tokens[0].lower() if len(tokens) == 1 else None


async def prefix_terms(rows: Rows, prefix: str) -> list[str] | None:
    """The index's words starting with ``prefix`` (folded), in order; None
    when there are more than ``MAX_TERMS``."""
    await rows(VOCAB_SQL, ())
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)  # ASCII: the next string after every word with the prefix
    found = await rows(
        f"SELECT term FROM {VOCAB_TABLE} WHERE term >= ? AND term < ? LIMIT ?", (prefix, upper, MAX_TERMS + 1)
    )
    return [r[0] for r in found] if len(found) <= MAX_TERMS else None


async def expanded_query(rows: Rows, words: Sequence[str]) -> str | None:
    """``fts_query(text, prefix=True)`` with the last word's prefix as the
    ``OR`` of the words it stands for; "" when no word has that prefix (no
    message can match); None when not expanded (use the prefix query)."""
    token = expandable(words[-1]) if words else None
    if token is None:
        return None
    terms = await prefix_terms(rows, token)
    if terms is None:
        return None
    if not terms:
        return ""
    head = ['"' + w.replace('"', '""') + '"' for w in words[:-1]]
    return " AND ".join([*head, "(" + " OR ".join(f'"{t}"' for t in terms) + ")"])
