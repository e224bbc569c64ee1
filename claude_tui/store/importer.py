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
import logging
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .app_data import ImportState
from .sqlite import SqliteSessionStore

HEAD_BYTES = 4096
CHUNK_BYTES = 4 * 1024 * 1024
MAX_LINE_BYTES = 64 * 1024 * 1024
"""A longer line is skipped (and counted) without being held in memory."""

log = logging.getLogger(__name__)

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


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
    """One transcript line as (entry, its text), or None if it cannot be read:
    not UTF-8, not JSON, nested too deeply for the parser, not an entry."""
    try:
        text = raw.decode("utf-8")
        entry = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(entry, dict) or not isinstance(entry.get("type"), str):
        return None
    if _SURROGATE_ESCAPE.search(text):
        entry = _without_lone_surrogates(entry)
    return entry, text


def _without_lone_surrogates(value: Any) -> Any:
    """``value`` with each lone UTF-16 surrogate (JSON allows ``"\\ud800"``, and
    JavaScript writes one when a string was cut inside an emoji) replaced by
    U+FFFD, so the index and metadata can store it. The raw line, stored as
    written, keeps the original."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_lone_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_without_lone_surrogates(k): _without_lone_surrogates(v) for k, v in value.items()}
    return value


def _read_chunk(handle: Any, start: int, size: int) -> _Chunk:
    """Read complete lines from ``start``, at most about CHUNK_BYTES of them
    (or one longer line, up to MAX_LINE_BYTES; a longer one is skipped)."""
    handle.seek(start)
    want = size - start
    data = handle.read(min(want, CHUNK_BYTES))
    cut = data.rfind(b"\n")
    if cut < 0 and len(data) < want:
        return _read_long_line(handle, start, size, data)
    if cut < 0:
        return _Chunk([], start, 0, True)
    return _lines_chunk(data[: cut + 1], start + cut + 1, size)


def _lines_chunk(data: bytes, end: int, size: int) -> _Chunk:
    items: list[tuple[dict[str, Any], str]] = []
    bad = 0
    for line in data.split(b"\n"):
        if not line.strip():
            continue
        parsed = _parse(line)
        if parsed is None:
            bad += 1
        else:
            items.append(parsed)
    return _Chunk(items, end, bad, end >= size)


def _read_long_line(handle: Any, start: int, size: int, data: bytes) -> _Chunk:
    """One line longer than a chunk: read on to its end, holding at most
    MAX_LINE_BYTES of it; past that the line is skipped as bad."""
    parts = [data]
    held = len(data)
    position = start + len(data)
    while position < size:
        block = handle.read(min(CHUNK_BYTES, size - position))
        if not block:
            break
        newline = block.find(b"\n")
        if newline >= 0:
            end = position + newline + 1
            if held + newline > MAX_LINE_BYTES:
                return _Chunk([], end, 1, end >= size)
            parts.append(block[: newline + 1])
            return _lines_chunk(b"".join(parts), end, size)
        position += len(block)
        held += len(block)
        if held <= MAX_LINE_BYTES:
            parts.append(block)
        else:
            parts = []  # too long to keep: find its end and skip it
    return _Chunk([], start, 0, True)  # no newline yet: the line is still being written


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
            added, unstorable = await _append_chunk(store, key, items, new_state)
            bad_total += unstorable
            report.bad_lines += unstorable
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


async def _append_chunk(
    store: SqliteSessionStore, key: Any, items: list[tuple[dict[str, Any], str]], state: ImportState
) -> tuple[int, int]:
    """Append a chunk with its new offset in one transaction: (landed, unstorable).

    If the store refuses the chunk, its entries go one at a time so that one
    entry the store cannot take does not keep the rest out; those are counted
    as bad lines, and the offset is saved after them.
    """
    try:
        return await store.append_lines(key, items, state), 0  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - one bad entry must not stop the import
        log.warning("store refused a chunk of %s; appending its entries one by one", state.path, exc_info=True)
    landed = unstorable = 0
    for item in items:
        try:
            landed += await store.append_lines(key, [item])  # type: ignore[list-item]
        except Exception:  # noqa: BLE001 - counted and reported as a bad line
            unstorable += 1
    state.bad_lines += unstorable
    await store.append_lines(key, [], state)
    return landed, unstorable


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
            try:
                one = await _import_file(store, transcript, state)
            except Exception as exc:  # noqa: BLE001 - whatever one file holds, the others are imported
                log.exception("importing %s failed", transcript.path)
                one = ImportReport(files_seen=1)
                one.errors.append(f"{transcript.path}: could not be imported ({type(exc).__name__}: {exc}); skipped")
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
