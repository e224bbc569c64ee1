"""UI benchmarks: ``run(sessions) -> dict`` (called by ``python -m benchmarks``).

Every figure comes from whole app processes in a pseudo-terminal (120x36,
TERM=xterm-256color, Textual's real driver), never from timed tests. Keys
are written to the pty as a user's terminal would; "painted" means the
reconstructed screen (``ui_term.Screen``) shows the expected cells, timed at
the moment the chunk of output holding them was read. Latencies are
therefore key-to-pixels minus only the terminal emulator's own drawing.

1. ``startup_*``: spawn to the first full frame (the launch draft's prompt,
   the filter and the key bar on screen), for ``claude-tui`` (the real CLI,
   start-up import off: CLAUDE_CONFIG_DIR is empty) with ``sessions`` in the
   store, against a bare Textual hello-world; also with the import on over
   the unchanged tree, and with no parsed styles saved yet (the first start
   after an install or a theme change). Target: ratio under 1.5.
2. ``filter_*``: typing into the sidebar filter over ``sessions`` sessions.
   Key to the filter box repainted, and debounce end to the result painted,
   separately (the filter waits ``DEBOUNCE_SECONDS`` by design). Target: p95
   under 50 ms.
3. ``open_5000_*``: Enter on a 5,000-message session to its newest message
   painted. Target: under 200 ms.
4. ``typing_widget_*`` / ``typing_engine_*``: letters typed into the prompt
   while a reply streams at 2,000 one-token deltas per second, straight into
   a ``ChatView`` stream ("widget") or as engine ``TextDelta`` events through
   the app's live controller ("engine", when the app has one). Target: p95
   under 50 ms.

Scenarios 2-4 run ``benchmarks.ui_child``: the real ``ClaudeTUI`` in a
subclass that only logs timestamps (see that module). A scenario that fails
(a timeout) reports ``<scenario>_failed`` and saves its screen under
benchmarks/.data/; the others still run.
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .datagen import RARE_WORD
from .store import DATA, ROOT, dataset
from .ui_data import LONG_TURNS, long_session_db, store_db
from .ui_hello import TEXT as HELLO_TEXT
from .ui_pty import PtyApp, child_env, python
from .ui_term import Screen

STARTUP_RUNS = 7
STARTUP_IMPORT_RUNS = 5
OPEN_RUNS = 7  # the first is cold (modules, caches), the rest warm
FILTER_WORDS = ("refactoring", RARE_WORD[:7], "zidunsha")
BURST_WORDS = ("refactor", "quetzal", "project")
BURST_INTERVAL = 0.08  # seconds between keys when typing fast (faster than the debounce)
STREAM_RATE = 2_000  # deltas per second, one token each
TYPING_SECONDS = 10.0
TYPING_INTERVAL = 0.06  # seconds between keys: a fast typist
ROUND = "thequickbrownfoxjumpsoverthelazydog"[:30]  # letters only: a space would look like the cursor
PREFIX = "KEYS:"  # typed first, so even one typed letter is a distinct screen
BACKSPACE_LIMIT = 30.0  # seconds


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary(name: str, values: list[float], *, n: bool = True) -> dict[str, float]:
    """p50/p95/max in ms of ``values`` (seconds), plus how many there were."""
    if not values:
        return {f"{name}_n": 0}
    ms = [v * 1000 for v in values]
    figures = {f"{name}_p50_ms": percentile(ms, 50), f"{name}_p95_ms": percentile(ms, 95), f"{name}_max_ms": max(ms)}
    if n:
        figures[f"{name}_n"] = len(ms)
    return figures


def trend(name: str, values: list[float]) -> dict[str, float]:
    """p50 in ms of the first and the last third: does latency grow as the reply grows?"""
    third = len(values) // 3
    if not third:
        return {}
    return {
        f"{name}_first_third_p50_ms": percentile(values[:third], 50) * 1000,
        f"{name}_last_third_p50_ms": percentile(values[-third:], 50) * 1000,
    }


@contextmanager
def workdir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="ctui-ui-bench-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def child(db: Path, work: Path, name: str, *extra: str) -> PtyApp:
    """``benchmarks.ui_child`` on ``db``, logging to ``work/<name>/log``."""
    folder = work / name
    folder.mkdir()
    log = folder / "log"
    argv = python("-m", "benchmarks.ui_child", "--db", str(db), "--log", str(log), *extra)
    return PtyApp(argv, child_env(XDG_CONFIG_HOME=str(folder / "cfg")), log=log)


class RowLog:
    """What row ``y`` showed from column ``x`` after each chunk that wrote it: (time, cells)."""

    def __init__(self, y: int, x: int = 0, width: int = 60) -> None:
        self.y, self.x, self.width = y, x, width
        self.entries: list[tuple[float, str]] = []

    def __call__(self, at: float, touched: set[int], screen: Screen) -> None:
        if self.y in touched:
            self.entries.append((at, screen.cells(self.y, self.x, self.width)))

    def first(self, since: float, test: Callable[[str], bool]) -> float | None:
        return next((at for at, cells in self.entries if at >= since and test(cells)), None)

    def showing(self, text: str) -> Callable[[Screen], bool]:
        """A screen test for ``PtyApp.wait_for``: the row shows ``text`` and the cursor."""
        test = shows(text)
        return lambda screen: test(screen.cells(self.y, self.x, self.width))


def starts(text: str) -> Callable[[str], bool]:
    return lambda cells: cells.startswith(text)


def shows(text: str) -> Callable[[str], bool]:
    """The cells start with ``text`` and the cursor (a blank) right after it."""
    return lambda cells: cells.startswith(text) and cells[len(text) : len(text) + 1] == " "


def after(events: list[dict], since: float, kind: str, text: str | None = None) -> dict | None:
    """The first child event ``kind`` (with ``text``, if given) logged at or after ``since``."""
    return next((e for e in events if e["t"] >= since and is_event(e, kind, text)), None)


def is_event(event: dict, kind: str, text: str | None = None) -> bool:
    return event["event"] == kind and (text is None or event["text"] == text)


def waiter(kind: str, since: float, text: str | None = None) -> Callable[[dict], bool]:
    """A predicate for ``PtyApp.wait_event``: event ``kind`` (with ``text``) at or after ``since``."""
    return lambda e: e["t"] >= since and is_event(e, kind, text)


def status_painted(status: RowLog, done: dict) -> float | None:
    """When the status row first showed ``done``'s status after the result was in the list."""
    wanted = done["status"][:20]
    return status.first(done["t"], lambda cells: cells.startswith(wanted))


