"""A fork of a stored session, written into the store under a new id.

"Fork session" and "Fork from message" both come here. The history is taken
from the store (the archive holds every session, also those whose Claude Code
transcript was swept), transformed by the SDK's own fork
(``fork_session_via_store``: fresh uuids, ``sessionId`` rewritten,
``forkedFrom`` stamped, the title entry) and written back as a new session
whose row remembers its parent. The engine's restore path writes the local
transcript when the fork is first resumed, so the CLI sees exactly this
history.

The transform runs in a thread, over entries already read (a 5,000-message
session is tens of thousands of entries: too much work for the app's loop).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import lines
from .text import is_user_prompt, user_prompt_text

if TYPE_CHECKING:
    from .sqlite import SqliteSessionStore
    from .writer import Writer

FORKABLE_TYPES = frozenset({"user", "assistant", "attachment", "system", "progress"})
"""The entry types the SDK's fork copies (with a uuid, off sidechains)."""


class ForkError(Exception):
    """Why a fork could not be made, in words for the user."""


@dataclass(frozen=True)
class UserMessage:
    """One prompt of a session, as "Fork from message" lists it."""

    number: int  # 1-based, in order
    uuid: str
    text: str


def user_messages(entries: list[Any]) -> list[UserMessage]:
    """The session's prompts in order (tool results, meta lines and interruption markers left out)."""
    found: list[UserMessage] = []
    for entry in entries:
        if isinstance(entry, dict) and not entry.get("isSidechain") and is_user_prompt(entry):
            uuid = entry.get("uuid")
            if isinstance(uuid, str):
                found.append(UserMessage(len(found) + 1, uuid, user_prompt_text(entry)))
    return found


def cut_after_reply(entries: list[Any], number: int) -> int:
    """Where a fork from user message ``number`` ends: the length of the
    entries up to and including that message's turn (its reply and tool
    calls), i.e. the index of the next prompt (or the end)."""
    seen = 0
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or entry.get("isSidechain"):
            continue
        if is_user_prompt(entry) and isinstance(entry.get("uuid"), str):
            seen += 1
            if seen == number + 1:
                return index
    if seen < number or number < 1:
        raise ForkError(f"The session has {seen} user messages; there is no message {number}.")
    return len(entries)


class _Held:
    """The SDK's ``SessionStore`` over entries in memory: ``load`` gives the
    source's, ``append`` keeps the fork's."""

    def __init__(self, entries: list[Any]) -> None:
        self.entries = entries
        self.appended: list[Any] = []

    async def load(self, key: Any) -> list[Any]:
        return self.entries

    async def append(self, key: Any, entries: list[Any]) -> None:
        self.appended.extend(entries)


def _transform(entries: list[Any], session_id: str, title: str) -> tuple[str, list[tuple[Any, bytes]]]:
    """The SDK's fork of ``entries``: (the fork's id, (entry, line) to store)."""
    from .. import compat

    try:
        made = compat.sdk_fork_lines(entries, session_id, title)
        if made is not None:  # the SDK's lines, stored as they are
            fork_id, texts = made
            raws = [text.encode("utf-8", "surrogatepass") for text in texts]
            return fork_id, [(lines.loads(raw), raw) for raw in raws]
        from claude_agent_sdk import fork_session_via_store

        held = _Held(entries)
        result = asyncio.run(fork_session_via_store(held, session_id, title=title))  # type: ignore[arg-type]
    except (ValueError, FileNotFoundError) as exc:
        raise ForkError(f"The session cannot be forked: {exc}") from exc
    return result.session_id, [(entry, lines.dumps(entry)) for entry in held.appended]


def _prepare(
    entries: list[Any], session_id: str, title: str, message: int | None
) -> tuple[str, int, list[tuple[Any, bytes]]]:
    """(the fork's id, the message number it is forked at, its lines), in one
    thread hop: every step walks all the entries."""
    prompts = user_messages(entries)
    if not prompts:
        raise ForkError("The session has no user message yet: nothing to fork.")
    number = len(prompts) if message is None else message
    if message is not None:
        # Sliced here rather than by the SDK's ``up_to_message_id``: the same
        # cut, and it needs no uuid-shaped entry ids.
        entries = entries[: cut_after_reply(entries, message)]
    fork_id, items = _transform(entries, session_id, title)
    return fork_id, number, items


async def fork_in_store(
    store: SqliteSessionStore,
    project_key: str,
    session_id: str,
    *,
    title: str,
    message: int | None = None,
    entries: list[Any] | None = None,
) -> tuple[str, int]:
    """Fork session ``session_id`` (whole, or up to user message ``message``
    and its reply) into a new session titled ``title`` in the same project.

    Returns (the fork's id, the message number it was forked at). ``entries``:
    the source's entries when the caller read them already.
    """
    if entries is None:
        entries = list(await store.load({"project_key": project_key, "session_id": session_id}) or [])  # type: ignore[typeddict-item]
    if not entries:
        raise ForkError("The session has no stored history to fork yet.")
    fork_id, number, items = await asyncio.to_thread(_prepare, entries, session_id, title, message)
    dst = {"project_key": project_key, "session_id": fork_id}

    def write(writer: Writer) -> None:
        writer.append(dst, items)
        writer.conn.execute(
            "UPDATE sessions SET parent_session_id=?, fork_message=? WHERE project_key=? AND session_id=?",
            (session_id, number, project_key, fork_id),
        )

    await store.write_unit(write)
    return fork_id, number
