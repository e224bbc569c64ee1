"""Entries on a branch of the transcript that a later prompt replaced.

Claude Code's transcript is a tree: each entry names its ``parentUuid``. When
a prompt is sent again from an earlier point (a retry after a crash resumes at
the entry before the dead prompt, ``engine/crash_resume.py``; a rewind in
Claude Code does the same), the new prompt gets the same parent as the old
one, and the old prompt with everything under it is a dead branch. Those lines
stay in the file and so in the archive; what is shown, exported and counted is
the conversation without them (the prompt once, as it was sent).

Only a *prompt* replaced by a later *prompt* under the same parent starts a
dead branch: tool results and meta lines never do.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .text import Entry, is_user_prompt


def forks(entries: Iterable[Entry], last_uuid: str | None) -> bool:
    """Whether a prompt among ``entries`` (appended after the entry ``last_uuid``)
    hangs from anything but the entry just before it: a branch may have been
    replaced, so counts must be taken again. Cheap: one pass, no lookups."""
    previous = last_uuid
    for entry in entries:
        uuid = entry.get("uuid")
        if entry.get("isSidechain"):
            continue
        parent = entry.get("parentUuid")
        if is_user_prompt(entry) and isinstance(parent, str) and previous is not None and parent != previous:
            return True
        if isinstance(uuid, str):
            previous = uuid
    return False


def superseded(entries: Iterable[Entry]) -> set[str]:
    """The uuids of entries on branches a later prompt replaced (empty for a
    transcript without such forks, the common case)."""
    entries = list(entries)
    prompt_under: dict[str, str] = {}  # a parent's uuid -> the latest prompt under it
    dead: set[str] = set()
    for entry in entries:
        parent, uuid = entry.get("parentUuid"), entry.get("uuid")
        if entry.get("isSidechain") or not (isinstance(parent, str) and isinstance(uuid, str)):
            continue
        if is_user_prompt(entry):
            replaced = prompt_under.get(parent)
            if replaced is not None:
                dead.add(replaced)
            prompt_under[parent] = uuid
    if not dead:
        return dead
    for entry in entries:  # a child comes after its parent in the file
        parent, uuid = entry.get("parentUuid"), entry.get("uuid")
        if isinstance(uuid, str) and isinstance(parent, str) and parent in dead:
            dead.add(uuid)
    return dead


def live_entries(entries: list[Any]) -> list[Any]:
    """``entries`` without the replaced branches (the same list when there are none)."""
    dead = superseded(entries)
    if not dead:
        return entries
    return [e for e in entries if e.get("uuid") not in dead]
