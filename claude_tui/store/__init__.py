"""The durable archive: Claude Code transcripts in SQLite, on the SDK's SessionStore contract.

Nothing here imports Textual or the engine; ``claude_agent_sdk`` is imported
only where a write needs its summary fold.
"""

from .metadata import SessionRow
from .migrations import NewerSchemaError
from .sqlite import ImportState, SearchHit, SqliteSessionStore, StoreError, open_store

__all__ = [
    "ImportState",
    "NewerSchemaError",
    "SearchHit",
    "SessionRow",
    "SqliteSessionStore",
    "StoreError",
    "open_store",
]
