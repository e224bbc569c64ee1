"""ClaudeTUI: the Textual app. It composes the main screen and holds the actions.

Start-up paints first: the screen is composed before any I/O, then a worker
opens the store and lists sessions, and a thread worker imports Claude Code
transcripts on its own connection, reporting progress with messages, so the
UI thread never waits for disk or JSON. Widgets stay thin: they post messages,
the app queries the store and hands them rows and messages.

What the app leans on, one module each:
  * ``keys``: the key table (bindings, ids, help rows, how a key is shown).
  * ``session_index``: the sessions in list order and the filter, data only.
  * ``views``: the open sessions' tabs and panes (``OpenView``, ``OpenViews``).
  * ``importing``: the import thread and its messages.
  * ``startup``: the style cache, the collector and signals around the first frame.

The live half (``live/controller.py``, ``self.live``) owns the session
engine: a submitted prompt goes to ``LiveController.submit``; engine events are
drawn into each session's pane; markers, the bell and the permission modal
follow from them. The app keeps the browse shell and hands the controller
what it needs:
  * ``markers`` / ``set_marker(key, Marker | None)``: the sidebar's live glyphs.
  * ``pane_for(key).chat``: a ``ChatView`` with ``append_message`` and
    ``start_assistant_stream`` (see ``widgets/chat_view.py``).
  * ``send_prompt(key, text)``: send to an open session (``sending_enabled``:
    Enter sends in every prompt).
  * ``became_session`` / ``refresh_session_row``: a draft got its id; a
    session's row changed in the store (after ``SessionSaved``; only that
    row of the sidebar is redrawn).
  * ``engine_env``: environment for every Claude Code CLI (tests point it at a
    local test Messages API); the CLI's config folder is ``claude_config_dir``.

On launch a draft for the current directory is open with its prompt focused
(unless ``resume`` names a session). ctrl+q, SIGTERM and SIGHUP shut the
engine down (every turn interrupted, every CLI gone) before the app exits.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Tab, Tabs
from textual.worker import Worker, WorkerState

from . import keys
from .commands import SessionSwitchProvider
from .config import LoadedSettings, save_settings
from .sidebar_width import SidebarSizer
from .importing import REFRESH_DURING_IMPORT, ImportFinished, ImportProgressed, finished_notice, progress_label, run_import
from .literal import safe_line
from .login import Login
from .live.controller import LiveController, draft_intro_text
from .panels import PanelsController
from .path_completion import PathCompleter
from .widgets.panels.context import ContextPanel
from .paths import styles_dir
from .screens.help import HelpScreen
from .screens.main import MainScreen
from .fork_actions import ForkActionsMixin
from .attention_actions import AttentionActionsMixin
from .session_actions import SessionActionsMixin
from .project_actions import ProjectActionsMixin
from .folders import FolderCheck
from . import slash_commands
from .slash_commands import SlashCatalog, SlashCompleter
from .session_index import SessionIndex, count_status
from .startup import IdleCollector, QuitSignals, StyleCache, collector_back_on, warm_imports
from .views import OpenView, OpenViews
from .widgets.chat_view import ChatView
from .widgets.empty_state import EmptyState, empty_state_text
from .widgets.login_notice import LoginNotice
from .widgets.marker import Marker
from .widgets.notice import Notice
from .widgets.prompt import PromptArea
from .widgets.queued_prompt import QueuedPrompt
from .widgets.session_list import SessionKey, SessionList, build_rows
from .widgets.session_pane import SessionPane
from .widgets.sidebar import DEBOUNCE_SECONDS, Sidebar

if TYPE_CHECKING:
    from .store import SessionRow, SqliteSessionStore
    from .widgets.session_rows import ListRow
    from .store.importer import ImportReport

log = logging.getLogger(__name__)

__all__ = ["ClaudeTUI", "OpenView"]  # OpenView lives in views; imported from here too

TAIL_ENTRIES = 300  # transcript entries read first when a session opens (its newest messages)
STORE_RETRY_S = (1, 2, 4, 8, 15, 30, 30, 60, 60, 120, 300, 600)  # pauses between tries to reach the shared store
STORE_CHANGE_DELAY = 0.1  # seconds a burst of changes from other machines is gathered before one reload
SAVE_DELAY = 0.5  # seconds a theme must stay chosen before the config is written
BIG_LIST = 5_000  # sessions above which the sidebar's rows are built in a thread
FIRST_PAGE_WAIT = 0.25
"""Seconds the first frame waits at most for its page of sessions (read in a
thread since the app was made: milliseconds, done long before, at any size)."""


class ClaudeTUI(SessionActionsMixin, ProjectActionsMixin, ForkActionsMixin, AttentionActionsMixin, App[None]):
    """Browse, search and read Claude Code sessions; the engine adds live chat to the same panes."""

    TITLE = "claude-tui"
    CSS_PATH: ClassVar[list[str | os.PathLike[str]]] = [  # type: ignore[assignment]
        styles_dir() / name for name in ("app.tcss", "sidebar.tcss", "chat.tcss", "panels.tcss", "modals.tcss")
    ]
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (100, "-wide")]
    COMMANDS = App.COMMANDS | {SessionSwitchProvider}
    COMMAND_PALETTE_BINDING = "ctrl+p"
    BINDINGS: ClassVar[list[BindingType]] = keys.APP_BINDINGS  # the key table: keys.py

    def __init__(
        self,
        *,
        db_path: Path,
        loaded: LoadedSettings,
        config_path: Path,
        claude_config_dir: Path,
        resume: tuple[str, str] | None = None,
        clock: Callable[[], datetime] | None = None,
        debounce: float = DEBOUNCE_SECONDS,
        import_on_start: bool = True,
        cwd: Path | None = None,
        engine_env: dict[str, str] | None = None,
        style_cache: Path | None = None,
        check_login: bool = True,
        store_url: str | None = None,
    ) -> None:
        """``cwd`` is where new sessions start (default: the current directory);
        ``engine_env`` is added to every Claude Code CLI's environment;
        ``style_cache`` is a folder where parsed styles are kept between runs
        (see css_cache; None: parse every time);
        ``check_login``: ask Claude Code whether it is logged in after the first frame (login.py);
        ``debounce`` and ``import_on_start`` exist for tests and benchmarks."""
        super().__init__()
        self.db_path = Path(db_path)
        self.store_url = store_url  # a shared store on PostgreSQL (store/select.py); None: db_path
        self._stop_watch: Callable[[], None] | None = None
        self.loaded = loaded
        self.settings = loaded.settings
        self.config_path = Path(config_path)
        self.claude_config_dir = Path(claude_config_dir)
        self.resume = resume
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(timezone.utc))
        self.debounce = debounce
        self.import_on_start = import_on_start
        self.cwd = Path(cwd) if cwd is not None else Path.cwd()
        self.markers: dict[SessionKey, Marker] = {}
        self.store: SqliteSessionStore | None = None
        self.store_error: str | None = None
        self.index = SessionIndex()
        from .store.first_page import FirstPage

        self._first_page: FirstPage | None = FirstPage(self.db_path)  # read while the screen is built
        self._listing_all = True  # the sidebar shows every session, not a filter's results
        self._all_rows: tuple[int, list[ListRow]] | None = None  # the sidebar's rows of the list, for its version
        self.importing = False
        self.import_done = False
        self.import_found: int | None = None
        self.import_report: ImportReport | None = None
        self.views = OpenViews(self)
        self._sending_enabled = True
        self.live = LiveController(self, env=engine_env)
        self.slash_catalog = SlashCatalog()  # what the prompt completes after "/" (slash_commands.py)
        self.slash_completer = SlashCompleter(self.slash_catalog)
        self.slash_catalog.on_change = self._slash_commands_learnt
        self.live.listeners.append(self.slash_catalog.heard)
        self.login = Login(self, check=check_login)
        self.panels = PanelsController(self)  # the side panels (panels.py)
        self.path_completer = PathCompleter(self)  # @path in the prompt
        self._close_asked: tuple[int, str] | None = None  # ^w once on a prompt with text
        self.collector = IdleCollector()  # full collections between keys (startup.py)
        self.folders = FolderCheck(self)  # the sidebar's gone-folder marks (folders.py)
        self._signals = QuitSignals()
        self._refresh_pending = False
        self._stop_import = threading.Event()
        self._theme_ready = False
        self._save_timer: Timer | None = None
        self.sidebar_sizer = SidebarSizer(self)
        self._launch: tuple[OpenView, SessionPane] | None = None  # composed with the screen
        self._style_cache = StyleCache(style_cache) if style_cache is not None else None
        self.active_keymap: dict[str, str] = dict(self.settings.keymap)
        """The ``[keymap]`` in force (Textual keeps its copy privately)."""
        self.set_keymap(self.active_keymap)
        keys.alt_digits_are_keys()
        theme = self.settings.ui.theme
        if theme in self.available_themes:
            self.theme = theme
        else:
            self.loaded.warnings.append(f"unknown theme {theme!r} in [ui] theme; using {self.theme}")

    # -- composition --------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        if self._style_cache is not None:
            self._style_cache.load(self)  # before the screen parses the CSS
        launch = None
        if self.resume is None:
            # The launch draft is part of the screen's first layout, not mounted
            # into it afterwards: one layout and one frame fewer before the
            # prompt shows (start-up time).
            self._launch = self.views.make(None, "New session", self.draft_intro(self.cwd))
            view, pane = self._launch
            launch = (pane, Tab(self.views.tab_label(view), id=view.tab_id))
        return MainScreen(
            clock=self.clock,
            markers=self.markers,
            debounce=self.debounce,
            ready=self._main_ready,
            launch=launch,
            tab_marker=self.views.marker_of_tab,
        )

    @property
    def sidebar(self) -> Sidebar:
        return self.screen_stack[0].query_one(Sidebar)

    @property
    def session_list(self) -> SessionList:
        return self.sidebar.session_list

    @property
    def _main(self) -> Screen[Any]:
        return self.screen_stack[0]

    def action_widen_sidebar(self) -> None:
        self.sidebar_sizer.step(+1)

    def action_narrow_sidebar(self) -> None:
        self.sidebar_sizer.step(-1)

    def on_mount(self) -> None:
        self.sidebar_sizer.apply()
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self._theme_ready = True
        self._signals.install(self._on_signal)

    async def on_event(self, event: Any) -> None:
        """A key never goes to a widget out of sight: the prompt on screen takes it (focus.py)."""
        from textual.events import Key

        if isinstance(event, Key):
            self.collector.key_pressed()
        if isinstance(event, Key) and not event.is_forwarded and self.screen_stack and self.screen is self._main:
            from .focus import rescue_hidden_focus

            view = self.current_view
            rescue_hidden_focus(self._main, self.views.pane(view).prompt if view is not None else None)
        await super().on_event(event)

    def on_app_focus(self) -> None:
        """Back in the terminal: a project folder may have moved meanwhile (folders.py)."""
        if self.sessions_loaded:
            self.folders.recheck()

    def _on_signal(self) -> None:
        """SIGTERM and SIGHUP quit like ctrl+q: the engine shuts down first."""
        self.call_later(self.action_quit)

    async def _main_ready(self) -> None:
        """The main screen is mounted: fill it in before its first frame."""
        for warning in self.loaded.warnings:
            self.notify(warning, title="config", severity="warning", markup=False)
        self.sidebar.set_shown()
        self.panels.mounted()
        self._main.query_one("#open-tabs").display = self._launch is not None
        if self._launch is not None:
            view, pane = self._launch
            self._launch = None
            self.views.adopt(view, pane, self.cwd)
            self.views.retitle(view, view.title)  # its tab was labelled before it had a number
            self._show_opened(view, hide_sidebar=False)
            pane.prompt.focus()
        else:
            self.session_list.focus()
        self._show_first_page()
        self._update_empty_state()
        # The store's thread would compete with the first frame for the GIL:
        # it starts once that frame is on screen.
        self.call_after_refresh(self._first_frame_painted)
        self.call_after_refresh(self._startup)

    def _show_first_page(self) -> None:
        """The newest sessions in the first frame (store/first_page.py); the
        whole list replaces them once the store is open (``_reload_sessions``)."""
        page = self._first_page.result(FIRST_PAGE_WAIT) if self._first_page is not None else None
        self._first_page = None
        if page is None or not page.rows or self.index.loaded:
            return
        self.index.rows = list(page.rows)
        self.index.by_key = {row.key: row for row in page.rows}
        self.index.version += 1
        self.sidebar.show_rows(build_rows(page.rows), count_status(page.count, importing=False))

    def _first_frame_painted(self) -> None:
        """The collector comes back on; the styles parsed for this frame are
        saved for the next start (startup.py)."""
        collector_back_on()
        self.collector.start(self)
        if self._style_cache is not None:
            self._style_cache.save(self)

    @work(group="startup", exit_on_error=False)
    async def _startup(self) -> None:
        from .store import StoreError
        from .store.select import open_store

        self.login.after_first_frame()  # is Claude reachable? (login.py; its own worker)
        try:
            self.store = await open_store(self.store_location, progress=self._upgrade_progress)
        except (StoreError, OSError) as exc:
            self.store_error = str(exc)
            self.sidebar.set_status("no database")
            self._update_empty_state()
            self.notify(str(exc), title="database", severity="error", markup=False, timeout=30)
            self.live.start(None)
            if self.store_url:
                self._retry_store()  # a server may come back: the app picks it up
            return
        self.live.start(self.store)
        await self._store_ready()

    async def _store_ready(self) -> None:
        """The store is open: list its sessions, resume, import."""
        self._watch_store()
        await self._reload_sessions()
        if self.resume is not None:
            await self._open_session(self.resume, None, focus_prompt=True)
        if self.import_on_start:
            self.start_import()
        await asyncio.to_thread(warm_imports)

    @work(group="store-retry", exclusive=True, exit_on_error=False)
    async def _retry_store(self) -> None:
        """Open the shared store again with growing pauses until the server
        answers; then the app goes on as if it had answered at start (new
        sessions from then on are saved; the local transcripts of any run
        meanwhile are imported by the start-up import)."""
        from .store import StoreError
        from .store.select import open_store

        for delay in STORE_RETRY_S:
            self.sidebar.set_status(f"store unreachable: retrying in {delay:g} s")
            await asyncio.sleep(delay)
            try:
                store = await open_store(self.store_location, progress=self._upgrade_progress)
            except (StoreError, OSError) as exc:
                self.store_error = str(exc)
                continue
            self.store, self.store_error = store, None
            manager = self.live.workers.manager
            if manager is not None:
                manager.store = store
            self.notify("The session store is reachable again.", title="database", markup=False)
            await self._store_ready()
            return
        self.sidebar.set_status("no database")

    @property
    def store_location(self) -> Path | str:
        """The store this app opens: the PostgreSQL URL if one is chosen, else the SQLite file."""
        return self.store_url or self.db_path

    def _watch_store(self) -> None:
        """A shared store tells of sessions written by other machines: the
        sidebar reloads (once per burst) without a restart."""
        watch = getattr(self.store, "watch", None)
        if watch is not None:
            self._stop_watch = watch(self._store_changed_elsewhere, self._store_back)

    def _store_back(self) -> None:
        """The server is back after an outage: turns finished meanwhile are in
        Claude Code's local transcripts; the import writes them now."""
        if self.store is not None and not self.importing:
            self.start_import()

    def _store_changed_elsewhere(self) -> None:
        if not self._refresh_pending:
            self._refresh_pending = True
            self.set_timer(STORE_CHANGE_DELAY, self._refresh_during_import)  # the same reload

    def _upgrade_progress(self, step: Any) -> None:
        """A long schema upgrade of the archive (once, after an update) shows where it is."""
        self.sidebar.set_status(f"upgrading the archive: {step.step.lower()} {step.done:,} of {step.total:,}")

    async def on_unmount(self) -> None:
        self._stop_import.set()
        self._signals.remove()
        self.collector.stop()
        await self.live.shutdown()
        if self._save_timer is not None:
            self._save_timer.stop()  # a theme chosen just before quitting is still saved
            self._save_timer = None
            try:
                await asyncio.to_thread(save_settings, self.settings, self.config_path)
            except OSError:
                pass  # nowhere left to report it
        if self.store is not None:
            await self.store.close()
            self.store = None

    # -- session list (data in session_index.py) ------------------------------------------

    @property
    def _by_key(self) -> dict[SessionKey, SessionRow]:
        return self.index.by_key

    @property
    def sessions_loaded(self) -> bool:
        return self.index.loaded

    @property
    def filter_text(self) -> str:
        """What the filter box holds (after its debounce)."""
        return self.index.filter_text

    @filter_text.setter
    def filter_text(self, value: str) -> None:
        self.index.filter_text = value

    @property
    def filter_done(self) -> str | None:
        """The filter whose results are on screen."""
        return self.index.filter_done

    @filter_done.setter
    def filter_done(self, value: str | None) -> None:
        self.index.filter_done = value

    def all_sessions(self) -> list[SessionRow]:
        """Every stored session (unfiltered), pinned first, newest first."""
        return self.index.rows

    def _count_status(self) -> str:
        return count_status(len(self.index.rows), importing=self.importing, archived=self.index.archived)

    async def _reload_sessions(self) -> None:
        """Read the session rows again and redraw the sidebar (and the filter, if any)."""
        if self.store is None:
            return
        await self.index.reload(self.store)
        for view in self.open_views:
            row = self._by_key.get(view.key) if view.key else None
            if row is not None and row.display_title != view.title:
                self.views.retitle(view, row.display_title)
        if self.filter_text:
            await self._apply_filter(self.filter_text)
        elif len(self.index.rows) > BIG_LIST:
            # The sidebar's rows for a large archive (a quarter of a second at
            # 100,000) are made in a thread: typing goes on meanwhile.
            version = self.index.version
            built = await asyncio.to_thread(build_rows, list(self.index.rows))
            if self.live.shut_down or not self.screen_stack:
                return  # quitting: the screens may be gone already
            if self.index.version == version:
                self._all_rows = (version, built)
            if not self.filter_text:  # (a filter typed meanwhile shows its own rows)
                self._show_all()
        else:
            self._show_all()
        self._update_empty_state()
        self.folders.recheck()

    def _show_all(self) -> None:
        """The sidebar lists every session (no filter). The rows are built once
        per version of the list and kept: clearing a filter over 100,000
        sessions does not build them again (a quarter of a second)."""
        built = self._all_rows
        if built is None or built[0] != self.index.version:
            built = self._all_rows = (self.index.version, build_rows(self.index.rows))
        self.sidebar.show_rows(list(built[1]), self._count_status())  # (the list changes its own copy)
        self._listing_all = True

    @on(Sidebar.FilterChanged)
    def _filter_changed(self, event: Sidebar.FilterChanged) -> None:
        self.filter_text = event.text
        self._filter_worker(event.text)

    @work(group="filter", exclusive=True, exit_on_error=False)
    async def _filter_worker(self, text: str) -> None:
        if text:
            await self._apply_filter(text)
        else:
            self._show_all()
        self.filter_done = text

    async def _apply_filter(self, text: str) -> None:
        """Sessions whose title or text matches, with the matching messages under them."""
        if self.store is None:
            return
        found = await self.index.search(self.store, text)
        if text != self.filter_text:
            return  # typing went on; a newer worker shows its own result
        self.sidebar.show_rows(build_rows(found.sessions, found.hits), found.status)
        self._listing_all = False

    @on(SessionList.Selected)
    def _session_selected(self, event: SessionList.Selected) -> None:
        self.open_session(event.key, event.uuid)

    def became_session(self, view: OpenView, key: SessionKey, title: str, cwd: Path) -> None:
        """A draft's first prompt went out: it is session ``key`` from now on.

        It is listed at once, from what is known here: the store's row gets
        its title and messages only when Claude Code's first transcript lines
        are stored (the turn may take minutes); until then it is untitled.
        """
        view.key = key
        self.views.pane(view).set_key(key)
        self.views.retitle(view, title)
        if self.current_view is view:
            self.session_list.set_current(key)
        if key not in self._by_key:
            from .store.metadata import SessionRow, iso_utc

            now = iso_utc(self.clock().isoformat())
            self._put_row(SessionRow.provisional(key, cwd=str(cwd), title=title, updated_at=now))

    async def refresh_session_row(self, key: SessionKey) -> None:
        """Read one session's row again (after the engine saved it) and redraw its line.

        One indexed query; the row is replaced in place (or moved) in the list.
        """
        if self.store is None or self.live.shut_down:
            return
        row = await self.store.session(*key)
        if row is None or self.live.shut_down or not self.screen_stack:
            return  # quitting: the screens may be gone already
        if not row.message_count and key in self._by_key:
            return  # not one transcript line stored yet: the row listed at the send stays
        view = self.view_for(key)
        if view is not None and row.display_title != view.title:
            self.views.retitle(view, row.display_title)
        self._put_row(row)

    def auth_failed(self, view: OpenView, prompt: str, *, first: bool) -> None:
        """A send failed for want of credentials: login.py keeps the prompt, not the session."""
        self.run_worker(self.login.turn_failed(view, prompt, first=first), group="auth", exit_on_error=False)

    def _put_row(self, row: SessionRow) -> None:
        """List ``row`` (new, or in place of the row of its session) and redraw that row."""
        from .store.metadata import session_order

        self.index.put(row)
        if self._listing_all:  # (a filter's results stay where found; clearing it lists the row)
            self.session_list.put_session(row, session_order)
            self.sidebar.set_status(self._count_status())
        else:  # a filter's listed row shows the session's latest counts, in its place
            self.session_list.replace_session(row)
        self._update_empty_state()

    # -- markers (the engine sets these) -----------------------------------------------------

    def set_marker(self, key: SessionKey, marker: Marker | None) -> None:
        """Show ``marker`` next to session ``key`` in the sidebar and on its tab."""
        if marker is None:
            self.markers.pop(key, None)
        else:
            self.markers[key] = marker
        self.session_list.refresh_markers()
        self.views.retitle_key(key)

    def set_markers(self, markers: dict[SessionKey, Marker]) -> None:
        """Replace all markers at once (keeps the dict object the sidebar holds)."""
        self.markers.clear()
        self.markers.update(markers)
        self.session_list.refresh_markers()
        self.views.retitle_all()

    # -- import (the thread: importing.py) ---------------------------------------------------

    def start_import(self) -> None:
        """Import Claude Code transcripts in a thread with its own store connection."""
        if self.importing:
            return
        self.importing = True
        self.import_done = False
        self.sidebar.show_import(0, 1, "Looking for Claude Code sessions …")
        self._update_empty_state()
        work = partial(run_import, self.store_location, self.claude_config_dir, self.post_message, self._stop_import)
        self.run_worker(work, thread=True, group="import", exclusive=True, exit_on_error=False)

    @on(ImportProgressed)
    def _import_progressed(self, event: ImportProgressed) -> None:
        update = event.progress
        self.import_found = update.files_total
        self.sidebar.show_import(update.files_done, update.files_total, progress_label(update))
        if update.entries_added and not self._refresh_pending:
            self._refresh_pending = True
            self.set_timer(REFRESH_DURING_IMPORT, self._refresh_during_import)

    def _refresh_during_import(self) -> None:
        self._refresh_pending = False
        self.run_worker(self._reload_sessions(), group="reload", exclusive=True, exit_on_error=False)

    @on(ImportFinished)
    async def _import_finished(self, event: ImportFinished) -> None:
        self.importing = False
        self.import_report = event.report
        if self.import_found is None:
            self.import_found = 0
        self.sidebar.show_import(0, 0, "")
        notice = finished_notice(event)
        if notice is not None:
            text, severity = notice
            self.notify(text, title="import", severity=severity, markup=False)  # type: ignore[arg-type]
        await self._reload_sessions()
        self.import_done = True
        self._update_empty_state()

    def _update_empty_state(self) -> None:
        """The welcome (nothing open) and the hint under each new draft follow the facts."""
        welcome = self._main.query_one("#welcome", EmptyState)
        texts: dict[bool, Content] = {}
        for draft in (False, True):
            if self.store_error:
                texts[draft] = Content.assemble(
                    ("The session database cannot be used", "bold"), "\n\n", safe_line(self.store_error)
                )
            else:
                texts[draft] = empty_state_text(
                    sessions=len(self.index.rows),
                    importing=self.importing or not self.sessions_loaded,
                    found=self.import_found,
                    projects_dir=self.claude_config_dir / "projects",
                    new_key=self.key_for("new_session"),
                    help_key=self.key_for("help"),
                    draft=draft,
                )
        welcome.update(texts[False])
        for view in self.open_views:
            if self.live.can_change_directory(view):  # a draft not sent yet
                self.views.pane(view).set_hint(texts[True])

    # -- open views (views.py) -----------------------------------------------------------

    @property
    def open_views(self) -> list[OpenView]:
        """The open sessions and drafts, in tab order."""
        return self.views.views

    def view_for(self, key: SessionKey) -> OpenView | None:
        return self.views.view_for(key)

    def pane_for(self, key: SessionKey) -> SessionPane | None:
        """The pane showing session ``key``, if open (the engine streams into ``.chat``)."""
        view = self.views.view_for(key)
        return self.views.pane(view) if view else None

    def pane_for_view(self, view: OpenView) -> SessionPane:
        return self.views.pane(view)

    @property
    def current_view(self) -> OpenView | None:
        return self.views.current

    def open_session(self, key: SessionKey, uuid: str | None = None) -> None:
        """Open (or switch to) session ``key``; with ``uuid``, scroll to that message."""
        self.run_worker(self._open_session(key, uuid), group="open", exit_on_error=False)

    async def _open_session(self, key: SessionKey, uuid: str | None, *, focus_prompt: bool = False) -> None:
        view = self.view_for(key)
        if view is not None:
            self.views.activate(view)
            if uuid is not None:
                pane = self.views.pane(view)
                await pane.chat.show_message(uuid)
                pane.chat.focus()
            return
        row = self._by_key.get(key)
        if row is None and self.store is not None:
            row = await self.store.session(*key)
        title = row.display_title if row else key[1][:8]
        cwd = Path(row.cwd) if row is not None and row.cwd else self.cwd
        from .transcript import conversation

        store_key = {"project_key": key[0], "session_id": key[1]}
        reading = (
            asyncio.ensure_future(self.store.load_tail(store_key, TAIL_ENTRIES)) if self.store and uuid is None else None
        )  # read while the pane is mounted
        view = await self._add_view(key, title, cwd=cwd)
        pane = self.views.pane(view)
        tail = await reading if reading is not None else None
        if tail is not None:
            # The newest entries only: the rest is read when the reader scrolls up to it.
            entries, complete = tail
            messages = conversation(entries)
            older = None if complete else (lambda: self._read_conversation(store_key))
            await pane.chat.load(messages if complete else messages[1:], older=older)  # the first may be partial
        else:
            messages = await self._read_conversation(store_key)
            if view not in self.open_views:
                return  # closed meanwhile
            await pane.chat.load(messages, focus_uuid=uuid)
        self.live.loaded(view)
        # Typing goes to the prompt (focus.py); a search hit's message is shown in the conversation.
        (pane.chat if uuid is not None else pane.prompt).focus()

    async def _read_conversation(self, store_key: dict[str, str]) -> list[Any]:
        """A whole stored transcript as messages (read and parsed off the UI thread)."""
        from .transcript import conversation

        entries = await self.store.load(store_key) if self.store else None  # type: ignore[arg-type]
        return await asyncio.to_thread(conversation, list(entries or []))

    @on(ChatView.WindowChanged)
    def _window_changed(self, event: ChatView.WindowChanged) -> None:
        view = self.views.of_widget(event.control)
        if view is not None:
            self.live.loaded(view)  # the prompt history grows with the transcript read

    async def _add_view(
        self,
        key: SessionKey | None,
        title: str,
        intro: Content | None = None,
        *,
        cwd: Path | None = None,
        hide_sidebar: bool = True,
    ) -> OpenView:
        view, pane = self.views.make(key, title, intro)
        await self.views.mount(view, pane, cwd or self.cwd)
        self._show_opened(view, hide_sidebar=hide_sidebar)
        return view

    def _show_opened(self, view: OpenView, *, hide_sidebar: bool) -> None:
        self.views.activate(view)
        # On a narrow terminal the session needs the room; ctrl+b brings the list back.
        self.sidebar.set_shown(shown_narrow=False if hide_sidebar else None)

    @on(Tabs.TabActivated, "#open-tabs")
    def _tab_activated(self, event: Tabs.TabActivated) -> None:
        self.views.tab_activated(event.tab)

    @on(Tabs.Cleared, "#open-tabs")
    def _tabs_cleared(self, event: Tabs.Cleared) -> None:
        self.views.show(None)

    # -- prompt and the live session ----------------------------------------------------------

    @on(PromptArea.Submitted)
    async def _prompt_submitted(self, event: PromptArea.Submitted) -> None:
        view = self.views.of_widget(event.prompt)
        command = slash_commands.parse(event.text)
        if view is not None and command is not None:  # the app's own: a palette action, not sent
            event.prompt.clear()
            await slash_commands.run_app_command(self, *command)
            return
        if view is not None and self.login.holds(event.text):
            return  # not logged in: the prompt stays in its box (login.py)
        if view is not None and self.panels.may_send(view) and self.live.submit(view, event.text):
            event.prompt.clear()

    def _slash_commands_learnt(self) -> None:
        """A CLI reported its commands: an open slash menu lists them now."""
        view = self.current_view
        if view is not None:
            self.slash_completer.changed(self.views.pane(view).prompt)

    @on(PromptArea.Changed)
    def _prompt_changed(self, event: PromptArea.Changed) -> None:
        """The first words typed start the session's CLI (``preconnect``): the
        reply then does not wait 1-2 s for Claude Code to start. ``/command`` and ``@path`` complete."""
        if not self.slash_completer.changed(event.text_area):  # type: ignore[arg-type]
            self.path_completer.changed(event.text_area)  # type: ignore[arg-type]
        if self.settings.sessions.preconnect and event.text_area.text.strip():
            view = self.views.of_widget(event.text_area)
            if view is not None:
                self.live.prepare(view)

    @on(PromptArea.Completed)
    def _prompt_completed(self, event: PromptArea.Completed) -> None:
        if event.choice.value is not None:
            self.path_completer.chosen(event.choice.value)

    @on(PromptArea.EditQueued)
    def _edit_queued(self, event: PromptArea.EditQueued) -> None:
        view = self.views.of_widget(event.prompt)
        if view is not None:
            self.live.edit_queued(view)

    @on(QueuedPrompt.Edit)
    def _queued_edit(self, event: QueuedPrompt.Edit) -> None:
        view = self.views.of_widget(event.queued)
        if view is not None:
            self.live.edit_queued(view, event.queued)

    @on(QueuedPrompt.Cancel)
    def _queued_cancel(self, event: QueuedPrompt.Cancel) -> None:
        view = self.views.of_widget(event.queued)
        if view is not None:
            self.live.cancel_queued(view, event.queued)

    @on(Notice.RetryPressed)
    def _retry_pressed(self, event: Notice.RetryPressed) -> None:
        view = self.views.of_widget(event.notice)
        if view is not None and not self.live.retry(view):
            self.bell()

    @property
    def sending_enabled(self) -> bool:
        """Whether Enter in a prompt submits it (turned on when the engine is wired)."""
        return self._sending_enabled

    @sending_enabled.setter
    def sending_enabled(self, value: bool) -> None:
        self._sending_enabled = value
        if self.screen_stack:
            for prompt in self._main.query(PromptArea):
                prompt.send_on_enter = value

    async def send_prompt(self, key: SessionKey | None, text: str) -> bool:
        """Send ``text`` to open session ``key`` (None: the draft on screen); True
        when accepted. It is shown at once, queued while a reply streams."""
        view = self.view_for(key) if key is not None else self.current_view
        if view is None or (key is None and view.key is not None):
            return False
        return self.live.submit(view, text)

    def draft_intro(self, cwd: Path) -> Content:
        return draft_intro_text(cwd, self.key_for("change_directory"))

    # -- actions ----------------------------------------------------------------------------

    async def action_new_draft(self, hide_sidebar: bool = True) -> None:
        view = await self._add_view(None, "New session", self.draft_intro(self.cwd), hide_sidebar=hide_sidebar)
        self._update_empty_state()
        self.views.pane(view).prompt.focus()

    async def action_quit(self) -> None:
        """Quit at once, even while Claude answers: the engine stops every CLI first."""
        self._stop_import.set()
        await self.live.shutdown()
        self.exit()

    def action_interrupt(self) -> None:
        if not self.live.interrupt(self.current_view):
            self.bell()

    def action_retry(self) -> None:
        if not self.live.retry(self.current_view):
            self.bell()

    def action_permission_mode(self) -> None:
        from .screens.permission_mode import PermissionModeScreen

        view = self.current_view
        if view is None:
            self.bell()
            return

        async def picked(mode: str | None) -> None:
            if mode is None or mode == self.live.mode_of(view):
                return
            if mode == "bypassPermissions":
                from .screens.confirm import ConfirmScreen

                body = (
                    "Every tool Claude asks for will run without asking you: edits, commands,"
                    " network access, anywhere your user can reach.\n\nSwitch this session"
                    " to bypassPermissions?"
                )
                if not await self.push_screen_wait(ConfirmScreen("Skip all permission prompts?", body, yes="Switch")):
                    return
            refusal = await self.live.set_mode(view, mode)
            if refusal is not None:
                self.notify(safe_line(refusal), title="permission mode not changed", severity="error", markup=False)
            else:
                self.notify(f"permission mode: {mode}", title=safe_line(view.title), markup=False)

        self.push_screen(PermissionModeScreen(self.live.mode_of(view), view.title), self._mode_picked_callback(picked))

    def _mode_picked_callback(self, handler: Callable[[str | None], Any]) -> Callable[[str | None], None]:
        def callback(mode: str | None) -> None:
            self.run_worker(handler(mode), group="permission-mode", exit_on_error=False)

        return callback

    def action_change_directory(self) -> None:
        from .screens.directory import DirectoryScreen

        view = self.current_view
        if view is None or not self.live.can_change_directory(view):
            self.notify(
                "Only a new session's directory can change (before its first prompt).",
                title="change directory",
                severity="warning",
                markup=False,
            )
            return
        live = self.live.session_of(view)
        assert live is not None

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.run_worker(self.live.change_directory(view, path), group="directory", exit_on_error=False)
                self.views.pane(view).prompt.focus()

        self.push_screen(DirectoryScreen(live.cwd), chosen)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in keys.SESSION_ACTION_IDS and (not self.screen_stack or self.screen is not self._main):
            return False  # not under a dialog (session_actions.py)
        if action in ("interrupt", "retry", "permission_mode", "change_directory"):
            if not self.screen_stack or self.screen is not self._main:
                return False
            view = self.current_view
            if action == "interrupt":
                return self.live.can_interrupt(view)
            if action == "retry":
                return self.live.can_retry(view)
            if action == "change_directory":
                return self.live.can_change_directory(view)
            return view is not None
        return True

    def action_prev_session(self) -> None:
        self.views.cycle(-1)

    def action_next_session(self) -> None:
        self.views.cycle(1)

    def action_goto_session(self, number: int) -> None:
        self.views.goto(number)

    async def action_close_session(self) -> None:
        view = self.current_view
        if view is None:
            return
        text = self.pane_for_view(view).prompt.text
        if text.strip() and self._close_asked != (view.number, text):
            # A typed prompt is never dropped unasked: the second ^w closes.
            self._close_asked = (view.number, text)
            self.notify(
                f"The prompt has unsent text. {self.key_for('close_session')} again closes the session and drops it.",
                title="close",
                severity="warning",
                markup=False,
            )
            return
        self._close_asked = None
        neighbour = await self.views.close(view)
        if neighbour is not None:
            self.views.activate(neighbour)
        else:
            self._main.query_one(Tabs).display = False
            self.views.show(None)
            self.sidebar.set_shown(shown_narrow=True)
            self.session_list.focus()

    def action_toggle_sidebar(self) -> None:
        self.sidebar.toggle(narrow=self._main.has_class("-narrow"))
        if self.sidebar.display and self.sidebar.styles.display != "none":
            self.session_list.focus()

    def action_toggle_panels(self) -> None:
        self.panels.toggle()

    def action_attach_context(self) -> None:
        self.panels.attach()

    def action_remove_context_file(self) -> None:
        self.panels.remove()

    def action_edit_timeouts(self) -> None:
        self.panels.actions.edit_timeouts()

    def action_settings(self) -> None:
        self.panels.actions.open_settings()

    def action_change_model(self) -> None:
        self.panels.actions.change_model()

    def action_retry_last_prompt(self) -> None:
        if not self.live.retry(self.current_view):
            self.notify("Nothing to retry: the last turn did not fail or was not cut short.", title="retry", markup=False)

    @on(ContextPanel.Remove)
    def _remove_context_row(self, event: ContextPanel.Remove) -> None:
        self.panels.remove(event.path)

    def on_resize(self, event: events.Resize) -> None:
        self.sidebar_sizer.apply(event.size.width)
        if self.screen_stack:
            self.panels.resized(event.size.width)

    def _focus_area(self) -> str | None:
        """Where focus is on the main screen: "prompt", "chat", "sidebar" (or None)."""
        focused = self.focused
        view = self.current_view
        if focused is None or self.screen is not self._main:
            return None
        if self.sidebar in focused.ancestors_with_self:
            return "sidebar"
        if view is not None:
            pane = self.views.pane(view)
            if focused is pane.prompt:
                return "prompt"
            if pane.chat in focused.ancestors_with_self:
                return "chat"
        return None

    def action_focus_next(self) -> None:
        """Tab: from the prompt to the sidebar and back; inside the
        conversation, through its folds to the prompt (Textual's order)."""
        area, view = self._focus_area(), self.current_view
        if area == "prompt" and self.session_list.focusable:
            self.session_list.focus()
        elif area == "sidebar" and view is not None:
            self.views.pane(view).prompt.focus()
        else:
            super().action_focus_next()

    def action_focus_previous(self) -> None:
        """shift+Tab: from the sidebar to the prompt, from the prompt to the conversation."""
        area, view = self._focus_area(), self.current_view
        if area == "sidebar" and view is not None:
            self.views.pane(view).prompt.focus()
        elif area == "prompt" and view is not None:
            self.views.pane(view).chat.focus()
        else:
            super().action_focus_previous()

    def action_focus_filter(self) -> None:
        self.sidebar.set_shown(hidden=False, shown_narrow=True if self._main.has_class("-narrow") else None)
        self.sidebar.filter_input.focus()

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
            return
        commands = [(c.title, c.help) for c in self.get_system_commands(self._main)]
        self.push_screen(HelpScreen(list(self.key_rows()), commands=commands, enter_sends=self.sending_enabled))

    def key_rows(self) -> Iterable[tuple[str, str, str]]:
        """(keys as shown, description, binding id) for every documented binding (keys.py)."""
        return keys.key_rows(self)

    def key_for(self, binding_id: str) -> str:
        """The keys bound to ``binding_id`` (after the user's keymap), for display."""
        return keys.key_for(self, binding_id)

    def action_switch_session(self) -> None:
        from textual.command import CommandPalette

        self.push_screen(CommandPalette(providers=[SessionSwitchProvider], placeholder="Switch to session…"))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield SystemCommand("Switch to session…", "Fuzzy-find a session by title", self.action_switch_session)
        yield SystemCommand("New session", "Start a draft for a new session", self.action_new_draft)
        if self.current_view is not None:
            yield SystemCommand("Permission mode…", "Pick the permission mode of this session", self.action_permission_mode)
        if self.live.can_change_directory(self.current_view):
            yield SystemCommand("Change directory…", "Pick the folder of this new session", self.action_change_directory)
        if self.live.can_retry(self.current_view):
            yield SystemCommand("Retry", "Send the last prompt of this session again", self.action_retry)
        yield SystemCommand("Toggle sidebar", "Show or hide the session list", self.action_toggle_sidebar)
        yield SystemCommand("Log in to Claude", "Run Claude Code's own login in this terminal", self.action_login)
        yield SystemCommand("Reconnect now", "Restart this session's Claude Code process and resume (the login is checked again)", self.action_reconnect)
        yield SystemCommand("Widen sidebar", "More room for session titles (kept in the config)", self.action_widen_sidebar)
        yield SystemCommand("Narrow sidebar", "More room for the conversation (kept in the config)", self.action_narrow_sidebar)
        yield from self.session_commands()  # session_actions.py
        yield from self.project_commands()  # project_actions.py
        yield from self.fork_commands()  # fork_actions.py
        yield from self.attention_commands()  # attention_actions.py
        yield SystemCommand("Attach context files", "Pick files to send with this session's prompts", self.action_attach_context)
        yield SystemCommand("Remove context file", "Remove the highlighted file of the Context panel", self.action_remove_context_file)
        yield SystemCommand("Retry last prompt", "Send the last prompt of this session again", self.action_retry_last_prompt)
        yield SystemCommand("Change model", "The model of this session from the next turn", self.action_change_model)
        yield SystemCommand("Settings", "Edit the config file (model, timeouts, limits, theme ...)", self.action_settings)
        yield SystemCommand("Edit timeouts", "This session's connect, first-token, stall and turn timeouts", self.action_edit_timeouts)
        yield SystemCommand("Toggle panels", "Show or hide the context, timeouts and session panels", self.action_toggle_panels)
        yield from super().get_system_commands(screen)

    async def action_login(self) -> None:
        await self.login.log_in()

    async def action_reconnect(self) -> None:
        """"Reconnect now": the login is asked about again, then the session's CLI restarts (panel_actions.py)."""
        await self.login.recheck()
        self.panels.actions.reconnect()

    @on(LoginNotice.LoginPressed)
    async def _login_pressed(self) -> None:
        await self.login.log_in()

    # -- theme and keymap ---------------------------------------------------------------------

    def _theme_changed(self, theme: Any) -> None:
        name = getattr(theme, "name", str(theme))
        if not self._theme_ready or name == self.settings.ui.theme:
            return
        self.settings.ui.theme = name
        # The theme picker previews themes as the cursor moves: save once it settles.
        self.save_settings_soon()

    def save_settings_soon(self) -> None:
        """Write the config once the setting stopped changing (theme, sidebar width)."""
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self._save_settings)

    def save_settings_soon(self) -> None:
        """Write the config file shortly (a choice made twice in a row is written once)."""
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self._save_settings)

    @work(thread=True, group="config", exit_on_error=False)
    def _save_settings(self) -> None:
        self._save_timer = None
        try:
            save_settings(self.settings, self.config_path)
        except OSError as exc:
            self.call_from_thread(
                self.notify, f"Cannot save {self.config_path}: {exc}", severity="error", markup=False
            )

    # -- unexpected errors -------------------------------------------------------------

    def pick_local_folder(self, session_cwd: str, reason: str) -> None:
        """A session from another machine has no folder here: say so and offer
        to pick it; the choice becomes a ``[store] path_map`` entry (saved in
        the config), and the next send resumes the session there."""
        from .screens.directory import DirectoryScreen

        self.notify(safe_line(reason), title="no folder for this session here", severity="warning", markup=False)

        def chosen(path: Path | None) -> None:
            if path is None:
                return
            self.settings.store.path_map[session_cwd] = str(path)
            self.save_settings_soon()
            self.notify(
                f"{session_cwd} is {path} on this machine from now on ([store] path_map). Send the prompt again.",
                title="folder mapped", markup=False,
            )

        self.push_screen(
            DirectoryScreen(
                self.cwd, title="This session's folder on this machine", subtitle=("it ran in: ", session_cwd),
                hint="Enter: it is this folder here (saved as [store] path_map) · Escape: not now",
            ),
            chosen,
        )

    def report_error(self, where: str, error: BaseException) -> None:
        """Something failed that should not have (it is in the log already): say
        so once, with the log file's name, and carry on."""
        from .logs import log_file_path

        path = log_file_path()
        where_to_look = f"Details are in {path}." if path is not None else "Run with --debug for details."
        self.notify(
            safe_line(f"{type(error).__name__} {where}: {error}. The app keeps running. {where_to_look}"),
            title="unexpected error",
            severity="error",
            markup=False,
            timeout=20,
        )

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """A background job (opening a session, a filter, a reload ...) raised:
        Textual keeps the app running (``exit_on_error=False``) but says nothing."""
        worker = event.worker
        if event.state is not WorkerState.ERROR or worker.error is None:
            return
        log.error("background job %r failed", worker.name or worker.group, exc_info=worker.error)
        self.report_error(f"in {worker.group or 'a background job'}", worker.error)

    def handle_bindings_clash(self, clashed_bindings: set[Binding], node: Any) -> None:
        self.notify(keys.clash_notice(clashed_bindings), title="config", severity="warning", markup=False)
