"""Claude Code transcripts -> the store: the one path by which transcripts enter it.

Claude Code writes ``<config>/projects/<project_key>/<session_id>.jsonl`` (and
subagents under ``<session_id>/subagents/``). The importer is incremental by
byte offset per file: an unchanged file (size, mtime, inode) costs one stat;
a grown file is read from its recorded offset, complete lines only; a file
that was truncated or replaced (its head changed) is read again from the start
and deduplicated, uuid-keyed entries by the store and uuid-less ones here, so
every entry lands exactly once. The offset is saved in the same transaction as
the entries it covers.

Files go in batches of a few MB (``reading.Reader``): a batch is read,
parsed, compressed and written as one unit of work and one transaction on
the store's write thread: one thread hop per batch, not a dozen per file.
(Reading the next batch in another thread while one is written was slower:
the two threads' hand-offs of the GIL, at each SQLite step and each zstd
call, cost more than the overlap gained.) A first import of many new
files has them read by worker processes instead (``parse_worker``), and
the write thread inserts what they send back, in order. A crash or quit
mid-import loses at most the batch under way; the next import resumes from
the saved offsets, so nothing lands twice.

Whatever one file holds, the others are imported: a batch that fails is
rolled back and written again file by file, each file in a savepoint, and a
chunk the store refuses entry by entry (what it still refuses is counted as
bad lines).

We do not build on the SDK's ``import_session_to_store``: it re-reads whole
files, cannot resume from an offset and stops at the first malformed line.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import lines, reading
from .codec import NO_DICT, TRAIN_MAX_BYTES, TRAIN_MIN_BYTES
from .parse_worker import MAX_FILE_BYTES, Parsed, ParsePool
from .reading import FileRead, Job, Reader, Transcript, key_for, plan, sample, scan, subagent_files
from .sqlite import SqliteSessionStore
from .writer import Prepared, Writer

SKIPPED_PER_REPORT = 500
"""Unchanged files are reported to ``progress`` in runs of up to this many."""
POOL_MIN_BYTES = 64 * 1024 * 1024
"""New files of at least this many bytes in all are read by worker processes
(``parse_worker``), if the machine has two cores or more."""
MAX_WORKERS = 4

log = logging.getLogger(__name__)


@dataclass
class ImportProgress:
    """Reported after each file read, and after each run of unchanged files, so
    a UI can show ``files_done / files_total``."""

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


ProgressCallback = Callable[[ImportProgress], None]


@dataclass
class _Run:
    """What one import remembers about a file across its batches."""

    failed: set[str] = field(default_factory=set)
    uuidless: dict[str, Counter[str]] = field(default_factory=dict)
    unstorable: Counter[str] = field(default_factory=Counter)


def _canonical(entry: dict[str, Any]) -> str:
    return json.dumps(entry, sort_keys=True, ensure_ascii=False)


def _write_batch(writer: Writer, batch: list[FileRead], run: _Run) -> list[ImportReport]:
    """Write a batch in the writer's transaction: all at once, and if anything
    fails, again from the start with each file in its own savepoint."""
    try:
        return [_write_file(writer, read, run, careful=False) for read in batch]
    except Exception:  # noqa: BLE001 - one file must not stop the import
        log.warning("an import batch failed; writing its files one by one", exc_info=True)
        writer.restart()
    reports = []
    for read in batch:
        writer.conn.execute("SAVEPOINT import_file")
        try:
            report = _write_file(writer, read, run, careful=True)
        except Exception as exc:  # noqa: BLE001 - whatever one file holds, the others are imported
            writer.conn.execute("ROLLBACK TO import_file")
            log.exception("importing %s failed", read.job.transcript.path)
            run.failed.add(str(read.job.transcript.path))
            report = ImportReport(files_seen=int(read.first))
            report.errors.append(
                f"{read.job.transcript.path}: could not be imported ({type(exc).__name__}: {exc}); skipped"
            )
        writer.conn.execute("RELEASE import_file")
        reports.append(report)
    return reports


def _write_file(writer: Writer, read: FileRead, run: _Run, *, careful: bool) -> ImportReport:
    report = ImportReport(files_seen=int(read.first), errors=list(read.errors))
    path = str(read.job.transcript.path)
    if not read.chunks or path in run.failed:
        return report
    report.files_read = int(read.first)
    key = read.job.transcript.key
    if read.reread and read.first:
        run.uuidless[path] = Counter(_canonical(lines.stored_entry(raw)) for raw in writer.uuidless_lines(key))
    known = run.uuidless.get(path)
    for chunk in read.chunks:
        items = chunk.items
        if known:
            items = _without_known(items, known)
        report.bad_lines += chunk.bad
        state = chunk.state
        state.bad_lines += run.unstorable[path]
        if careful:
            added, unstorable = _append_chunk(writer, key, items, state)
            run.unstorable[path] += unstorable
            report.bad_lines += unstorable
        else:
            added = writer.append_prepared(key, items)
            writer.save_import_state(state)
        report.entries_added += added
        if added:
            report.sessions.add((key["project_key"], key["session_id"]))
    if read.last:
        run.uuidless.pop(path, None)
    return report


def _without_known(items: list[Prepared], known: Counter[str]) -> list[Prepared]:
    """``items`` less the uuid-less entries stored already (a file read again)."""
    kept = []
    for item in items:
        canon = "uuid" not in item[0] and _canonical(item[0])
        if canon and known[canon] > 0:
            known[canon] -= 1
            continue
        kept.append(item)
    return kept


def _append_chunk(writer: Writer, key: Any, items: list[Prepared], state: Any) -> tuple[int, int]:
    """Append a chunk with its new offset in a savepoint: (landed, unstorable).

    If the store refuses the chunk, its entries go one at a time so that one
    entry the store cannot take does not keep the rest out; those are counted
    as bad lines, and the offset is saved after them.
    """
    conn = writer.conn
    conn.execute("SAVEPOINT import_chunk")
    try:
        landed = writer.append_prepared(key, items)
        writer.save_import_state(state)
        conn.execute("RELEASE import_chunk")
        return landed, 0
    except Exception:  # noqa: BLE001 - one bad entry must not stop the import
        conn.execute("ROLLBACK TO import_chunk")
        log.warning("store refused a chunk of %s; appending its entries one by one", state.path, exc_info=True)
    landed = unstorable = 0
    for item in items:
        conn.execute("SAVEPOINT import_entry")
        try:
            landed += writer.append_prepared(key, [item])
        except Exception:  # noqa: BLE001 - counted and reported as a bad line
            conn.execute("ROLLBACK TO import_entry")
            unstorable += 1
        conn.execute("RELEASE import_entry")
    state.bad_lines += unstorable
    writer.save_import_state(state)
    conn.execute("RELEASE import_chunk")
    return landed, unstorable


def _train(writer: Writer, jobs: list[Job]) -> None:
    """Give the store its compression dictionary, trained on the first files."""
    if writer.codec.current == NO_DICT:
        writer.train_dictionary(sample(jobs, TRAIN_MAX_BYTES))


def _pooled(job: Job) -> bool:
    """A file a worker may read: never imported, and not too large to hold."""
    return job.state is None and job.pending <= MAX_FILE_BYTES


def _pool_size() -> int:
    cpus = os.cpu_count() or 1
    return min(cpus, MAX_WORKERS) if cpus >= 2 else 0


def _read_here(writer: Writer, job: Job, run: _Run, *, careful: bool) -> ImportReport:
    """Read and write ``job``'s file in this unit, as the in-process import does."""
    reader = Reader([job], writer.codec.encode)
    report = ImportReport()
    try:
        while batch := reader.next_batch():
            for read in batch:
                report.merge(_write_file(writer, read, run, careful=careful))
    finally:
        reader.close()
    return report


