"""Reading new transcript files in other processes, for a large first import.

Reading a file (parse every line, compress it, pick out its full text, fold
the SDK's summary and the session row) costs the importer about 60% of its
CPU; writing it, the rest. One process does both at 17-20 MB/s on the
benchmark machine; the GIL keeps threads from doing better (their hand-offs
at each SQLite step and zstd call cost more than they overlap). So when a
tree holds enough never-imported bytes, ``ParsePool`` starts a few
``python -m claude_tui.store.parse_worker`` processes that read whole new
files and send back rows ready to insert; the importer's write thread
inserts them (``Writer.append_parsed``) in file order.

A worker reads a file exactly as the importer would (``reading.Reader``,
deduplicated by uuid within the file, folded from nothing), so the store it
gives is the same. Anything a worker cannot do (it died, a file changed, the
store already knows the session) is read in-process instead.

Frames on the pipes are pickles (our own processes, both ends).
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from .app_data import ImportState
from .branches import forks, live_entries
from .metadata import MetadataFold

MAX_FILE_BYTES = 32 * 1024 * 1024
"""Larger files are read in-process, chunk by chunk (bounded memory)."""
WINDOW = 96
"""Files sent ahead to each worker (about 5 MB of transcripts): more than one
batch of the importer's, so workers read on while it writes."""


@dataclass
class Parsed:
    """A new file read whole: rows ready to insert and the folds of its entries."""

    rows: list[tuple[Any, bytes, str]] = field(default_factory=list)
    data: dict[str, Any] | None = None
    fold: MetadataFold | None = None
    state: ImportState | None = None
    bad: int = 0
    errors: list[str] = field(default_factory=list)
    size: int = 0


def parse_file(path: str, key: dict[str, str], encode: Any, fold_summary: Any) -> Parsed:
    """Read ``path`` from its start as the importer would, for a new transcript."""
    from pathlib import Path

    from .codec import uuid_key
    from .reading import Job, Reader, Transcript

    reader = Reader([Job(Transcript(Path(path), key), None, 0)], encode)
    parsed = Parsed()
    seen: set[str] = set()
    entries = []
    try:
        while batch := reader.next_batch():
            for read in batch:
                parsed.errors.extend(read.errors)
                for chunk in read.chunks:
                    parsed.bad += chunk.bad
                    parsed.state = chunk.state
                    for entry, blob, text in chunk.items:
                        uuid = entry.get("uuid")
                        if type(uuid) is str:
                            if uuid in seen:
                                continue
                            seen.add(uuid)
                        entries.append(entry)
                        parsed.rows.append((uuid_key(uuid), blob, text))
                        parsed.size += len(blob)
    finally:
        reader.close()
    if entries and not key.get("subpath"):
        parsed.data = fold_summary(None, key, entries)["data"]
        parsed.fold = MetadataFold()
        parsed.fold.add(entries)
        if forks(entries, None):  # a prompt sent again from an earlier point: count without its dead try
            parsed.fold.message_count = count_live(entries)
    return parsed


def count_live(entries: list[Any]) -> int:
    """Messages in ``entries`` without the branches a later prompt replaced."""
    fold = MetadataFold()
    fold.add(live_entries(entries))
    return fold.message_count


WORKER_NICENESS = 10
"""Workers run at a lower priority than the app (its UI thread and the writer)."""


def main() -> None:
    """The worker: a dictionary, then (path, key) requests, each answered with a Parsed."""
    if hasattr(os, "nice"):
        try:  # below the app: a first import must not make typing or the filter wait
            os.nice(WORKER_NICENESS)
        except OSError:
            pass
    requests = sys.stdin.buffer
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print must not corrupt the frames
    from claude_agent_sdk import fold_session_summary

    from .codec import EntryCodec

    codec = EntryCodec()
    codec.add_all(pickle.load(requests))
    while True:
        try:
            path, key = pickle.load(requests)
        except EOFError:
            return
        try:
            answer: Parsed | str = parse_file(path, key, codec.encode, fold_session_summary)
        except Exception as exc:  # noqa: BLE001 - the importer reads this file itself
            answer = f"{type(exc).__name__}: {exc}"
        pickle.dump(answer, answers, protocol=pickle.HIGHEST_PROTOCOL)
        answers.flush()


class ParsePool:
    """Worker processes reading files in turn; answers come back in request order.

    A thread per worker takes its answers off the pipe as they come (a pipe
    holds two or three), so the workers read on while the importer writes.
    """

    def __init__(self, workers: int, dictionaries: list[tuple[int, bytes]]) -> None:
        self._procs: list[subprocess.Popen[bytes]] = []
        self._outstanding: list[deque[int]] = []
        self._answers: dict[int, Parsed | None] = {}
        self._next = 0
        self._cond = threading.Condition()
        self._threads: list[threading.Thread] = []
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        for slot in range(workers):
            proc = subprocess.Popen(
                [sys.executable, "-m", "claude_tui.store.parse_worker"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
            )  # no stderr: the app's terminal is the parent's
            assert proc.stdin is not None
            pickle.dump(dictionaries, proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            proc.stdin.flush()
            self._procs.append(proc)
            self._outstanding.append(deque())
            thread = threading.Thread(target=self._drain, args=(slot,), name=f"parse-worker-{slot}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def _drain(self, slot: int) -> None:
        stdout = self._procs[slot].stdout
        queue = self._outstanding[slot]
        assert stdout is not None
        while True:
            try:
                answer = pickle.load(stdout)
            except Exception:  # noqa: BLE001 - gone or confused: its files are read in-process
                break
            with self._cond:
                if not queue:
                    break
                self._answers[queue.popleft()] = answer if isinstance(answer, Parsed) else None
                self._cond.notify_all()
        with self._cond:
            for pending in queue:
                self._answers[pending] = None
            queue.clear()
            self._procs[slot].returncode = self._procs[slot].returncode or -1
            self._cond.notify_all()

    def submit(self, number: int, path: str, key: dict[str, str]) -> bool:
        """Send request ``number`` to the next worker (round robin); False if it is gone."""
        slot = self._next % len(self._procs)
        self._next += 1
        proc = self._procs[slot]
        with self._cond:
            if proc.returncode is not None:
                return False
            self._outstanding[slot].append(number)
        try:
            assert proc.stdin is not None
            pickle.dump((path, key), proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            proc.stdin.flush()
        except (OSError, ValueError):
            with self._cond:
                if number in self._outstanding[slot]:
                    self._outstanding[slot].remove(number)
            return False
        return True

    def room(self) -> bool:
        with self._cond:
            return all(len(queue) < WINDOW for queue in self._outstanding)

    def answer(self, number: int) -> Parsed | None:
        """The answer to request ``number`` (None: read it in-process), waiting for it."""
        with self._cond:
            while number not in self._answers:
                if not any(number in queue for queue in self._outstanding):
                    return None
                self._cond.wait()
            return self._answers.pop(number)

    def close(self) -> None:
        """Stop the workers (they hold nothing worth a clean exit, which costs
        half a second of interpreter shutdown)."""
        for proc in self._procs:
            proc.kill()
            proc.wait()
        for thread in self._threads:
            thread.join()
        for proc in self._procs:
            for pipe in (proc.stdin, proc.stdout):
                try:
                    if pipe is not None:
                        pipe.close()
                except OSError:
                    pass


if __name__ == "__main__":
    # Run under the module's own name, so that what it pickles (``Parsed``)
    # names a class the importer can load, not one of ``__main__``.
    from claude_tui.store.parse_worker import main as run

    run()
