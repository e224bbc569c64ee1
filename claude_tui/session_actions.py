"""Session actions the panels offer: "Edit timeouts", "Reconnect now", "Change model".

Each is a few lines over the engine's public commands (``set_timeouts``,
``reconnect``, ``set_model``) and the store's overrides; ``PanelsController``
(``panels.py``) holds what they share (the current session, background tasks).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .app import ClaudeTUI
    from .live.session import LiveSession
    from .panels import PanelsController


class SessionActions:
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

