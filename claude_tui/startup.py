"""What the app does around its first frame, and on the way out: start-up time kept apart.

The first frame should cost only what it shows. So the parsed styles of the
last run are loaded before the screen is composed (``StyleCache``) and the
new ones saved after it is painted; the garbage collector, switched off by
``cli.run_tui`` for start-up, comes back then; what the first opened session
needs is imported in a thread once the list is shown (``warm_imports``).
SIGTERM and SIGHUP are routed to the app's quit (``QuitSignals``).
"""

from __future__ import annotations

import asyncio
import gc
import signal
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App


def warm_imports() -> None:
    """What the first opened session or reply needs (Markdown, markdown-it,
    Pygments, the renderer), loaded in a thread once the list is shown, so
    the first open does not pay for it; the first frame did not either."""
    import importlib

    for name in ("claude_tui.widgets.message", "claude_tui.widgets.streaming_reply", "claude_tui.live.renderer"):
        importlib.import_module(name)


def collector_back_on() -> None:
    """The garbage collector runs again if ``claude-tui`` started with it off
    (``cli.run_tui``). What start-up made lives as long as the app: frozen,
    later full collections do not walk it again."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


NO_AUTOMATIC_FULL = 1_000_000_000
"""Generation 2's threshold while ``IdleCollector`` runs the full passes."""


class IdleCollector:
    """Full collections when no key was pressed for a moment, not in the middle of one.

    With a 10,000-session archive loaded, a full (generation 2) pass of the
    cyclic collector takes 45-65 ms, and Python runs one whenever enough
    objects have survived: in the middle of a keystroke's repaint or of an
    archive (the p95 of a rename, pin or archive was that pause). The
    automatic full passes are switched off and one runs at most every
    ``every_s`` seconds, once no key has been pressed for ``quiet_s``; the
    young generations are collected as before.
    """

    def __init__(self, every_s: float = 10.0, quiet_s: float = 0.75) -> None:
        self.every_s = every_s
        self.quiet_s = quiet_s
        self.last_key = float("-inf")
        self.last_full = time.monotonic()
        self.running = False
        self._before = gc.get_threshold()

    def start(self, app: App[object]) -> None:
        if self.running or not gc.isenabled():
            return
        self._before = gc.get_threshold()
        young, middle, _full = self._before
        gc.set_threshold(young, middle, NO_AUTOMATIC_FULL)
        self.running = True
        app.set_interval(1.0, self.tick, name="idle-collector")

    def stop(self) -> None:
        """The app is ending: Python's own full passes again (tests run many apps in one process)."""
        if self.running:
            self.running = False
            gc.set_threshold(*self._before)

    def key_pressed(self) -> None:
        self.last_key = time.monotonic()

    def tick(self) -> bool:
        """Run a full collection if it is due and the keyboard is quiet; True if it ran."""
        now = time.monotonic()
        if not self.running or now - self.last_key < self.quiet_s or now - self.last_full < self.every_s:
            return False
        gc.collect()
        self.last_full = time.monotonic()
        return True


class StyleCache:
    """Parsed styles kept in ``folder`` between runs (see ``css_cache``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._loaded: tuple[Path | None, set[Any]] = (None, set())  # from which file, which entries

    def load(self, app: App[Any]) -> None:
        """Before the screen is registered: that is where the CSS is first parsed."""
        from . import css_cache

        path = css_cache.cache_file(self.folder, app.stylesheet)
        if path is not None:
            self._loaded = (path, css_cache.load(app.stylesheet, path))

    def save(self, app: App[Any]) -> None:
        """After the first frame: the styles parsed for it, in a thread (unless
        they all came from the file)."""
        from . import css_cache

        # Named by the variables the styles were parsed with now (a theme
        # change in between starts a new parse cache, and a new file).
        path = css_cache.cache_file(self.folder, app.stylesheet)
        loaded_from, loaded = self._loaded
        entries = css_cache.snapshot(app.stylesheet, loaded if path == loaded_from else set())
        if path is not None and entries is not None:
            app.run_worker(partial(css_cache.save, entries, path), thread=True, group="style-cache", exit_on_error=False)


class QuitSignals:
    """SIGTERM and SIGHUP call ``quit`` (which shuts the engine down first), as ctrl+q does."""

    def __init__(self) -> None:
        self._installed: list[int] = []

    def install(self, quit: Callable[[], object]) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGHUP):
            try:
                loop.add_signal_handler(sig, quit)
            except (NotImplementedError, RuntimeError, ValueError):
                continue
            self._installed.append(sig)

    def remove(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in self._installed:
            loop.remove_signal_handler(sig)
        self._installed.clear()
