"""What a user typed, as an FTS5 query that means exactly those words, and
the snippet of a matching message shown under its session.

User text is never FTS5 syntax: each word becomes a quoted string (quotes
doubled), so ``AND``, ``NEAR``, ``*``, ``-`` or ``"`` are searched for
literally rather than interpreted.

The full-text index keeps no text (it is contentless), so FTS5's
``snippet()`` cannot run; ``snippet`` here picks the same window from the
message text: the rule of FTS5's snippet function with 12 tokens and ``…``
(a window scored 1000 per distinct word and 1 per repeat, centred on its
matches, or started at a sentence start near them for a bonus of 100, 120
at the very start), over words as the index's ``unicode61`` tokenizer cuts
them.
"""

from __future__ import annotations

import re
import unicodedata

SNIPPET_TOKENS = 12
ELLIPSIS = "\u2026"
MAX_TEXT = 200_000
"""Longer messages are searched for their snippet in this head only."""
MAX_MATCHES = 500

_TOKEN = re.compile(r"(?:[^\W_]|[\ue000-\uf8ff])+")
_SPACE = " \t\n\r"


def fts_query(text: str, *, prefix: bool = False) -> str:
    """Every word of ``text`` must match; with ``prefix`` the last may be a prefix."""
    words = text.split()
    if not words:
        return ""
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    if prefix:
        quoted[-1] += " *"
    return " AND ".join(quoted)


def _fold(token: str) -> str:
    """Case and diacritics folded, as ``unicode61 remove_diacritics 2`` does."""
    if token.isascii():
        return token.lower()
    decomposed = unicodedata.normalize("NFD", token)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _phrases(query: str) -> list[list[str]]:
    """Each word of ``query`` as the tokens the index matches it by."""
    phrases = []
    for word in query.split():
        tokens = [_fold(m.group()) for m in _TOKEN.finditer(word)]
        if tokens:
            phrases.append(tokens)
    return phrases


def _matches(
    words: list[str], phrases: list[list[str]], prefix: bool
) -> list[tuple[int, int, int]]:
    """(token position, phrase number, phrase length) of every match, in order."""
    found = []
    last = len(phrases) - 1
    for position in range(len(words)):
        for number, phrase in enumerate(phrases):
            size = len(phrase)
            if position + size > len(words):
                continue
            ok = True
            for offset, token in enumerate(phrase):
                word = words[position + offset]
                if prefix and number == last and offset == size - 1:
                    ok = word.startswith(token)
                else:
                    ok = word == token
                if not ok:
                    break
            if ok:
                found.append((position, number, size))
        if len(found) >= MAX_MATCHES:
            break
    return found


def _score(matches: list[tuple[int, int, int]], start: int, size: int) -> tuple[int, int, int]:
    """Score of the window of ``size`` tokens at ``start``: (score, first, end)
    of the matches inside it."""
    score = 0
    seen: set[int] = set()
    first = -1
    end = 0
    for position, number, length in matches:
        if start <= position < start + size:
            score += 1 if number in seen else 1000
            seen.add(number)
            if first < 0:
                first = position
            end = position + length
    return score, first, end


def _sentence_starts(text: str, spans: list[tuple[int, int]]) -> list[int]:
    """Token positions that start a sentence: the first, and any after '.' or ':'
    and white space."""
    starts = [0]
    for position in range(1, len(spans)):
        before = spans[position][0] - 1
        i = before
        while i >= 0 and text[i] in _SPACE:
            i -= 1
        if i != before and i >= 0 and text[i] in ".:":
            starts.append(position)
    return starts


def snippet(text: str, query: str, *, prefix: bool = False, size: int = SNIPPET_TOKENS) -> str:
    """About ``size`` words of ``text`` around the words of ``query``, with
    ``…`` where text was left out."""
    head = text[:MAX_TEXT]
    spans = [m.span() for m in _TOKEN.finditer(head)]
    count = len(spans)
    if count == 0:
        return head
    words = [_fold(head[a:b]) for a, b in spans]
    matches = _matches(words, _phrases(query), prefix)
    starts = _sentence_starts(head, spans) if count > size else []
    best, best_start = 0, 0
    for position, _, _ in matches:
        score, first, end = _score(matches, position, size)
        if score > best:
            adjusted = first - int((size - (end - first)) / 2)
            adjusted = max(0, min(adjusted, count - size))
            best, best_start = score, adjusted
        if starts:
            j = 0
            while j < len(starts) - 1 and starts[j + 1] <= position:
                j += 1
            if starts[j] < position:
                score = _score(matches, starts[j], size)[0] + (120 if starts[j] == 0 else 100)
                if score > best:
                    best, best_start = score, starts[j]
    last = best_start + size - 1
    begin = spans[best_start][0] if best_start > 0 else 0
    lead = ELLIPSIS if best_start > 0 else ""
    if last >= count - 1 and len(text) <= MAX_TEXT:
        return lead + head[begin:]
    return lead + head[begin : spans[min(last, count - 1)][1]] + ELLIPSIS
