"""Actions the panels offer: "Edit timeouts", "Reconnect now", "Change model".

Each is a few lines over the engine's public commands (``set_timeouts``,
``reconnect``, ``set_model``) and the store's overrides; ``PanelsController``
(``panels.py``) holds what they share (the current session, background tasks).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .app import ClaudeTUI
    from .config import Settings
    from .live.session import LiveSession
    from .panels import PanelsController


class PanelActions:
    def __init__(self, app: ClaudeTUI, panels: PanelsController) -> None:
        self.app = app
        self.panels = panels

    def edit_timeouts(self) -> None:
        """"Edit timeouts": this session's overrides, saved in the store and applied to its worker."""
        from dataclasses import asdict

        from .screens.timeouts_edit import TimeoutsScreen

        live = self.panels.current_live()
        key = self.panels.files._key(live) if live is not None else None  # noqa: SLF001
        if live is None or key is None or live.view.key is None:
            self.app.notify(
                "Timeouts are per session: send the first prompt, then edit them (the config's apply until then).",
                title="edit timeouts", markup=False,
            )
            return
        sid = key[1]
        current = dict(self.panels.overrides.get(sid, {}))

        def chosen(overrides: dict[str, float] | None) -> None:
            if overrides is not None:
                self.panels.spawn(self._save_overrides(live, key, overrides))

        config = {k: float(v) for k, v in asdict(self.app.settings.timeouts).items()}
        self.app.push_screen(TimeoutsScreen(live.view.title, current, config), chosen)

    async def _save_overrides(self, live: LiveSession, key: tuple[str, str], overrides: dict[str, float]) -> None:
        store = self.app.store
        if store is not None:
            stored = await store.overrides(*key)
            await store.set_overrides(
                *key, model=stored.get("model"), system_prompt=stored.get("system_prompt"), timeouts=overrides
            )
        self.panels.overrides[key[1]] = dict(overrides)
        if live.worker is not None:
            live.worker.set_timeouts(overrides)  # from the next turn on
        self.app.notify("timeouts saved for this session (from the next turn)", title="timeouts", markup=False)
        self.panels.refresh_soon()

    def reconnect(self) -> None:
        """"Reconnect now": drop the session's CLI and connect again (resume)."""
        live = self.panels.current_live()
        if live is None or live.worker is None:
            self.app.notify("This session has no Claude Code process yet: the next prompt starts one.",
                            title="reconnect", markup=False)
            return
        live.worker.reconnect()
        self.app.notify("reconnecting …", title="reconnect", markup=False)

    def change_model(self) -> None:
        """"Change model": the next turn of this session uses the chosen model."""
        from .screens.model_picker import ModelScreen

        live = self.panels.current_live()
        if live is None:
            self.app.notify("Open a session (or a draft) first.", title="change model", markup=False)
            return
        current = live.state.model if live.state is not None else self.app.settings.claude.model

        def chosen(model: str | None) -> None:
            if model is not None:
                self.panels.spawn(self._set_model(live, model or None))

        self.app.push_screen(ModelScreen(current, live.view.title), chosen)

    async def _set_model(self, live: LiveSession, model: str | None) -> None:
        worker = await self.app.live.workers.ensure(live)
        if worker is None:
            return
        shown = model or "the CLI's default"
        waiting = worker.set_model(model)
        self.app.notify(f"model: {shown} (from the next turn)", title="change model", markup=False)
        try:
            await waiting
        except Exception as exc:  # noqa: BLE001 - the CLI refused or the session ended: say so
            self.app.notify(f"model not changed to {shown}: {exc}", title="change model", severity="error", markup=False)
        self.panels.refresh_soon()


    # -- settings -----------------------------------------------------------------------

    def open_settings(self) -> None:
        """"Settings": edit the config file; what can take effect now does."""
        from .screens.settings import SettingsScreen

        app = self.app

        def chosen(settings: Settings | None) -> None:
            if settings is not None:
                self.panels.spawn(self._apply_settings(settings))

        app.push_screen(SettingsScreen(app.settings, sorted(app.available_themes), str(app.config_path)), chosen)

    async def _apply_settings(self, new: Settings) -> None:
        import asyncio
        from dataclasses import fields

        from .config import save_settings

        app = self.app
        current = app.settings
        restart = []
        if new.sessions.max_live != current.sessions.max_live:
            restart.append("live sessions at once")
        for name in ("claude", "timeouts", "reconnect", "sessions", "context", "panels", "ui"):
            section, values = getattr(current, name), getattr(new, name)
            for f in fields(section):
                setattr(section, f.name, getattr(values, f.name))  # in place: the engine holds this object
        if current.ui.theme in app.available_themes and app.theme != current.ui.theme:
            app.theme = current.ui.theme
        side = self.panels.side
        side.wanted = current.panels.shown
        side.set_room(app.size.width)
        for live in app.live.sessions.by_view.values():
            if live.worker is not None and live.session_id is not None:
                live.worker.set_timeouts(self.panels.overrides.get(live.session_id, {}))
        try:
            await asyncio.to_thread(save_settings, current, app.config_path)
        except OSError as exc:
            app.notify(f"Cannot save {app.config_path}: {exc}", title="settings", severity="error", markup=False)
            return
        note = f"saved to {app.config_path} (the previous file is config.toml.bak)"
        if restart:
            note += f"; restart claude-tui for: {', '.join(restart)}"
        app.notify(note, title="settings", markup=False)
        self.panels.refresh_soon()
