"""Session metadata for the sidebar and ``ls``, folded from entries as they arrive.

The fold is incremental (set-once or last-wins fields and counters), so the
store keeps metadata current inside ``append`` without rescanning transcripts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import total_ordering
from typing import Any

from ..timestamps import parse_iso
from .text import Entry, assistant_message_id, assistant_model, is_user_prompt, one_line, user_prompt_text

TITLE_LIMIT = 80
UNTITLED = "(untitled session)"


def iso_utc(value: Any) -> str | None:
    """Normalise an entry timestamp to ISO 8601 UTC with milliseconds, or None."""
    if (
        isinstance(value, str) and len(value) == 24 and value[-1] == "Z" and value[10] == "T"
        and value[19] == "." and value[0] != "0"
    ):
        try:  # already the normal form (as Claude Code writes it): only check it (the import's hot path)
            datetime.fromisoformat(value[:-1])
        except ValueError:
            return None
        return value
    parsed = parse_iso(value)
    if parsed is None:
        return None
    return parsed.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class MetadataFold:
    """The part of a session row that follows from its transcript."""

    cwd: str | None = None
    model: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    message_count: int = 0
    last_assistant_id: str | None = None
    compact_summary: str | None = None
    first_prompt: str | None = None
    """The first prompt without its attached files, seen in this fold's entries:
    the SDK's own fold skips a prompt that starts with ``<`` (as one that carries
    a ``<context_file>`` does), which left such sessions untitled."""

    def add(self, entries: list[Entry]) -> None:
        for entry in entries:
            stamp = iso_utc(entry.get("timestamp"))
            if stamp:
                if self.created_at is None or stamp < self.created_at:
                    self.created_at = stamp
                if self.updated_at is None or stamp > self.updated_at:
                    self.updated_at = stamp
            cwd = entry.get("cwd")
            if self.cwd is None and isinstance(cwd, str) and cwd:
                self.cwd = cwd
            kind = entry.get("type")
            if kind == "summary" and isinstance(entry.get("summary"), str):
                self.compact_summary = entry["summary"]
            elif kind == "user" and is_user_prompt(entry):
                if self.message_count == 0 and self.first_prompt is None:  # the session's first prompt
                    text = CONTEXT_FILE_BLOCK.sub("", user_prompt_text(entry)).strip()
                    self.first_prompt = text or None
                self.message_count += 1
            elif kind == "assistant":
                self.model = assistant_model(entry) or self.model
                mid = assistant_message_id(entry)
                if mid != self.last_assistant_id:
                    self.message_count += 1
                    self.last_assistant_id = mid


CONTEXT_FILE_BLOCK = re.compile(r"<context_file [^>]*>.*?(</context_file>|$)\s*", re.S)
"""An attached file as ``engine/context.py`` writes it into a prompt."""


def derive_title(
    custom_title: str | None, compact_summary: str | None, first_prompt: str | None
) -> str:
    """Transcript title: CLI/AI title > compaction summary > first real prompt.

    ``custom_title`` is what the SDK's summary calls custom (a /rename in
    Claude Code, else its AI-generated title). A rename in claude-tui is kept
    apart and wins over all of these (see ``SessionRow.display_title``).
    """
    if first_prompt and "<context_file" in first_prompt:
        first_prompt = CONTEXT_FILE_BLOCK.sub("", first_prompt)  # attached files are not the prompt
    for candidate in (custom_title, compact_summary, first_prompt):
        if candidate and candidate.strip():
            return one_line(candidate, TITLE_LIMIT)
    return ""


_SHARED: dict[str, str] = {}
_SHARED_LIMIT = 50_000
"""Distinct shared texts kept (folders and projects are few; a bound all the same)."""


# The display-title rule lives here, in SQL, once: every read selects it.
DISPLAY_TITLE_SQL = (
    f"coalesce(nullif(trim(custom_title), ''), nullif(title, ''), '{UNTITLED}')"
)


@dataclass(slots=True)
class SessionRow:
    """One session as the sidebar and ``ls`` see it.

    The app holds one per listed session (100,000 in a large archive): slots,
    and the texts many rows share (folder, project, model, branch) kept once,
    halve what they take (``from_row``)."""

    session_id: str
    project_key: str
    cwd: str | None
    title: str  # derived from the transcript
    custom_title: str | None  # renamed in claude-tui
    last_prompt: str | None
    model: str | None
    git_branch: str | None
    created_at: str | None
    updated_at: str | None
    message_count: int
    pinned: bool
    archived: bool
    tag: str | None
    last_error: str | None
    display_title: str  # never empty: the rename, else the derived title
    parent_session_id: str | None = None  # a fork's parent (same project), schema 6
    fork_message: int | None = None  # the parent's user message it was forked at (1-based)
    note: str | None = None  # the user's note ("Session note")
    key: tuple[str, str] = field(init=False, repr=False, compare=False)
    """(project_key, session_id): how the UI names a session (``SessionKey``).
    Made once per row: the index by key and the sidebar's positions by key
    share this tuple instead of making one each (6 MB at 100,000 sessions)."""

    def __post_init__(self) -> None:
        self.key = (self.project_key, self.session_id)

    COLUMNS = (
        "session_id, project_key, cwd, title, custom_title, last_prompt, model,"
        " git_branch, created_at, updated_at, message_count, pinned, archived, tag,"
        f" last_error, {DISPLAY_TITLE_SQL}, parent_session_id, fork_message, note"
    )
    LIST_COLUMNS = COLUMNS.replace("last_prompt", "NULL", 1)
    """``COLUMNS`` for the app's whole list (``sessions(brief=True)``): no
    last prompt (nothing in the sidebar shows it; 14 MB at 100,000 sessions).
    Whatever needs it reads the row again (``session()``), as an export does."""
    JSON_FIELDS = (
        "session_id", "project_key", "cwd", "custom_title", "last_prompt", "model",
        "git_branch", "created_at", "updated_at", "message_count", "tag", "last_error",
        "parent_session_id", "fork_message", "note",
    )
    # ``ls --json`` rows built by SQLite itself: the same keys as ``to_json``.
    JSON_SQL = (
        "json_object("
        + ", ".join(f"'{name}', {name}" for name in JSON_FIELDS)
        + f", 'title', {DISPLAY_TITLE_SQL}"
        # json('true') is a constant: made once per statement, not parsed per row.
        + ", 'pinned', CASE WHEN pinned THEN json('true') ELSE json('false') END"
        + ", 'archived', CASE WHEN archived THEN json('true') ELSE json('false') END)"
    )

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> "SessionRow":
        """A row as the store selects it (``COLUMNS``, in order)."""
        values = list(row)
        values[11] = bool(values[11])
        values[12] = bool(values[12])
        if values[7] == "HEAD":  # stored before the CLI's HEAD was read as no branch
            values[7] = None
        shared = _SHARED
        for at in (1, 2, 6, 7):  # project_key, cwd, model, git_branch: one object per distinct text
            text = values[at]
            if text is not None:
                values[at] = shared.setdefault(text, text) if len(shared) < _SHARED_LIMIT else text
        if values[15] == values[3]:
            values[15] = values[3]  # the display title is most often the derived one: one object
        return cls(*values)

    @classmethod
    def provisional(
        cls, key: tuple[str, str], *, cwd: str, title: str, updated_at: str | None
    ) -> "SessionRow":
        """A session just sent its first prompt, before the store has its row:
        listed at once with what the app knows (one message, titled by the
        prompt); the store's row replaces it when the transcript lands."""
        return cls(
            session_id=key[1], project_key=key[0], cwd=cwd, title=title, custom_title=None,
            last_prompt=title, model=None, git_branch=None, created_at=updated_at, updated_at=updated_at,
            message_count=1, pinned=False, archived=False, tag=None, last_error=None, display_title=title,
        )

    @property
    def is_fork(self) -> bool:
        return bool(self.parent_session_id)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {name: getattr(self, name) for name in self.JSON_FIELDS}
        data.update(title=self.display_title, pinned=self.pinned, archived=self.archived)
        return data


@total_ordering
class _Descending:
    """Orders its text backwards: ``updated_at DESC`` inside an ascending key."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Descending) and self.text == other.text

    def __lt__(self, other: "_Descending") -> bool:
        return self.text > other.text

    def __hash__(self) -> int:
        return hash(self.text)


def session_order(row: SessionRow) -> tuple[Any, ...]:
    """The sort key of the session list: pinned first, then newest, then by id.

    It mirrors the store's ``ORDER BY s.pinned DESC, s.updated_at DESC,
    s.session_id`` (``SqliteSessionStore._session_query``), so rows the app
    changes or adds in memory land where the store would list them: SQLite
    compares the ISO texts bytewise, as ``str`` does, and puts a NULL
    ``updated_at`` last in DESC order. The project key, last, only breaks ties
    the SQL leaves open (two projects with one session id), so every session
    has one place (the sidebar bisects on this key).
    """
    updated = row.updated_at
    return (not row.pinned, updated is None, _Descending(updated or ""), row.session_id, row.project_key)