# -- 1. start-up ---------------------------------------------------------------------------------


def time_to_paint(argv: list[str], env: dict[str, str], marks: dict[str, list[str]]) -> dict[str, float]:
    """Spawn ``argv`` in a pty; seconds until each mark's texts are all on screen at once."""
    app = PtyApp(argv, env)
    reached: dict[str, float] = {}

    def watch(at: float, touched: set[int], screen: Screen) -> None:
        text = "\n".join(screen.row(y) for y in range(screen.height))
        for name, texts in marks.items():
            if name not in reached and all(t in text for t in texts):
                reached[name] = at - app.spawned_at

    app.listen(watch)
    with app:
        app.wait_for(lambda _: len(reached) == len(marks), 120, f"marks {list(marks)}")
    return reached


def startup(db: Path, sessions: int, work: Path) -> dict[str, float]:
    hello_argv = python(str(Path(__file__).with_name("ui_hello.py")))
    hello_marks = {"frame": [HELLO_TEXT]}
    tui_argv = python("-m", "claude_tui")
    # The first frame a user can work in: the launch draft's prompt, the sidebar's filter, the keys.
    # ... and the newest session's title in the sidebar: the first frame a user opened the app for.
    tui_marks = {"frame": ["Write a prompt", "Filter titles and text", "Quit"], "listed": [f"{sessions} sessions"],
                 "newest": [newest_title(sessions)]}
    empty = work / "empty-claude"
    empty.mkdir()
    base = {
        "CLAUDE_TUI_DB": str(db), "XDG_CONFIG_HOME": str(work / "cfg"), "XDG_DATA_HOME": str(work / "data"),
        "XDG_CACHE_HOME": str(work / "cache"),  # parsed styles, saved by the warm-up run
    }
    env_off = child_env(CLAUDE_CONFIG_DIR=str(empty), **base)
    env_on = child_env(CLAUDE_CONFIG_DIR=str(dataset(sessions)[0]), **base)

    time_to_paint(hello_argv, child_env(), hello_marks)  # warm-up: page cache, .pyc, config file, styles
    time_to_paint(tui_argv, env_off, tui_marks)
    time_to_paint(tui_argv, env_on, tui_marks)
    hello, tui, tui_import, tui_unstyled = [], [], [], []
    for run in range(STARTUP_RUNS):  # alternate, so load from other work hits both alike
        hello.append(time_to_paint(hello_argv, child_env(), hello_marks))
        tui.append(time_to_paint(tui_argv, env_off, tui_marks))
        # The first start after an install or a theme change: no parsed styles saved yet.
        no_cache = child_env(CLAUDE_CONFIG_DIR=str(empty), **{**base, "XDG_CACHE_HOME": str(work / f"nocache-{run}")})
        tui_unstyled.append(time_to_paint(tui_argv, no_cache, tui_marks))
    for _ in range(STARTUP_IMPORT_RUNS):
        tui_import.append(time_to_paint(tui_argv, env_on, tui_marks))

    def median_ms(runs: list[dict[str, float]], mark: str) -> float:
        return statistics.median(r[mark] for r in runs) * 1000

    hello_ms = median_ms(hello, "frame")
    import_ms = {name: import_time(code) for name, code in IMPORTS.items()}
    frame_ms = median_ms(tui, "frame")
    listed_ms = median_ms(tui, "listed")
    newest_ms = median_ms(tui, "newest")
    return {
        "startup_hello_first_frame_ms": hello_ms,
        "startup_tui_first_frame_ms": frame_ms,
        "startup_tui_newest_session_ms": newest_ms,
        "startup_ratio_newest_session": newest_ms / hello_ms,
        "startup_tui_sessions_listed_ms": listed_ms,
        "startup_ratio_first_frame": frame_ms / hello_ms,
        "startup_ratio_sessions_listed": listed_ms / hello_ms,
        "startup_no_style_cache_first_frame_ms": median_ms(tui_unstyled, "frame"),
        "startup_no_style_cache_ratio_first_frame": median_ms(tui_unstyled, "frame") / hello_ms,
        "startup_import_on_first_frame_ms": median_ms(tui_import, "frame"),
        "startup_import_on_sessions_listed_ms": median_ms(tui_import, "listed"),
        "startup_runs": STARTUP_RUNS,
        "startup_diag_import_hello_ms": import_ms["hello"],
        "startup_diag_import_tui_ms": import_ms["tui"],
    }


