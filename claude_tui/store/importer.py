"""Claude Code transcripts -> the store: the one path by which transcripts enter it.

Claude Code writes ``<config>/projects/<project_key>/<session_id>.jsonl`` (and
subagents under ``<session_id>/subagents/``). The importer is incremental by
byte offset per file: an unchanged file (size, mtime, inode) costs one stat;
a grown file is read from its recorded offset, complete lines only; a file
that was truncated or replaced (its head changed) is read again from the start
and deduplicated, uuid-keyed entries by the store and uuid-less ones here, so
every entry lands exactly once. The offset is saved in the same transaction as
the entries it covers.

We do not build on the SDK's ``import_session_to_store``: it re-reads whole
files, cannot resume from an offset and stops at the first malformed line.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .app_data import ImportState
from .sqlite import SqliteSessionStore

HEAD_BYTES = 4096
CHUNK_BYTES = 4 * 1024 * 1024


@dataclass
class ImportProgress:
    """Reported after each file, so a UI can show ``files_done / files_total``."""

    files_done: int
    files_total: int
    path: Path
    entries_added: int


@dataclass
class ImportReport:
    files_seen: int = 0
    files_read: int = 0
    entries_added: int = 0
    bad_lines: int = 0
    sessions: set[tuple[str, str]] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)

    def merge(self, other: "ImportReport") -> None:
        self.files_seen += other.files_seen
        self.files_read += other.files_read
        self.entries_added += other.entries_added
        self.bad_lines += other.bad_lines
        self.sessions |= other.sessions
        self.errors.extend(other.errors)


@dataclass
class _Transcript:
    path: Path
    key: dict[str, str]


@dataclass
class _Chunk:
    """Complete lines read from one file, and where reading stopped."""

    items: list[tuple[dict[str, Any], str]]
    end: int
    bad: int
    eof: bool


ProgressCallback = Callable[[ImportProgress], None]


def _key_for(path: Path, projects: Path) -> dict[str, str] | None:
    """The SessionKey the SDK would give this file (see ``file_path_to_session_key``)."""
    try:
        parts = path.relative_to(projects).parts
    except ValueError:
        return None
    if len(parts) == 2 and parts[1].endswith(".jsonl"):
        return {"project_key": parts[0], "session_id": parts[1][: -len(".jsonl")]}
    if len(parts) >= 4 and parts[2] == "subagents" and parts[-1].endswith(".jsonl"):
        sub = [*parts[2:-1], parts[-1][: -len(".jsonl")]]
        return {"project_key": parts[0], "session_id": parts[1], "subpath": "/".join(sub)}
    return None


def _subagent_files(session_dir: Path) -> list[Path]:
    subagents = session_dir / "subagents"
    if not subagents.is_dir():
        return []
    return sorted(p for p in subagents.rglob("*.jsonl") if p.is_file())


def _scan(projects: Path, errors: list[str]) -> list[Path]:
    """Every transcript under ``projects``: main transcripts newest first (so a
    first import shows recent sessions early), then subagent transcripts."""
    mains: list[tuple[float, Path]] = []
    subagents: list[Path] = []
    try:
        project_dirs = sorted(e.path for e in os.scandir(projects) if e.is_dir())
    except OSError as exc:
        errors.append(f"{projects}: cannot list ({exc.strerror or exc})")
        return []
    for project in project_dirs:
        try:
            entries = sorted(os.scandir(project), key=lambda e: e.name)
        except OSError as exc:
            errors.append(f"{project}: cannot list ({exc.strerror or exc}); skipped")
            continue
        for e in entries:
            try:
                if e.name.endswith(".jsonl") and e.is_file():
                    mains.append((-e.stat().st_mtime, Path(e.path)))
                elif e.is_dir():
                    subagents.extend(_subagent_files(Path(e.path)))
            except OSError:
                continue  # vanished while we looked
    mains.sort(key=lambda item: item[0])
    return [path for _, path in mains] + subagents


def _head_hash(handle: Any, length: int) -> str:
    handle.seek(0)
    return hashlib.blake2b(handle.read(min(length, HEAD_BYTES)), digest_size=16).hexdigest()


def _parse(raw: bytes) -> tuple[dict[str, Any], str] | None:
    try:
        text = raw.decode("utf-8")
        entry = json.loads(text)
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(entry, dict) or not isinstance(entry.get("type"), str):
        return None
    return entry, text


def _read_chunk(handle: Any, start: int, size: int) -> _Chunk:
    """Read complete lines from ``start``, at most about CHUNK_BYTES of them."""
    handle.seek(start)
    want = size - start
    data = handle.read(min(want, CHUNK_BYTES))
    cut = data.rfind(b"\n")
    if cut < 0 and len(data) < want:
        # One line longer than a chunk: read on until its end.
        rest = handle.read(want - len(data))
        data += rest
        cut = data.rfind(b"\n")
    if cut < 0:
        return _Chunk([], start, 0, True)
    items: list[tuple[dict[str, Any], str]] = []
    bad = 0
    for line in data[: cut + 1].split(b"\n"):
        if not line.strip():
            continue
        parsed = _parse(line)
        if parsed is None:
            bad += 1
        else:
            items.append(parsed)
    end = start + cut + 1
    return _Chunk(items, end, bad, end >= size)


def _canonical(entry: dict[str, Any]) -> str:
    return json.dumps(entry, sort_keys=True, ensure_ascii=False)


async def _import_file(
    store: SqliteSessionStore, transcript: _Transcript, state: ImportState | None
) -> ImportReport:
    report = ImportReport(files_seen=1)
    path = transcript.path
    try:
        handle = await asyncio.to_thread(open, path, "rb")
    except OSError as exc:
        report.errors.append(f"{path}: cannot read ({exc.strerror or exc}); skipped")
        return report
    try:
        st = os.fstat(handle.fileno())
        start = 0
        bad_total = 0
        reread = False
        if state is not None:
            same_head = state.offset > 0 and st.st_size >= state.offset and (
                await asyncio.to_thread(_head_hash, handle, state.offset)
            ) == state.head_hash
            if state.inode == st.st_ino and same_head:
                start, bad_total = state.offset, state.bad_lines
            else:
                reread = state.offset > 0
        key: Any = transcript.key
        known_uuidless: Counter[str] = Counter()
        if reread:
            known_uuidless = Counter(
                _canonical(json.loads(text)) for text in await store.uuidless_entries(key)
            )
        report.files_read = 1
        while True:
            chunk = await asyncio.to_thread(_read_chunk, handle, start, st.st_size)
            items = chunk.items
            if known_uuidless:
                kept = []
                for entry, text in items:
                    canon = "uuid" not in entry and _canonical(entry)
                    if canon and known_uuidless[canon] > 0:
                        known_uuidless[canon] -= 1
                        continue
                    kept.append((entry, text))
                items = kept
            bad_total += chunk.bad
            report.bad_lines += chunk.bad
            head = await asyncio.to_thread(_head_hash, handle, chunk.end)
            new_state = ImportState(
                str(path), st.st_size, st.st_mtime_ns, st.st_ino, chunk.end, head, bad_total
            )
            added = await store.append_lines(key, items, new_state)  # type: ignore[arg-type]
            report.entries_added += added
            if added:
                report.sessions.add((key["project_key"], key["session_id"]))
            if chunk.eof or chunk.end == start:
                break
            start = chunk.end
    except OSError as exc:
        report.errors.append(f"{path}: read failed ({exc.strerror or exc}); partly imported")
    finally:
        handle.close()
    return report


def _unchanged(path: Path, state: ImportState | None) -> bool:
    if state is None:
        return False
    try:
        st = path.stat()
    except OSError:
        return False
    return (st.st_size, st.st_mtime_ns, st.st_ino) == (state.size, state.mtime_ns, state.inode)


async def _import_paths(
    store: SqliteSessionStore,
    projects: Path,
    paths: list[Path],
    progress: ProgressCallback | None,
) -> ImportReport:
    report = ImportReport()
    states = await store.import_states()
    transcripts = []
    for path in paths:
        key = _key_for(path, projects)
        if key is None:
            report.errors.append(f"{path}: not a Claude Code transcript path; skipped")
        else:
            transcripts.append(_Transcript(path, key))
    tombstoned = await store.tombstoned({t.key["session_id"] for t in transcripts})
    total = len(transcripts)
    for done, transcript in enumerate(transcripts, start=1):
        state = states.get(str(transcript.path))
        added = 0
        if transcript.key["session_id"] in tombstoned:
            report.files_seen += 1
        elif await asyncio.to_thread(_unchanged, transcript.path, state):
            report.files_seen += 1
        else:
            one = await _import_file(store, transcript, state)
            added = one.entries_added
            report.merge(one)
        if progress is not None:
            progress(ImportProgress(done, total, transcript.path, added))
    return report


async def import_transcripts(
    store: SqliteSessionStore,
    config_dir: Path,
    *,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import every transcript under ``<config_dir>/projects``.

    A missing ``projects`` folder means there is nothing to import; callers
    that were given the folder explicitly check for it themselves.
    """
    projects = Path(config_dir).expanduser() / "projects"
    if not projects.is_dir():
        return ImportReport()
    errors: list[str] = []
    paths = await asyncio.to_thread(_scan, projects, errors)
    report = await _import_paths(store, projects, paths, progress)
    report.errors[:0] = errors
    return report


async def import_session_file(store: SqliteSessionStore, path: Path) -> ImportReport:
    """Import one session's transcript and its subagent transcripts."""
    path = Path(path)
    projects = path.parent.parent
    paths = [path] if path.is_file() else []
    paths += await asyncio.to_thread(_subagent_files, path.with_suffix(""))
    return await _import_paths(store, projects, paths, None)
