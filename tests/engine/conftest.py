"""Engine test fixtures: a fresh store per test (the CLI fixtures come from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from claude_tui.store import SqliteSessionStore


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteSessionStore]:
    db = await SqliteSessionStore.open(tmp_path / "sessions.db")
    try:
        yield db
    finally:
        await db.close()