def newest_title(sessions: int) -> str:
    """How the generated tree's newest session's title starts (datagen: session N-1 is the newest)."""
    return f"Session {sessions - 1}:"


# -- the app's own memory -------------------------------------------------------------------------


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def app_rss(db: Path, sessions: int, work: Path) -> dict[str, float]:
    """The app process's peak RSS (VmHWM: its own, not the CLI's) once every
    session is loaded and a filter has run: polled until it stays put."""
    with child(db, work, "rss") as app:
        app.wait_for_text(newest_title(sessions), 120)
        # The first frame shows the first page; the whole list follows. Typing
        # before it is shown skips its sidebar rows (about 18 MB less at
        # 100,000): the figure flipped between two values from run to run.
        _steady_rss(app.proc.pid)
        app.press("ctrl+f")
        time.sleep(0.5)  # (the filter box takes focus)
        for key in "refactoring":
            app.press(key)
            time.sleep(0.05)
        app.wait_event(waiter("filter_done", 0.0, "refactoring"), 120, "filter")
        return {"app_peak_rss_mb": _steady_rss(app.proc.pid)}


def _steady_rss(pid: int) -> float:
    """The peak RSS once it has stayed put for 2 s (at most a minute)."""
    last, steady_since, deadline = -1.0, time.monotonic(), time.monotonic() + 60
    while time.monotonic() < deadline:
        now = peak_rss_mb(pid)
        if now != last:
            last, steady_since = now, time.monotonic()
        elif time.monotonic() - steady_since > 2.0:
            break
        time.sleep(0.1)
    return last


IMPORTS = {
    "hello": "from textual.app import App; from textual.widgets import Label",
    "tui": "import claude_tui.cli, claude_tui.app",
}


def import_time(code: str, runs: int = 5) -> float:
    """Median ms a fresh interpreter spends importing ``code`` (a diagnostic for the ratio)."""
    timed = f"import time; t = time.perf_counter(); {code}; print(time.perf_counter() - t)"
    results = [float(subprocess.run(python("-c", timed), env=child_env(), capture_output=True, text=True,
                                    check=True).stdout) for _ in range(runs)]
    return statistics.median(results) * 1000


# -- 2. filter ------------------------------------------------------------------------------------


