"""Ordered schema migrations and the tiny runner that applies them.

Each migration is a module ``mNNNN_name.py`` here with ``VERSION`` and
``async def upgrade(conn)``. The database's version lives in
``PRAGMA user_version``; the runner applies every newer migration, each in its
own transaction, so a crash mid-upgrade leaves a database at a known version.

A migration whose data work is long (rewriting every entry) does only its
schema change in ``upgrade`` and leaves a bookmark; its ``async def
finish(conn, progress)`` then does the rest in batches, each committed with
the bookmark moved on, reporting progress between batches. The runner calls
``finish`` at every open, so work cut short by a crash or a quit resumes
where it stopped (and returns at once when there is none).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

import aiosqlite


class NewerSchemaError(Exception):
    """The database was written by a newer claude-tui than this one."""


@dataclass(frozen=True)
class UpgradeProgress:
    """Where a long upgrade step is, reported between its batches.

    ``done`` of ``total`` units of ``step`` (a few words a UI can show); a
    callback that raises stops the upgrade after a committed batch: the next
    open resumes it.
    """

    version: int
    step: str
    done: int
    total: int


UpgradeCallback = Callable[[UpgradeProgress], None]


def _migrations() -> list[ModuleType]:
    names = sorted(
        m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("m")
    )
    return [importlib.import_module(f"{__name__}.{n}") for n in names]


def latest_version() -> int:
    return max(m.VERSION for m in _migrations())


async def current_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def upgrade(
    conn: aiosqlite.Connection, target: int | None = None, progress: UpgradeCallback | None = None
) -> int:
    """Bring the schema to ``target`` (default: the latest); return the version.

    The version is read again inside each write transaction, so two processes
    opening a new database at once never apply the same migration twice.
    """
    newest = latest_version()
    target = newest if target is None else target
    for migration in _migrations():
        if migration.VERSION > target:
            break
        await conn.execute("BEGIN IMMEDIATE")
        try:
            version = await current_version(conn)
            if version > newest:
                raise NewerSchemaError(
                    f"schema version {version} is newer than this claude-tui supports ({newest})"
                )
            if version < migration.VERSION:
                await migration.upgrade(conn)
                await conn.execute(f"PRAGMA user_version = {int(migration.VERSION)}")
            await conn.commit()
        except BaseException:
            await conn.rollback()
            raise
    version = await current_version(conn)
    for migration in _migrations():
        finish = getattr(migration, "finish", None)
        if migration.VERSION <= version and finish is not None:
            await finish(conn, progress)
    return version
