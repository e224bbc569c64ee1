"""The durable archive: Claude Code transcripts in SQLite, on the SDK's SessionStore contract.

Nothing here imports Textual or the engine; ``claude_agent_sdk`` is imported
only where a write needs its summary fold. The names below load on first use
(PEP 562), so a module that needs only ``store.text`` or ``store.metadata``
(the transcript reader, at the app's start) does not load SQLite and the
migrations with them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .metadata import SessionRow
    from .migrations import NewerSchemaError, UpgradeProgress
    from .app_data import ImportState, SearchHit
    from .sqlite import SqliteSessionStore, StoreError, open_store

_WHERE = {
    "SessionRow": ".metadata",
    "NewerSchemaError": ".migrations",
    "UpgradeProgress": ".migrations",
    "ImportState": ".app_data",
    "SearchHit": ".app_data",
    "SqliteSessionStore": ".sqlite",
    "StoreError": ".sqlite",
    "open_store": ".sqlite",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value
