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
