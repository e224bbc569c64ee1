"""Deterministic stores and apps for UI tests, snapshots and ``screenshots/make.py``.

Everything is synthetic and fixed: timestamps are relative to ``FIXED_NOW``,
the app gets a clock returning it, and the Claude config folder is a fixed
path, so nothing depends on file times, the real date or the machine.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import fields
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from claude_tui.config import LoadedSettings, Settings
from claude_tui.store import SessionRow, SqliteSessionStore

FIXED_NOW = datetime(2026, 3, 10, 12, 0, 0, tzinfo=timezone.utc)
NO_CLAUDE_DIR = Path("/nonexistent/claude-tui-fixture/claude")
MODEL = "claude-sonnet-4-5"


def fixed_clock() -> datetime:
    return FIXED_NOW


def project_key(cwd: str) -> str:
    """The package's own rule (``engine.options.project_key_for``), imported when
    first used so importing the fixtures loads none of the engine."""
    from claude_tui.engine.options import project_key_for

    return project_key_for(cwd)


def session_row(**values: object) -> SessionRow:
    """A SessionRow from keywords, the rest defaulted (the dataclass grows fields)."""
    defaults = {f.name: None for f in fields(SessionRow) if f.init}
    defaults.update(message_count=3, pinned=False, archived=False, git_branch="main")
    defaults.update(values)
    defaults.setdefault("display_title", defaults.get("title"))
    if defaults["display_title"] is None:
        defaults["display_title"] = defaults["title"]
    return SessionRow(**defaults)  # type: ignore[arg-type]


def stamp(ago: timedelta) -> str:
    return (FIXED_NOW - ago).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class Transcript:
    """Builds one session's entries the way Claude Code writes them."""

    def __init__(self, cwd: str, session_id: str, *, branch: str | None = "main", start: timedelta) -> None:
        self.cwd = cwd
        self.session_id = session_id
        self.branch = branch
        self.at = FIXED_NOW - start
        self.entries: list[dict[str, Any]] = []
        self._n = 0
        self._parent: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (project_key(self.cwd), self.session_id)

    def _next(self, kind: str) -> tuple[str, str]:
        self._n += 1
        self.at += timedelta(seconds=30)
        uuid = f"{self.session_id[:8]}-{kind}-{self._n:04d}"
        return uuid, self.at.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

    def _base(self, kind: str) -> dict[str, Any]:
        uuid, ts = self._next(kind)
        entry: dict[str, Any] = {
            "type": kind,
            "uuid": uuid,
            "parentUuid": self._parent,
            "timestamp": ts,
            "cwd": self.cwd,
            "sessionId": self.session_id,
            "version": "2.1.0",
        }
        if self.branch:
            entry["gitBranch"] = self.branch
        self._parent = uuid
        return entry

    def user(self, text: str) -> str:
        entry = self._base("user")
        entry["message"] = {"role": "user", "content": text}
        self.entries.append(entry)
        return entry["uuid"]

    def assistant(self, *blocks: dict[str, Any], error: bool = False) -> str:
        """One reply; Claude Code writes one line per block sharing the message id."""
        mid = f"msg_{self.session_id[:8]}_{self._n:04d}"
        first = None
        for block in blocks:
            entry = self._base("assistant")
            entry["message"] = {
                "id": mid,
                "role": "assistant",
                "model": "<synthetic>" if error else MODEL,
                "type": "message",
                "content": [block],
            }
            if error:
                entry["isApiErrorMessage"] = True
            self.entries.append(entry)
            first = first or entry["uuid"]
        assert first is not None
        return first

    def reply(self, text: str) -> str:
        return self.assistant({"type": "text", "text": text})

    def tool_results(self, *results: tuple[str, str, bool]) -> None:
        entry = self._base("user")
        entry["message"] = {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": tid, "content": text, "is_error": err}
                for tid, text, err in results
            ],
        }
        self.entries.append(entry)

    def title(self, title: str) -> None:
        self.entries.append({"type": "custom-title", "customTitle": title, "sessionId": self.session_id})


def sid(n: int) -> str:
    return f"{n:08x}-0000-4000-8000-{n:012x}"


