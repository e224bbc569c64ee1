"""A moved project folder (issue #13): the sidebar's folder check and "Move project".

In process, on a store of 10,000 sessions in 50 project folders (two entries
each, written in one transaction; real folders for half of them):

- the folder check: gather the listed sessions' folders and stat each distinct
  one, as ``folders.FolderCheck`` does in a thread after each listing and on
  terminal focus (the UI thread only gathers and then swaps a set);
- one "Move project" of 200 sessions: the store's re-keying in one transaction
  (``relocation.move_sessions``), the sidebar's reload excluded.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

SESSIONS = 10_000
PROJECTS = 50


def _entries(session_id: str, cwd: str) -> list[tuple[dict[str, Any], bytes]]:
    import json

    items = []
    for n, kind in enumerate(("user", "assistant")):
        entry: dict[str, Any] = {
            "type": kind, "uuid": f"{session_id}-{n}", "sessionId": session_id, "cwd": cwd,
            "timestamp": f"2026-01-01T00:00:0{n}.000Z",
            "message": {"role": kind, "content": "hello"} if kind == "user"
            else {"id": f"m-{session_id}", "role": kind, "model": "m", "content": [{"type": "text", "text": "hi"}]},
        }
        items.append((entry, json.dumps(entry).encode()))
    return items


async def measure() -> dict[str, float]:
    from claude_tui.folders import missing_folders
    from claude_tui.relocation import folder_key, move_sessions
    from claude_tui.store import SqliteSessionStore

    with tempfile.TemporaryDirectory(prefix="claude-tui-move-") as tmp:
        root = Path(tmp)
        folders = [root / f"project-{p:02d}" for p in range(PROJECTS)]
        for folder in folders[::2]:
            folder.mkdir()
        store = await SqliteSessionStore.open(root / "sessions.db")
        try:
            def fill(writer: Any) -> None:
                for i in range(SESSIONS):
                    cwd = str(folders[i % PROJECTS])
                    sid = f"{i:08d}-0000-0000-0000-000000000000"
                    writer.append({"project_key": folder_key(cwd), "session_id": sid}, _entries(sid, cwd))

            await store.write_unit(fill)
            rows = await store.sessions(include_empty=True)
            checks = []
            for _ in range(20):
                start = time.perf_counter()
                missing_folders([row.cwd for row in rows])
                checks.append(time.perf_counter() - start)
            target = root / "moved"
            target.mkdir()
            moves = []
            old = folders[1]
            for _ in range(5):  # there and back: each move takes every session of the project
                start = time.perf_counter()
                report = await move_sessions(store, folder_key(str(old)), target, root / "claude")
                moves.append(time.perf_counter() - start)
                assert len(report.moved) == SESSIONS // PROJECTS
                old, target = target, old
        finally:
            await store.close()
    return {
        "folder_check_10k_sessions_ms_p50": statistics.median(checks) * 1000,
        "move_project_200_sessions_ms_p50": statistics.median(moves) * 1000,
    }


def run() -> dict[str, Any]:
    return asyncio.run(measure())
