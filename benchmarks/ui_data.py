"""Stores for the UI benchmarks, built once and cached under benchmarks/.data/.

Importing 10,000 generated sessions takes over a minute, so the imported
database is kept, named by session count, generator version and store schema
version: a change to any of them builds a new one. Databases are built with
the real ``python -m claude_tui import`` into a temporary name and renamed
only when complete, so an interrupted build is never reused.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from .datagen import GENERATOR_VERSION, generate
from .store import DATA, ROOT, dataset

LONG_TURNS = 2_500  # one user prompt and one reply per turn: 5,000 messages


def schema_version() -> int:
    """The store schema a fresh database gets (part of the cache key)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from claude_tui.store.migrations import latest_version

    return latest_version()


def _import(claude_dir: Path, db: Path) -> None:
    """Import ``claude_dir`` into ``db`` with the real CLI, then fold the WAL in."""
    env = {**os.environ, "CLAUDE_CONFIG_DIR": str(claude_dir), "CLAUDE_TUI_DB": str(db),
           "XDG_CONFIG_HOME": str(db.parent / "cfg"), "PYTHONPATH": str(ROOT)}
    env.pop("CLAUDE_TUI_CONFIG", None)
    subprocess.run([sys.executable, "-m", "claude_tui", "import"], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _build(name: str, claude_dir: Path) -> Path:
    """``benchmarks/.data/<name>.db`` imported from ``claude_dir``, built if missing."""
    target = DATA / f"{name}.db"
    if target.exists():
        return target
    work = DATA / f"{name}.partial"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    print(f"importing {claude_dir} into {target} ...", file=sys.stderr)
    _import(claude_dir, work / "store.db")
    os.replace(work / "store.db", target)
    shutil.rmtree(work, ignore_errors=True)
    return target


def store_name(sessions: int) -> str:
    """The cached store's name: session count, generator and schema versions."""
    return f"store-{sessions}-v{GENERATOR_VERSION}-s{schema_version()}"


def store_db(sessions: int) -> Path:
    """The generated ``sessions``-session tree, imported (shared by every run;
    the store benchmark leaves its own import here)."""
    root, _ = dataset(sessions)
    return _build(store_name(sessions), root)


def long_session_db(turns: int = LONG_TURNS) -> tuple[Path, str]:
    """A store holding one ``turns``-turn session, and a word painted only by its newest message.

    The word is the last one of the last reply: the chat pane opens scrolled
    to the bottom, so once it is on screen the newest messages are painted.
    """
    root = DATA / f"claude-long-{turns}-v{GENERATOR_VERSION}"
    marker = root / "DONE"
    if not marker.exists():
        shutil.rmtree(root, ignore_errors=True)
        generate(root, sessions=1, projects=1, turns=turns)
        marker.write_text("1")
    transcript = next((root / "projects").rglob("*.jsonl"))
    last_reply = next(
        json.loads(line) for line in reversed(transcript.read_text().splitlines())
        if '"type": "assistant"' in line
    )
    word = last_reply["message"]["content"][0]["text"].split()[-1]
    return _build(f"long-{turns}-v{GENERATOR_VERSION}-s{schema_version()}", root), word