SHOP = "/work/projects/shop"
DOCS = "/work/projects/docs"
INFRA = "/work/infra"

TURN_SESSION = sid(1)
MARKUP_SESSION = sid(2)
LONG_SESSION = sid(3)
PINNED_SESSION = sid(4)


def turn_transcript() -> Transcript:
    """A finished turn with thinking, two tools (one failing) and an API error after it."""
    t = Transcript(SHOP, TURN_SESSION, branch="feature/notes", start=timedelta(minutes=42))
    t.user("read notes.txt and list the files here")
    t.assistant(
        {"type": "thinking", "thinking": "The user wants the notes and a listing. Read first, then ls."},
        {"type": "text", "text": "I'll read the notes and list the folder."},
        {"type": "tool_use", "id": "toolu_read", "name": "Read", "input": {"file_path": "/work/projects/shop/notes.txt"}},
        {"type": "tool_use", "id": "toolu_ls", "name": "Bash", "input": {"command": "ls -la", "description": "List files"}},
        {"type": "tool_use", "id": "toolu_cat", "name": "Bash", "input": {"command": "cat missing.txt"}},
    )
    t.tool_results(
        ("toolu_read", "kiwi\nbanana\n", False),
        ("toolu_ls", "notes.txt\nsrc\nREADME.md\n", False),
        ("toolu_cat", "cat: missing.txt: No such file or directory", True),
    )
    t.assistant(
        {"type": "thinking", "thinking": "The notes mention kiwi first."},
        {
            "type": "text",
            "text": "The notes say **kiwi** (and banana). The folder holds:\n\n"
            "- `notes.txt`\n- `src/`\n- `README.md`\n\n`missing.txt` does not exist.",
        },
    )
    t.user("and summarise it in one line")
    t.assistant(
        {"type": "text", "text": "API Error: 500 {\"type\":\"error\",\"error\":{\"type\":\"api_error\"}}"},
        error=True,
    )
    return t


INJECTION_PROMPT = "show [bold]x[/] and \x1b[31mred\x1b[0m literally \x1b]52;c;ZXZpbA==\x07"
INJECTION_REPLY = (
    "Here: [bold]x[/] and [link=https://evil.example]click[/link] and \x1b[31mred\x1b[0m"
    " and <b>html</b>"
)


def markup_transcript() -> Transcript:
    t = Transcript(DOCS, MARKUP_SESSION, branch="[red]main[/red]", start=timedelta(hours=5))
    t.user(INJECTION_PROMPT)
    t.reply(INJECTION_REPLY)
    return t


def long_transcript(turns: int = 60) -> Transcript:
    t = Transcript(INFRA, LONG_SESSION, branch="main", start=timedelta(days=3))
    for n in range(turns):
        t.user(f"question number {n}: what about item {n}?")
        t.reply(f"Answer {n}: item {n} is fine. " + ("unicorn" if n == 3 else "nothing special"))
    return t


def browse_transcripts() -> list[Transcript]:
    """Three projects; pinned, recent and old sessions; one of each special kind."""
    pinned = Transcript(DOCS, PINNED_SESSION, branch="main", start=timedelta(days=40))
    pinned.user("Draft the release notes for 2.0")
    pinned.reply("Here is a draft of the release notes.")
    pinned.title("Release notes 2.0")
    others = []
    specs = [
        (SHOP, sid(5), "fix the flaky checkout test", "main", timedelta(minutes=3)),
        (SHOP, sid(6), "why is the cart total off by one cent?", "bugfix/rounding", timedelta(hours=2)),
        (SHOP, sid(7), "add a dark mode toggle to the settings page", None, timedelta(days=2)),
        (DOCS, sid(8), "rewrite the install guide for Windows users", "docs", timedelta(days=9)),
        (INFRA, sid(9), "terraform plan shows drift on the load balancer", "main", timedelta(hours=20)),
        (INFRA, sid(10), "rotate the staging database credentials", "ops", timedelta(days=400)),
    ]
    for cwd, session, prompt, branch, ago in specs:
        t = Transcript(cwd, session, branch=branch, start=ago + timedelta(minutes=2))
        t.user(prompt)
        t.reply(f"Let's look at it: {prompt}.")
        others.append(t)
    return [pinned, turn_transcript(), markup_transcript(), long_transcript(), *others]


