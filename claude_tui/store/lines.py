"""Transcript lines to entries, fast, with exactly ``json.loads``'s result.

orjson parses these lines 2.4x faster than the stdlib (2.4 against 5.8 µs
for a 430-byte line on the benchmark machine: 3 s of a first import of
515 MB, where the whole budget at 40 MB/s is 13 s). It differs from
``json.loads`` in three places, each sent to the stdlib instead: integers
beyond 64 bits (orjson returns a float), ``NaN``/``Infinity`` and lone
UTF-16 surrogates (orjson refuses both). Lines holding a run of 19 digits or
a ``\\u`` escape are parsed by the stdlib; any line orjson refuses is given
to the stdlib too. So is a line with more than ``MAX_NESTING`` brackets:
old orjson versions crash the process on deep nesting, and the stdlib raises
``RecursionError`` there, which the importer counts as a bad line.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

MAX_NESTING = 500
"""A line longer than ``2 * MAX_NESTING`` bytes with more brackets than this
goes to the stdlib (old orjson versions crash on deep nesting)."""

# A regular expression for these tests costs 7 µs a line (three times orjson
# itself); a substring test and one translate cost a fraction of one.
_DIGITS_AS_ZERO = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
_LONG_NUMBER = b"0" * 19
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _fast(raw: bytes) -> Any:
    """orjson's reading of ``raw``, or None where it may differ from the stdlib's."""
    if (
        b"\\u" in raw
        or _LONG_NUMBER in raw.translate(_DIGITS_AS_ZERO)
        or (len(raw) > 2 * MAX_NESTING and raw.count(b"[") + raw.count(b"{") > MAX_NESTING)
    ):
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None


def loads(raw: bytes) -> Any:
    """``json.loads(raw)``: same value, same errors (``ValueError``,
    ``UnicodeDecodeError``, ``RecursionError``)."""
    value = _fast(raw)
    if value is None:
        value = json.loads(raw.decode("utf-8", "surrogatepass"))
    return value


def parse_entry(raw: bytes) -> dict[str, Any] | None:
    """One transcript line as an entry to index and fold, or None if it cannot
    be read: not UTF-8, not JSON, nested too deeply for the parser, not an
    entry. Lone surrogates in its strings are replaced (see ``clean``)."""
    entry = _fast(raw)
    if entry is None:
        try:
            entry = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return None
        if not isinstance(entry, dict) or not isinstance(entry.get("type"), str):
            return None
        return clean(entry) if _SURROGATE_ESCAPE.search(raw) else entry
    if type(entry) is not dict or type(entry.get("type")) is not str:
        return None
    return entry


def stored_entry(raw: bytes) -> dict[str, Any]:
    """A stored line read back the way ``parse_entry`` read it when it was
    written (so the full-text rows it produced can be found again)."""
    entry = loads(raw)
    return clean(entry) if _SURROGATE_ESCAPE.search(raw) else entry


def clean(value: Any) -> Any:
    """``value`` with each lone UTF-16 surrogate (JSON allows ``"\\ud800"``,
    and JavaScript writes one when a string was cut inside an emoji) replaced
    by U+FFFD, so the index and metadata can store it. The raw line, stored
    as written, keeps the original."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [clean(v) for v in value]
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    return value


def dumps(entry: Any) -> bytes:
    """An entry given as an object (the SDK's ``append``), as one JSON line."""
    return json.dumps(entry, ensure_ascii=False).encode("utf-8", "surrogatepass")
