"""The importer's reading half: finding transcript files and turning their new
bytes into entries ready to store, with no database access.

A ``Reader`` hands out batches of about ``BATCH_BYTES`` of new lines, each
read, parsed, compressed and indexed; a file larger than that is handed out
in parts, each a complete run of lines with the offset after it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import lines
from .app_data import ImportState
from .writer import INDEXED_TYPES, Prepared, index_text

HEAD_BYTES = 4096
CHUNK_BYTES = 4 * 1024 * 1024
MAX_LINE_BYTES = 64 * 1024 * 1024
"""A longer line is skipped (and counted) without being held in memory."""
BATCH_BYTES = 8 * 1024 * 1024
BATCH_FILES = 256
"""One transaction holds files until about this many bytes or files."""


@dataclass
class Transcript:
    path: Path
    key: dict[str, str]
    stat: os.stat_result | None = None


@dataclass
class Job:
    """A file to read and the bookmark left in it last time."""

    transcript: Transcript
    state: ImportState | None
    pending: int


@dataclass
class Chunk:
    """Complete lines read from one file, and the bookmark after them."""

    items: list[Prepared]
    state: ImportState
    bad: int


@dataclass
class FileRead:
    """What one batch holds of one file: its next chunks, or why it could not be
    read. ``last`` is False when the file goes on in the next batch."""

    job: Job
    chunks: list[Chunk] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    reread: bool = False
    first: bool = True
    last: bool = True


@dataclass
class _Open:
    """A file being read across batches."""

    job: Job
    handle: Any
    st: os.stat_result
    start: int
    bad_total: int
    head: str | None
    reread: bool
    first: bool = True


def key_for(path: Path, projects: Path) -> dict[str, str] | None:
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


def subagent_files(session_dir: Path) -> list[Path]:
    subagents = session_dir / "subagents"
    if not subagents.is_dir():
        return []
    return sorted(p for p in subagents.rglob("*.jsonl") if p.is_file())


def scan(projects: Path, errors: list[str]) -> list[tuple[Path, os.stat_result | None]]:
    """Every transcript under ``projects`` with its stat: main transcripts
    newest first (so a first import shows recent sessions early), then
    subagent transcripts."""
    mains: list[tuple[float, Path, os.stat_result]] = []
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
                    st = e.stat()
                    mains.append((-st.st_mtime, Path(e.path), st))
                elif e.is_dir():
                    subagents.extend(subagent_files(Path(e.path)))
            except OSError:
                continue  # vanished while we looked
    mains.sort(key=lambda item: item[0])
    return [(path, st) for _, path, st in mains] + [(path, None) for path in subagents]


def plan(transcripts: list[Transcript], states: dict[str, ImportState], skip: set[str]) -> list[Job | None]:
    """For each transcript, the job to read it, or None if it was read to its end
    and is unchanged since (size, mtime, inode), or its session was deleted in
    claude-tui."""
    jobs: list[Job | None] = []
    for transcript in transcripts:
        if transcript.key["session_id"] in skip:
            jobs.append(None)
            continue
        st = transcript.stat
        if st is None:
            try:
                st = transcript.path.stat()
            except OSError:
                st = None
        state = states.get(str(transcript.path))
        if (
            st is not None
            and state is not None
            and (st.st_size, st.st_mtime_ns, st.st_ino) == (state.size, state.mtime_ns, state.inode)
            and state.offset >= state.size  # else stopped part way (a quit, a crash, a half line)
        ):
            jobs.append(None)
            continue
        offset = state.offset if state is not None else 0
        jobs.append(Job(transcript, state, max(0, (st.st_size if st else 0) - offset)))
    return jobs


def head_hash(handle: Any, length: int) -> str:
    handle.seek(0)
    return hashlib.blake2b(handle.read(min(length, HEAD_BYTES)), digest_size=16).hexdigest()


def sample(jobs: list[Job], budget: int) -> list[bytes]:
    """Complete lines from the heads of ``jobs``' files, to train the store's
    compression dictionary on (see ``codec``)."""
    each = max(64 * 1024, budget // max(1, len(jobs)))
    found: list[bytes] = []
    size = 0
    for job in jobs:
        try:
            with open(job.transcript.path, "rb") as handle:
                data = handle.read(each)
        except OSError:
            continue
        for line in data.split(b"\n")[:-1]:
            if line and not line.isspace():
                found.append(line)
                size += len(line)
        if size >= budget:
            break
    return found


class Reader:
    """Reads the new lines of ``jobs``, a batch at a time, in their order."""

    def __init__(self, jobs: list[Job], encode: Callable[[bytes], bytes]) -> None:
        self._jobs: Iterator[Job] = iter(jobs)
        self._encode = encode
        self._open: _Open | None = None

    def close(self) -> None:
        if self._open is not None:
            self._open.handle.close()
            self._open = None

    def next_batch(self) -> list[FileRead]:
        """The next files (or parts of a file): empty when all are read."""
        max_bytes, max_files = BATCH_BYTES, BATCH_FILES
        batch: list[FileRead] = []
        size = 0
        while size < max_bytes and len(batch) < max_files:
            if self._open is None:
                job = next(self._jobs, None)
                if job is None:
                    break
                failed = self._start(job)
                if failed is not None:
                    batch.append(failed)
                    continue
            current = self._open
            assert current is not None
            read = FileRead(current.job, reread=current.reread, first=current.first, last=False)
            current.first = False
            batch.append(read)
            try:
                while size < max_bytes:
                    before = current.start
                    chunk, done = self._chunk(current)
                    read.chunks.append(chunk)
                    size += current.start - before
                    if done:
                        read.last = True
                        break
            except OSError as exc:
                read.errors.append(
                    f"{current.job.transcript.path}: read failed ({exc.strerror or exc}); partly imported"
                )
                read.last = True
            if read.last:
                self.close()
        return batch

    def _start(self, job: Job) -> FileRead | None:
        """Open ``job``'s file and find where to read from; a FileRead with the
        error if that fails."""
        path, state = job.transcript.path, job.state
        try:
            handle = open(path, "rb")
        except OSError as exc:
            return FileRead(job, errors=[f"{path}: cannot read ({exc.strerror or exc}); skipped"])
        try:
            st = os.fstat(handle.fileno())
            start = bad_total = 0
            reread = False
            if state is not None:
                same_head = (
                    state.offset > 0
                    and st.st_size >= state.offset
                    and head_hash(handle, state.offset) == state.head_hash
                )
                if state.inode == st.st_ino and same_head:
                    start, bad_total = state.offset, state.bad_lines
                else:
                    reread = state.offset > 0
        except OSError as exc:
            handle.close()
            return FileRead(job, errors=[f"{path}: cannot read ({exc.strerror or exc}); skipped"])
        self._open = _Open(job, handle, st, start, bad_total, None, reread)
        return None

    def _chunk(self, current: _Open) -> tuple[Chunk, bool]:
        """The next chunk of ``current`` and whether the file is done. A chunk
        with no lines still carries the bookmark (the file's size and time)."""
        end, raw_lines, bad = _read_lines(current.handle, current.start, current.st.st_size)
        main = not current.job.transcript.key.get("subpath")
        items = []
        encode = self._encode
        for line in raw_lines:
            entry = lines.parse_entry(line)
            if entry is None:
                bad += 1
                continue
            text = index_text(entry) if main and entry["type"] in INDEXED_TYPES else ""
            items.append((entry, encode(line), text))
        current.bad_total += bad
        if current.head is None or end < HEAD_BYTES:
            current.head = head_hash(current.handle, end)
        st = current.st
        state = ImportState(
            str(current.job.transcript.path), st.st_size, st.st_mtime_ns, st.st_ino,
            end, current.head, current.bad_total,
        )
        done = end >= st.st_size or end == current.start
        current.start = end
        return Chunk(items, state, bad), done


def _read_lines(handle: Any, start: int, size: int) -> tuple[int, list[bytes], int]:
    """Complete lines from ``start``, at most about CHUNK_BYTES of them (or one
    longer line, up to MAX_LINE_BYTES; a longer one is skipped and counted):
    (offset after them, lines, lines skipped)."""
    handle.seek(start)
    want = size - start
    data = handle.read(min(want, CHUNK_BYTES))
    cut = data.rfind(b"\n")
    if cut < 0 and len(data) < want:
        return _read_long_line(handle, start, size, data)
    if cut < 0:
        return start, [], 0  # no newline yet: the line is still being written
    return start + cut + 1, _split(data[: cut + 1]), 0


def _split(data: bytes) -> list[bytes]:
    return [line for line in data.split(b"\n") if line and not line.isspace()]


def _read_long_line(handle: Any, start: int, size: int, data: bytes) -> tuple[int, list[bytes], int]:
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
                return end, [], 1
            parts.append(block[: newline + 1])
            return end, _split(b"".join(parts)), 0
        position += len(block)
        held += len(block)
        if held <= MAX_LINE_BYTES:
            parts.append(block)
        else:
            parts = []  # too long to keep: find its end and skip it
    return start, [], 0  # no newline yet: the line is still being written
