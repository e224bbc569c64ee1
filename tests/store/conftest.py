"""Fixtures that run the store suites on both backends: SQLite and PostgreSQL.

``any_store`` is a fresh store of each kind (tests that take it run twice);
``store_location`` makes fresh locations of one kind (a file path, or a new
database on the session's throwaway PostgreSQL server) for tests that open,
close and reopen. When no PostgreSQL server can be started here the
PostgreSQL half skips with the reason (under CI=true it fails instead: CI
must run them for real, ``.ci/run`` installs the server).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


BACKENDS = ["sqlite", "postgres"]
_counter = itertools.count()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store_location(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Callable[[], Any]:
    """A function that returns a new, empty store location of this backend."""
    if backend == "sqlite":
        return lambda: tmp_path / f"s{next(_counter)}.db"
    server = request.getfixturevalue("pg")
    return lambda: server.create_database(f"t{os.getpid()}_{next(_counter)}")


@pytest.fixture
async def any_store(store_location: Callable[[], Any]):
    from claude_tui.store.select import open_store

    async with await open_store(store_location()) as store:
        yield store


@pytest.fixture
async def sqlite_store(tmp_path: Path):
    from claude_tui.store import SqliteSessionStore

    async with await SqliteSessionStore.open(tmp_path / "s.db") as store:
        yield store