def _write_parsed(writer: Writer, job: Job, parsed: Parsed | None, run: _Run, *, careful: bool) -> ImportReport:
    key = job.transcript.key
    if parsed is None or not writer.is_new(key):
        return _read_here(writer, job, run, careful=careful)
    report = ImportReport(files_seen=1, bad_lines=parsed.bad, errors=list(parsed.errors))
    if parsed.state is None:
        return report
    report.files_read = 1
    if careful:
        writer.conn.execute("SAVEPOINT import_parsed")
        try:
            report.entries_added = writer.append_parsed(key, parsed.rows, parsed.data, parsed.fold)
            writer.save_import_state(parsed.state)
        except Exception:  # noqa: BLE001 - read here: chunk by chunk, entry by entry if need be
            writer.conn.execute("ROLLBACK TO import_parsed")
            writer.conn.execute("RELEASE import_parsed")
            return _read_here(writer, job, run, careful=True)
        writer.conn.execute("RELEASE import_parsed")
    else:
        writer.hold()
        report.entries_added = writer.append_parsed(key, parsed.rows, parsed.data, parsed.fold)
        writer.save_import_state(parsed.state, held=True)
    if report.entries_added:
        report.sessions.add((key["project_key"], key["session_id"]))
    return report


def _write_answers(writer: Writer, jobs: list[Job], answers: list[Parsed | None], run: _Run) -> list[ImportReport]:
    """Write files read by workers, all at once or, if that fails, one by one."""
    try:
        reports = [_write_parsed(writer, job, parsed, run, careful=False) for job, parsed in zip(jobs, answers)]
        writer.release()
        return reports
    except Exception:  # noqa: BLE001 - one file must not stop the import
        log.warning("an import batch failed; writing its files one by one", exc_info=True)
        writer.restart()
    reports = []
    for job, parsed in zip(jobs, answers):
        writer.conn.execute("SAVEPOINT import_file")
        try:
            report = _write_parsed(writer, job, parsed, run, careful=True)
        except Exception as exc:  # noqa: BLE001 - whatever one file holds, the others are imported
            writer.conn.execute("ROLLBACK TO import_file")
            log.exception("importing %s failed", job.transcript.path)
            report = ImportReport(files_seen=1)
            report.errors.append(f"{job.transcript.path}: could not be imported ({type(exc).__name__}: {exc}); skipped")
        writer.conn.execute("RELEASE import_file")
        reports.append(report)
    return reports


