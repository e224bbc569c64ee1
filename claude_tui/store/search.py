"""Turning what a user typed into an FTS5 query that means exactly those words.

User text is never FTS5 syntax: each word becomes a quoted string (quotes
doubled), so ``AND``, ``NEAR``, ``*``, ``-`` or ``"`` are searched for
literally rather than interpreted.
"""

from __future__ import annotations


def fts_query(text: str, *, prefix: bool = False) -> str:
    """Every word of ``text`` must match; with ``prefix`` the last may be a prefix."""
    words = text.split()
    if not words:
        return ""
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    if prefix:
        quoted[-1] += " *"
    return " AND ".join(quoted)