def filter_latency(db: Path, sessions: int, work: Path) -> dict[str, float]:
    with child(db, work, "filter") as app:
        app.wait_for_text(f"{sessions} sessions", 120)
        box_y, box_x = app.wait_for_text("Filter titles and text")
        status_y, status_x = app.wait_for_text(f"{sessions} sessions")
        box, status = RowLog(box_y, box_x, 34), RowLog(status_y, status_x, 36)
        app.listen(box)
        app.listen(status)
        app.press("ctrl+f")
        time.sleep(0.5)
        keys: list[tuple[str, float]] = []  # (filter text after the key, time pressed)
        for word in FILTER_WORDS:  # one key at a time, each waits for its own result
            for i in range(1, len(word) + 1):
                pressed = app.press(word[i - 1])
                keys.append((word[:i], pressed))
                app.wait_event(waiter("filter_done", pressed, word[:i]), 120, f"filter {word[:i]!r}")
                time.sleep(0.2)
            clear(app)
        bursts: list[tuple[str, float]] = []  # (word, time its last key was pressed)
        for word in BURST_WORDS:  # typed fast: only the last key's text is queried
            for i in range(1, len(word) + 1):
                pressed = app.press(word[i - 1])
                keys.append((word[:i], pressed))
                time.sleep(BURST_INTERVAL)
            bursts.append((word, pressed))
            app.wait_event(waiter("filter_done", pressed, word), 120, f"filter {word!r}")
            time.sleep(0.2)
            clear(app)
        time.sleep(0.3)
        events = app.events()
    echo = [t - pressed for text, pressed in keys if (t := box.first(pressed, shows(text))) is not None]
    query, settled, total, texts = [], [], [], []
    for text, pressed in keys[: sum(len(w) for w in FILTER_WORDS)]:
        start = after(events, pressed, "filter_start", text)
        done = after(events, pressed, "filter_done", text)
        if start is None or done is None:
            continue
        painted = status_painted(status, done)
        if painted is None:
            continue
        query.append(done["t"] - start["t"])
        settled.append(painted - start["t"])
        total.append(painted - pressed)
        texts.append(text)
    burst = []
    for word, pressed in bursts:
        done = after(events, pressed, "filter_done", word)
        painted = status_painted(status, done) if done else None
        if painted is not None:
            burst.append(painted - pressed)
    return {
        "filter_sessions": sessions,
        **summary("filter_key_to_box_painted", echo),
        **summary("filter_debounce_end_to_result_painted", settled),
        **summary("filter_query_and_rows", query, n=False),
        **summary("filter_key_to_result_painted", total, n=False),
        "filter_burst_last_key_to_result_median_ms": statistics.median(burst) * 1000 if burst else float("nan"),
        **slowest(texts, query, 3),
    }


def slowest(texts: list[str], seconds: list[float], count: int) -> dict[str, str]:
    """The filter texts whose query took longest, for the reader to reproduce."""
    ranked = sorted(zip(seconds, texts, strict=True), reverse=True)[:count]
    return {"filter_slowest_queries": ", ".join(f"{t!r} {s * 1000:.0f} ms" for s, t in ranked)}


def clear(app: PtyApp) -> None:
    """Escape empties the filter; wait until the full list is back."""
    pressed = app.press("escape")
    app.wait_event(waiter("filter_done", pressed, ""), 60, "filter cleared")
    time.sleep(0.3)


def select_first_session(app: PtyApp) -> None:
    """Put the list cursor on the first session, wherever focus was (set-up, not timed)."""
    app.press("ctrl+f")
    time.sleep(0.2)
    app.press("down")
    time.sleep(0.3)


# -- 3. open a long session ----------------------------------------------------------------------


def open_long(db: Path, newest_word: str, work: Path) -> dict[str, float]:
    appeared: list[float] = []

    def watch(at: float, touched: set[int], screen: Screen) -> None:
        if any(newest_word in screen.row(y) for y in touched):
            appeared.append(at)

    painted, mounted, read = [], [], []
    with child(db, work, "open") as app:
        app.wait_for_text("1 session", 60)
        app.listen(watch)
        time.sleep(0.5)
        for _ in range(OPEN_RUNS):
            select_first_session(app)
            pressed = app.press("enter")
            done = app.wait_event(waiter("open_done", pressed), 60, "open_done")
            assert 0 < done["messages"] <= 2 * LONG_TURNS, done
            read.append(done["messages"])
            app.wait_for(lambda s: s.find(newest_word), 30, "newest message")
            painted.append(next(t for t in appeared if t >= pressed) - pressed)
            mounted.append(done["t"] - pressed)
            app.press("ctrl+w")
            app.wait_for(lambda s: not s.find(newest_word), 30, "closed")
            time.sleep(0.5)
    warm = painted[1:]
    load_ms, fold_ms = asyncio.run(load_and_fold(db))
    return {
        "open_5000_messages": 2 * LONG_TURNS,
        "open_5000_cold_painted_ms": painted[0] * 1000,
        "open_5000_warm_painted_median_ms": statistics.median(warm) * 1000,
        "open_5000_warm_painted_max_ms": max(warm) * 1000,
        "open_5000_warm_loaded_median_ms": statistics.median(mounted[1:]) * 1000,
        "open_5000_warm_runs": len(warm),
        "open_5000_messages_read_at_open": statistics.median(read),
        "open_5000_diag_store_load_ms": load_ms,
        "open_5000_diag_conversation_ms": fold_ms,
    }


