"""``claude-tui store copy``: every session from one store into another
(SQLite to PostgreSQL and back), idempotent and resumable.

Each transcript goes over in one ``append`` (one transaction on the target),
so a copy cut short leaves whole transcripts behind it and the next run
carries on: a transcript whose entry count is already the same on both
sides is skipped without reading it; one that differs gets only what the
target lacks (entries with a uuid are deduplicated by the store; those
without one are matched by content, as the importer does on a re-read).
Then the app's own data of each session: a rename, pin, archive, tag,
context files and overrides, and the tombstones of deleted sessions (so an
import on the target does not bring them back).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .sqlite import SqliteSessionStore

Key = tuple[str, str, str]
"""(project_key, session_id, subpath): one transcript."""


@dataclass
class CopyProgress:
    done: int
    total: int
    entries_added: int
    skipped: int


@dataclass
class CopyReport:
    transcripts: int = 0
    copied: int = 0
    skipped: int = 0
    entries_added: int = 0
    sessions: int = 0


async def _entry_counts(store: SqliteSessionStore) -> dict[Key, int]:
    rows = await store._rows(  # noqa: SLF001 - a store module reading its own tables
        "SELECT t.project_key, t.session_id, t.subpath, count(e.id) FROM transcripts t"
        " LEFT JOIN entries e ON e.transcript_id = t.id"
        " GROUP BY t.project_key, t.session_id, t.subpath"
    )
    return {(pk, sid, sub): int(n) for pk, sid, sub, n in rows}


def _canonical(entry: Any) -> str:
    return json.dumps(entry, sort_keys=True, ensure_ascii=False)


def _missing(source: list[Any], target: list[Any]) -> list[Any]:
    """Source entries the target lacks (uuid-less ones matched by content)."""
    have_uuid = {e.get("uuid") for e in target if isinstance(e.get("uuid"), str)}
    known = Counter(_canonical(e) for e in target if not isinstance(e.get("uuid"), str))
    missing = []
    for entry in source:
        uuid = entry.get("uuid")
        if isinstance(uuid, str):
            if uuid not in have_uuid:
                missing.append(entry)
            continue
        canon = _canonical(entry)
        if known[canon] > 0:
            known[canon] -= 1
        else:
            missing.append(entry)
    return missing


async def copy_store(
    source: SqliteSessionStore,
    target: SqliteSessionStore,
    progress: Callable[[CopyProgress], None] | None = None,
) -> CopyReport:
    """Copy every session of ``source`` into ``target`` (see the module docstring)."""
    report = CopyReport()
    have = await _entry_counts(target)
    wanted = await _entry_counts(source)
    # Main transcripts before their subagents, so a session row exists first.
    keys = sorted(wanted, key=lambda k: (k[0], k[1], k[2] != "", k[2]))
    report.transcripts = len(keys)
    for number, key in enumerate(keys, start=1):
        pk, sid, sub = key
        skey: dict[str, str] = {"project_key": pk, "session_id": sid}
        if sub:
            skey["subpath"] = sub
        if have.get(key) == wanted[key]:
            report.skipped += 1
        else:
            entries = await source.load(skey) or []  # type: ignore[arg-type]
            if key in have:
                entries = _missing(entries, await target.load(skey) or [])  # type: ignore[arg-type]
            if entries:
                await target.append(skey, entries)  # type: ignore[arg-type]
                report.entries_added += len(entries)
            report.copied += 1
        if progress is not None:
            progress(CopyProgress(number, len(keys), report.entries_added, report.skipped))
    report.sessions = await _copy_app_data(source, target)
    return report


async def _copy_app_data(source: SqliteSessionStore, target: SqliteSessionStore) -> int:
    """Renames, pins, tags, archive marks, context files, overrides and tombstones."""
    rows = await source.sessions(include_empty=True)
    for row in rows:
        pk, sid = row.project_key, row.session_id
        await target.ensure_session(pk, sid, row.cwd or "")
        fields: dict[str, Any] = {}
        if row.custom_title:
            fields["custom_title"] = row.custom_title
        if row.pinned:
            fields["pinned"] = 1
        if row.archived:
            fields["archived"] = 1
        if row.tag:
            fields["tag"] = row.tag
        if row.last_error:
            fields["last_error"] = row.last_error
        if fields:
            await target.update_session(pk, sid, **fields)
        for path, _added in await source.context_files(pk, sid):
            await target.set_context_file(pk, sid, path)
        overrides = await source.overrides(pk, sid)
        if overrides:
            await target.set_overrides(
                pk, sid, model=overrides.get("model"), system_prompt=overrides.get("system_prompt"),
                timeouts=overrides.get("timeouts") or None,
            )
    tombstones = await source._rows("SELECT session_id, deleted_at FROM tombstones")  # noqa: SLF001
    if tombstones:

        async def work() -> None:
            await target._conn.executemany(  # noqa: SLF001
                "INSERT OR REPLACE INTO tombstones (session_id, deleted_at) VALUES (?, ?)", tombstones
            )

        await target._write(work)  # noqa: SLF001
    return len(rows)
