"""Reading the ISO 8601 timestamps of transcripts and the store, in one place.

Claude Code writes ``2026-03-10T12:00:00.000Z``; Python before 3.11 could not
read the ``Z`` and a stamp without a zone is ambiguous. Every reader (the
store's fold, the sidebar's "5m ago", a message header, the engine) goes
through ``parse_iso`` so they agree on both. It imports only ``datetime``:
the first frame can afford it.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any


def parse_iso(value: Any) -> datetime | None:
    """An aware datetime from an ISO 8601 text (``Z`` read as UTC, no zone taken
    as UTC, the store's convention), or None when it is empty or not a date."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed
