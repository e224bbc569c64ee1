"""Which store to open: one factory for the app, the CLI and the import worker.

A store location is a file path (the SQLite store, the default) or a
``postgresql://`` URL (the shared store on a PostgreSQL server). The URL
comes from ``--store-url`` > ``$CLAUDE_TUI_STORE_URL`` > ``[store] url``;
``--db`` names a file and wins over the last two, and together with
``--store-url`` it is an error (the caller exits 2).

psycopg is imported only when a URL is opened.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .pg.url import is_postgres_url, masked

if TYPE_CHECKING:
    from .sqlite import SqliteSessionStore

ENV_URL = "CLAUDE_TUI_STORE_URL"


class StoreChoiceError(Exception):
    """Contradictory store options (``--db`` with ``--store-url``)."""


def store_url(flag_url: str | None, db_flag: str | None, configured_url: str | None) -> str | None:
    """The PostgreSQL URL to use, or None for the SQLite file."""
    if flag_url and db_flag:
        raise StoreChoiceError(
            "--db and --store-url name two different stores; pass one of them"
        )
    if flag_url:
        return _checked(flag_url, "--store-url")
    if db_flag:
        return None
    env = os.environ.get(ENV_URL)
    if env:
        return _checked(env, ENV_URL)
    if configured_url:
        return _checked(configured_url, "[store] url")
    return None


def _checked(url: str, where: str) -> str:
    if not is_postgres_url(url):
        raise StoreChoiceError(
            f"{where} must be a postgresql:// URL, not {masked(url)!r}; for an SQLite file use --db"
        )
    return url


def describe(location: str | os.PathLike[str]) -> str:
    """A store location safe to print (a URL's password masked)."""
    return masked(str(location)) if is_postgres_url(str(location)) else str(location)


async def open_store(location: str | os.PathLike[str], progress: Any = None) -> "SqliteSessionStore":
    """Open the store at ``location`` (a path or a PostgreSQL URL). Raises
    ``StoreError`` with a message for the user (passwords masked)."""
    if is_postgres_url(str(location)):
        from .sqlite import StoreError

        try:
            from .pg.store import PgSessionStore
        except ImportError:
            raise StoreError(
                "the PostgreSQL store needs the psycopg driver: pip install 'claude-tui[postgres]'"
            ) from None
        return await PgSessionStore.open(str(location), progress=progress)
    from .sqlite import SqliteSessionStore

    return await SqliteSessionStore.open(Path(location), progress=progress)
