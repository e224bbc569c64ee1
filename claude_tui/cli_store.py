"""``claude-tui store copy --from A --to B``: the CLI side of ``store/copy.py``.

Either side is an SQLite file or a ``postgresql://`` URL; progress goes to
stderr (stdout stays for the summary), every location printed with its
password masked.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .store.pg.url import is_postgres_url


class StoreCommandError(Exception):
    """Bad input for ``store``: the message names the option and what to do."""


def _location(text: str, option: str, *, must_exist: bool) -> str | Path:
    if is_postgres_url(text):
        return text
    if "://" in text:
        from .store.pg.url import masked

        raise StoreCommandError(f"{option} {masked(text)}: not a postgresql:// URL or a file path")
    path = Path(text).expanduser()
    if path.is_dir():
        raise StoreCommandError(f"{option} {path}: is a folder; give the database file")
    if must_exist and not path.exists():
        raise StoreCommandError(f"{option} {path}: no such database file")
    return path


async def copy_command(source_text: str, target_text: str) -> int:
    """Run the copy; StoreError and StoreCommandError are the caller's to report."""
    from .store.copy import CopyProgress, copy_store
    from .store.select import describe, open_store

    source_loc = _location(source_text, "--from", must_exist=True)
    target_loc = _location(target_text, "--to", must_exist=False)
    if str(source_loc) == str(target_loc):
        raise StoreCommandError("--from and --to name the same store")
    tty = sys.stderr.isatty()

    def progress(p: CopyProgress) -> None:
        if tty or p.done % 200 == 0 or p.done == p.total:
            text = f"claude-tui: copying transcripts {p.done:,} of {p.total:,} ({p.skipped:,} already there)"
            print(text, end="\r" if tty and p.done < p.total else "\n", file=sys.stderr, flush=True)

    print(f"claude-tui: copying {describe(source_loc)} to {describe(target_loc)}", file=sys.stderr)
    source: Any = await open_store(source_loc)
    try:
        target: Any = await open_store(target_loc)
        try:
            report = await copy_store(source, target, progress)
        finally:
            await target.close()
    finally:
        await source.close()
    print(
        f"Copied {report.copied:,} transcripts ({report.entries_added:,} entries); {report.skipped:,} were"
        f" there already; {report.sessions:,} sessions' titles, pins and settings."
    )
    return 0