async def build_store(db_path: Path, transcripts: list[Transcript]) -> None:
    """Write ``transcripts`` into a fresh store at ``db_path`` and pin the pinned one."""
    async with await SqliteSessionStore.open(db_path) as store:
        for t in transcripts:
            await store.append({"project_key": project_key(t.cwd), "session_id": t.session_id}, t.entries)  # type: ignore[typeddict-item]
        if any(t.session_id == PINNED_SESSION for t in transcripts):
            await store.update_session(project_key(DOCS), PINNED_SESSION, pinned=True)


def build_store_sync(db_path: Path, transcripts: list[Transcript]) -> None:
    asyncio.run(build_store(db_path, transcripts))


def make_app(
    tmp_path: Path,
    *,
    claude_dir: Path = NO_CLAUDE_DIR,
    keymap: dict[str, str] | None = None,
    resume: tuple[str, str] | None = None,
    clock: Callable[[], datetime] = fixed_clock,
    settings: Settings | None = None,
    folder_exists: Callable[[str], bool] = lambda path: True,
    **kwargs: Any,
) -> Any:
    from claude_tui.app import ClaudeTUI

    if settings is None:
        settings = Settings()
        settings.sessions.preconnect = False  # typing in a scene must not start a real CLI
    if keymap:
        settings.keymap = dict(keymap)
    config_path = tmp_path / "config.toml"
    kwargs.setdefault("check_login", False)  # screens must not depend on this machine's login
    app = ClaudeTUI(
        db_path=tmp_path / "sessions.db",
        loaded=LoadedSettings(settings, config_path, []),
        config_path=config_path,
        claude_config_dir=claude_dir,
        resume=resume,
        clock=clock,
        cwd=kwargs.pop("cwd", Path(SHOP)),
        **kwargs,
    )
    # No animations: a tab underline caught mid-slide made snapshots flaky.
    app.animation_level = "none"
    # The made-up project folders are not on this machine: they count as there
    # unless a test says otherwise (a real check: ``folder_exists=os.path.isdir``).
    app.folders.exists = folder_exists
    return app


async def wait_until(pilot: Any, condition: Callable[[], object], timeout: float = 10.0, what: str = "") -> None:
    """Poll ``condition`` between event-loop turns, failing after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await pilot.pause(0.01)


async def settle(pilot: Any) -> None:
    """Wait until start-up finished: sessions listed, import done, workers idle."""
    app = pilot.app
    await wait_until(pilot, lambda: app.sessions_loaded or app.store_error, what="sessions loaded")
    if app.import_on_start:
        await wait_until(pilot, lambda: app.import_done, what="import done")
    await wait_until(pilot, lambda: not any(w.is_running for w in app.workers), what="workers idle")
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


@asynccontextmanager
async def browsing(tmp_path: Path, size: tuple[int, int] = (120, 36)) -> AsyncIterator[tuple[Any, Any]]:
    """The app at 120x36 (or ``size``) over the browse store (``browse_transcripts``), started and settled."""
    await build_store(tmp_path / "sessions.db", browse_transcripts())
    app = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        yield app, pilot


async def open_and_settle(pilot: Any, key: tuple[str, str], uuid: str | None = None) -> None:
    app = pilot.app
    app.open_session(key, uuid)
    await wait_until(pilot, lambda: app.view_for(key) is not None, what="view opened")
    await wait_until(pilot, lambda: not any(w.is_running for w in app.workers), what="open finished")
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


def screen_text(app: Any) -> str:
    """What the screen shows, as plain text lines (for asserting on rendered text)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text.rstrip() for strip in strips)


def screen_styles(app: Any, needle: str, region: Any = None) -> list[Any]:
    """The Rich styles of every cell run whose text contains ``needle`` (inside ``region``)."""
    from rich.cells import cell_len

    found = []
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        x = 0
        for segment in strip:
            inside = region is None or region.contains(x, y)
            if inside and needle in segment.text:
                found.append(segment.style)
            x += cell_len(segment.text)
    return found