async def load_and_fold(db: Path, runs: int = 3) -> tuple[float, float]:
    """Median ms of the two data steps of opening, in this process: ``store.load``, ``conversation``.

    A diagnostic: what is left of the figure above is mounting and painting.
    """
    from claude_tui.store import SqliteSessionStore
    from claude_tui.transcript import conversation

    loads, folds = [], []
    async with await SqliteSessionStore.open(db) as store:
        row = (await store.sessions())[0]
        for _ in range(runs):
            start = time.perf_counter()
            entries = await store.load({"project_key": row.project_key, "session_id": row.session_id})
            loaded = time.perf_counter()
            conversation(list(entries or []))
            loads.append(loaded - start)
            folds.append(time.perf_counter() - loaded)
    return statistics.median(loads) * 1000, statistics.median(folds) * 1000


# -- 4. typing while streaming -------------------------------------------------------------------


def type_rounds(app: PtyApp, prompt: RowLog, seconds: float) -> list[tuple[str, float]]:
    """Type ROUND letter by letter at TYPING_INTERVAL, reset the prompt, repeat for ``seconds``.

    Keys are written on schedule whether or not the app has painted, as a
    typist would. The reset (F10, a priority binding of the bench app) keeps
    the text on one line. Returns (expected text, time pressed) per key.
    """
    keys: list[tuple[str, float]] = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        for i, letter in enumerate(ROUND, 1):
            pressed = app.press(letter)
            keys.append((PREFIX + ROUND[:i], pressed))
            time.sleep(max(0.0, pressed + TYPING_INTERVAL - time.perf_counter()))
        # the reset must not overtake letters still queued in the app
        app.wait_for(prompt.showing(PREFIX + ROUND), 60, "round typed")
        app.press("f10")
        app.wait_for(prompt.showing(PREFIX), 60, "prompt reset")
        time.sleep(0.1)
    return keys


def backspace_latency(app: PtyApp, prompt: RowLog) -> float | None:
    """Seconds from one backspace to its repaint; None when not painted within BACKSPACE_LIMIT.

    Unlike a letter, backspace is a TextArea *binding*: its key event bubbles
    up through every ancestor's message queue before the binding runs.
    """
    pressed = app.press("backspace")
    try:
        app.wait_for(prompt.showing(PREFIX[:-1]), BACKSPACE_LIMIT, "backspace")
    except TimeoutError:
        return None
    painted = prompt.first(pressed, shows(PREFIX[:-1]))
    assert painted is not None
    app.press(PREFIX[-1])
    app.wait_for(prompt.showing(PREFIX), 60, "retyped")
    return painted - pressed


def as_ms(value: float | None) -> float | str:
    return value * 1000 if value is not None else f">{BACKSPACE_LIMIT * 1000:.0f}"


def key_latencies(keys: list[tuple[str, float]], prompt: RowLog, events: list[dict]) -> tuple[list[float], list[float]]:
    """Per key: pressed -> prompt painted with it, and pressed -> ``TextArea.Changed`` handled."""
    painted, changed = [], []
    edits = [e for e in events if e["event"] == "text_changed"]
    for text, pressed in keys:
        at = prompt.first(pressed, starts(text))
        if at is not None:
            painted.append(at - pressed)
        event = next((e for e in edits if e["t"] >= pressed and e["text"].startswith(text)), None)
        if event is not None:
            changed.append(event["t"] - pressed)
    return painted, changed