def _segments(jobs: list[Job], pooled: bool) -> list[tuple[bool, list[Job]]]:
    """Runs of consecutive jobs that workers read (True) or this process reads."""
    runs: list[tuple[bool, list[Job]]] = []
    for job in jobs:
        kind = pooled and _pooled(job)
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(job)
        else:
            runs.append((kind, [job]))
    return runs


async def _into_stored_projects(store: SqliteSessionStore, transcripts: list[Transcript]) -> list[Transcript]:
    """A session the store holds under another project key (started on another
    machine in another folder, resumed here through ``[store] path_map``) is
    imported into that one: one session, not two. A session id is a UUID, so
    the same id under one other project is the same session."""
    ids = sorted({t.key["session_id"] for t in transcripts})
    homes: dict[str, set[str]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for sid, pk in await store._rows(  # noqa: SLF001 - the store's own reader, from a store module
            f"SELECT session_id, project_key FROM transcripts WHERE subpath = '' AND session_id IN ({marks})", chunk
        ):
            homes.setdefault(sid, set()).add(pk)
    moved = []
    for t in transcripts:
        stored = homes.get(t.key["session_id"])
        if stored and t.key["project_key"] not in stored and len(stored) == 1:
            t = Transcript(t.path, {**t.key, "project_key": next(iter(stored))}, t.stat)
        moved.append(t)
    return moved


async def _import_paths(
    store: SqliteSessionStore,
    projects: Path,
    paths: list[tuple[Path, os.stat_result | None]],
    progress: ProgressCallback | None,
) -> ImportReport:
    report = ImportReport()
    states = await store.import_states()
    transcripts = []
    for path, st in paths:
        key = key_for(path, projects)
        if key is None:
            report.errors.append(f"{path}: not a Claude Code transcript path; skipped")
        else:
            transcripts.append(Transcript(path, key, st))
    transcripts = await _into_stored_projects(store, transcripts)
    tombstoned = await store.tombstoned({t.key["session_id"] for t in transcripts})
    planned = await asyncio.to_thread(plan, transcripts, states, tombstoned)
    total = len(transcripts)
    done = 0
    skipped = [t for t, job in zip(transcripts, planned) if job is None]
    for start in range(0, len(skipped), SKIPPED_PER_REPORT):
        run_of = skipped[start : start + SKIPPED_PER_REPORT]
        report.files_seen += len(run_of)
        done += len(run_of)
        if progress is not None:
            progress(ImportProgress(done, total, run_of[-1].path, 0))
    jobs = [job for job in planned if job is not None]
    if not jobs:
        return report
    if store.codec.current == NO_DICT and sum(j.pending for j in jobs) >= TRAIN_MIN_BYTES:
        await store.write_unit(lambda writer: _train(writer, jobs))
    run = _Run()

    def file_done(path: Path, one: ImportReport) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(ImportProgress(done, total, path, one.entries_added))

    workers = _pool_size() if sum(j.pending for j in jobs if _pooled(j)) >= POOL_MIN_BYTES else 0
    pool = None
    if workers and sys.executable:
        dictionaries = [(i, bytes(d)) for i, d in await store._rows("SELECT id, data FROM codec_dicts")]
        try:
            pool = await asyncio.to_thread(ParsePool, workers, dictionaries)
        except OSError:
            log.warning("cannot start import workers; importing in this process", exc_info=True)
    try:
        for pooled, segment in _segments(jobs, pool is not None):
            if pooled and pool is not None:
                await _import_pooled(store, pool, segment, run, report, file_done)
            else:
                await _import_here(store, segment, run, report, file_done)
    finally:
        if pool is not None:
            await asyncio.to_thread(pool.close)
    return report


async def _import_here(
    store: SqliteSessionStore, jobs: list[Job], run: _Run, report: ImportReport, file_done: Callable[[Path, ImportReport], None]
) -> None:
    """Read and write ``jobs`` in this process, a batch a unit."""
    reader = Reader(jobs, store.codec.encode)

    def read_and_write(writer: Writer) -> tuple[list[FileRead], list[ImportReport]]:
        batch = reader.next_batch()
        return batch, _write_batch(writer, batch, run)

    try:
        while True:
            batch, reports = await store.write_unit(read_and_write)
            if not batch:
                break
            for read, one in zip(batch, reports):
                report.merge(one)
                if read.last:
                    file_done(read.job.transcript.path, one)
    finally:
        reader.close()


async def _import_pooled(
    store: SqliteSessionStore,
    pool: ParsePool,
    jobs: list[Job],
    run: _Run,
    report: ImportReport,
    file_done: Callable[[Path, ImportReport], None],
) -> None:
    """``jobs`` read by the workers, written here a batch a unit, in order."""
    sent = 0
    numbers: dict[int, int] = {}

    def feed() -> None:
        nonlocal sent
        while sent < len(jobs) and pool.room():
            job = jobs[sent]
            numbers[sent] = sent if pool.submit(sent, str(job.transcript.path), job.transcript.key) else -1
            sent += 1

    def unit(writer: Writer, batch: list[Job], first: int) -> list[ImportReport]:
        answers: list[Parsed | None] = []
        for index in range(first, first + len(batch)):
            feed()
            answers.append(pool.answer(numbers[index]) if numbers.get(index, -1) >= 0 else None)
        return _write_answers(writer, batch, answers, run)

    start = 0
    while start < len(jobs):
        size = 0
        end = start
        while end < len(jobs) and size < reading.BATCH_BYTES and end - start < reading.BATCH_FILES:
            size += jobs[end].pending
            end += 1
        batch, first = jobs[start:end], start
        reports = await store.write_unit(lambda writer: unit(writer, batch, first))  # noqa: B023
        for job, one in zip(batch, reports):
            report.merge(one)
            file_done(job.transcript.path, one)
        start = end


async def import_transcripts(
    store: SqliteSessionStore,
    config_dir: Path,
    *,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import every transcript under ``<config_dir>/projects``.

    A missing ``projects`` folder means there is nothing to import; callers
    that were given the folder explicitly check for it themselves.
    ``progress`` is called on the caller's loop between batches; an exception
    from it stops the import there (every batch written before it is kept).
    """
    projects = Path(config_dir).expanduser() / "projects"
    if not projects.is_dir():
        return ImportReport()
    errors: list[str] = []
    paths = await asyncio.to_thread(scan, projects, errors)
    report = await _import_paths(store, projects, paths, progress)
    report.errors[:0] = errors
    return report


async def import_session_file(store: SqliteSessionStore, path: Path) -> ImportReport:
    """Import one session's transcript and its subagent transcripts."""
    path = Path(path)
    projects = path.parent.parent
    paths: list[tuple[Path, os.stat_result | None]] = [(path, None)] if path.is_file() else []
    paths += [(p, None) for p in await asyncio.to_thread(subagent_files, path.with_suffix(""))]
    return await _import_paths(store, projects, paths, None)
