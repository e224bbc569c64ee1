"""Deleting a session for good, the one way both ``claude-tui rm`` and the
app's "Delete session" do it: the store's rows go (a tombstone keeps the
importer from bringing them back), then Claude Code's own transcript, through
the SDK's ``delete_session``, so ``claude --resume`` no longer offers it.

Neither Textual nor the SDK is imported until a deletion runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .store import SessionRow, SqliteSessionStore


@dataclass(frozen=True)
class LocalOutcome:
    """What happened to Claude Code's local transcript."""

    message: str
    failed: bool = False


def delete_local(session_id: str, cwd: str | None) -> LocalOutcome:
    """Remove Claude Code's own copy (blocking file I/O: run it in a thread from the UI)."""
    from claude_agent_sdk import delete_session

    try:
        delete_session(session_id, directory=cwd)
    except FileNotFoundError:
        return LocalOutcome("No local Claude Code transcript to delete.")
    except (OSError, ValueError) as exc:
        return LocalOutcome(f"could not delete the local transcript: {exc}", failed=True)
    return LocalOutcome("Deleted Claude Code's local transcript.")


async def delete_from_store(store: SqliteSessionStore, row: SessionRow) -> None:
    await store.delete_session(row.project_key, row.session_id)
