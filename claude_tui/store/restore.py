"""Store -> local transcript, for a session whose Claude Code copy is gone.

Claude Code sweeps transcripts after ``cleanupPeriodDays`` (30 by default) and
a session may have been made on another machine; resume only works from a
local file under ``<config>/projects/<project_key>/``. Before resuming such a
session the engine writes the stored entries back where the CLI looks, so
the CLI resumes from the user's own config dir (with their CLAUDE.md, agents
and settings) instead of the SDK's temporary one (see the reference notes on
``session_store=``).

Rules: files are written with mode 0600 (dirs 0700), atomically (temp file +
rename), and never over a local file at least as long as what would be
written: a longer local file holds turns the store has not imported yet.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from pathlib import Path
from typing import Any

from .sqlite import SqliteSessionStore

_UNSAFE_PART = re.compile(r"^\.{1,2}$")


def _jsonl(entries: list[Any]) -> bytes:
    """One compact JSON object per line, ``type`` first (as the CLI writes them)."""
    lines = []
    for entry in entries:
        if isinstance(entry, dict) and "type" in entry:
            entry = {"type": entry["type"], **entry}
        lines.append(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def _write_private(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` (0600) unless an existing file is as long."""
    try:
        if path.stat().st_size >= len(data):
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.restore")
    fd = os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return True


def _safe_subpath(subpath: str) -> bool:
    """Subpaths name files under ``<sid>/``: no absolute paths, no ``..``."""
    if not subpath or subpath.startswith(("/", "\\")) or "\x00" in subpath:
        return False
    return not any(_UNSAFE_PART.match(p) for p in re.split(r"[\\/]", subpath))


async def restore_transcript(
    store: SqliteSessionStore, project_key: str, session_id: str, path: Path
) -> bool:
    """Write the stored main transcript of a session to ``path`` and its
    subagent transcripts to ``<path without .jsonl>/<subpath>.jsonl``.

    Returns whether the main transcript was written (False when the store has
    no entries for it or a local file at least as long is already there).
    """
    path = Path(path)
    key = {"project_key": project_key, "session_id": session_id}
    entries = await store.load(key)  # type: ignore[arg-type]
    if not entries:
        return False
    wrote = await asyncio.to_thread(_write_private, path, _jsonl(list(entries)))
    session_dir = path.with_suffix("")
    for subpath in await store.list_subkeys(key):  # type: ignore[arg-type]
        if not _safe_subpath(subpath):
            continue
        sub_entries = await store.load({**key, "subpath": subpath})  # type: ignore[typeddict-item]
        transcript = [e for e in sub_entries or [] if not (isinstance(e, dict) and e.get("type") == "agent_metadata")]
        if transcript:
            target = session_dir / f"{subpath}.jsonl"
            await asyncio.to_thread(_write_private, target, _jsonl(transcript))
    return wrote