def typing_while_streaming(db: Path, sessions: int, work: Path, path: str) -> dict[str, float]:
    """``path`` "widget": a draft's ChatView stream; "engine": events into a stored session's pane."""
    stream_seconds = TYPING_SECONDS + 5  # covers the second before typing and the pauses between rounds
    args = ("--rate", str(STREAM_RATE), "--seconds", str(stream_seconds), "--path", path, "--reset-text", PREFIX)
    with child(db, work, f"stream-{path}", *args) as app:
        app.wait_for_text(f"{sessions} sessions", 120)
        if path == "engine":
            select_first_session(app)
            app.press("enter")
            app.wait_event(waiter("open_done", 0.0), 60, "open_done")
            time.sleep(0.5)
            app.press("f11")
        else:
            app.press("ctrl+n")
        y, x = app.wait_for_text("Write a prompt")
        time.sleep(0.7)  # the prompt takes focus after its pane is painted
        prompt = RowLog(y, x, 60)
        app.listen(prompt)
        app.press(PREFIX)
        app.wait_for(prompt.showing(PREFIX), 30, "prefix typed")
        time.sleep(0.3)
        idle_keys = type_rounds(app, prompt, 0.1)  # one round with nothing streaming
        idle_backspace = backspace_latency(app, prompt)
        started = app.press("f12")
        app.wait_event(waiter("stream_start", started), 30, "stream start")
        time.sleep(1.0)  # into steady streaming
        stream_keys = type_rounds(app, prompt, TYPING_SECONDS)
        stream_backspace = backspace_latency(app, prompt)
        end = app.wait_event(waiter("stream_end", started), 120, "stream end")
        rendered = app.wait_event(waiter("stream_rendered", started), 120, "stream drawn")
        app.wait_event(waiter("stream_finished", started), 300, "stream finished")
        events = app.events()
    typed_during = [k for k in stream_keys if k[1] < end["t"]]
    idle_painted, _ = key_latencies(idle_keys, prompt, events)
    painted, changed = key_latencies(typed_during, prompt, events)
    name = f"typing_{path}"
    return {
        **summary(f"{name}_idle_key_to_painted", idle_painted),
        **summary(f"{name}_streaming_key_to_painted", painted),
        **summary(f"{name}_streaming_key_to_changed_at_app", changed, n=False),
        f"{name}_idle_backspace_to_painted_ms": as_ms(idle_backspace),
        f"{name}_streaming_backspace_to_painted_ms": as_ms(stream_backspace),
        **trend(f"{name}_streaming_key_to_painted", painted),
        f"{name}_stream_s": end["seconds"],
        f"{name}_deltas_per_s_sent": end["deltas"] / end["seconds"],
        f"{name}_deltas_per_s_drawn": end["drawn"] / end["seconds"],
        f"{name}_sender_behind_at_end_s": end["behind"],
        f"{name}_undrawn_at_end": end["deltas"] - end["drawn"],
        f"{name}_drain_after_end_s": rendered["t"] - end["t"],
        f"{name}_undrawn_after_drain_limit": rendered["sent"] - rendered["drawn"],
    }


def has_live_engine() -> bool:
    """Whether this app version routes engine events through ``app.live`` (the engine path)."""
    import importlib.util

    return importlib.util.find_spec("claude_tui.live") is not None


# -- all -------------------------------------------------------------------------------------------


def run(sessions: int = 10_000) -> dict[str, Any]:
    db = store_db(sessions)
    long_db, newest_word = long_session_db()
    figures: dict[str, Any] = {}
    with workdir() as work:
        scenarios: list[tuple[str, Callable[[], dict[str, Any]]]] = [
            ("startup", lambda: startup(db, sessions, work)),
            ("filter", lambda: filter_latency(db, sessions, work)),
            ("rss", lambda: app_rss(db, sessions, work)),
            ("open_5000", lambda: open_long(long_db, newest_word, work)),
            ("typing_widget", lambda: typing_while_streaming(db, sessions, work, "widget")),
        ]
        if has_live_engine():
            scenarios.append(("typing_engine", lambda: typing_while_streaming(db, sessions, work, "engine")))
        for name, measure in scenarios:
            figures.update(attempt(name, measure))
    return figures


def attempt(name: str, measure: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """One scenario's figures; a failure costs only its own, with the screen saved for a look."""
    try:
        return measure()
    except (TimeoutError, AssertionError, OSError) as exc:
        report = DATA / f"ui-{name}-failure.txt"
        report.write_text(f"{type(exc).__name__}: {exc}\n")
        first = str(exc).splitlines()[0] if str(exc) else ""
        return {f"{name}_failed": f"{type(exc).__name__}: {first} (screen in {report.relative_to(ROOT)})"}


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value:.3f}" if isinstance(value, float) else f"{name}: {value}")
