"""Switching a running session's model and permission mode.

Why a room of its own: a switch is a control request to the live CLI that the
CLI may refuse, or that cannot be sent right now (mid-turn, no CLI running).
The rule for both: the session's state names the new value only once it is in
force; a refusal fails the caller's future and the previous value stays.

``SwitchesMixin`` is part of ``SessionWorker`` (``worker.py``) and runs on the
worker loop.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from .commands import SetModel, SetPermissionMode

if TYPE_CHECKING:
    from claude_agent_sdk import ClaudeSDKClient

    from ..config import Settings
    from .options import ConnectionConfig
    from .turn import Turn


class SwitchesMixin:
    """Model and permission-mode switches of a ``SessionWorker``."""

    # Provided by SessionWorker.
    settings: Settings
    connection: ConnectionConfig
    _client: ClaudeSDKClient | None
    _turn: Turn | None
    _wanted_model: SetModel | None  # waits for the turn's end or a connect
    _model_waiters: list[asyncio.Future[None]]  # superseded set_model calls

    if TYPE_CHECKING:

        def _update(self, **changes: Any) -> None: ...

    async def _on_set_model(self, cmd: SetModel) -> None:
        """Switch the model. The state names the new model only once the CLI took
        it; a refusal fails the future and the previous model stays. Mid-turn the
        switch waits for the turn's end; with no CLI running it takes effect at
        the next connect (the model is a connect option)."""
        if self._wanted_model is not None:
            self._model_waiters.append(self._wanted_model.future)  # superseded: gets this one's outcome
        self._wanted_model = cmd
        await self._apply_wanted_model()

    async def _apply_wanted_model(self) -> None:
        cmd = self._wanted_model
        client = self._client
        if cmd is None or (client is not None and self._turn is not None):
            return
        self._wanted_model = None
        error: Exception | None = None
        if client is not None:
            try:
                await client.set_model(cmd.model)
            except Exception as exc:  # noqa: BLE001 - reported to the caller
                error = RuntimeError(f"the CLI refused model {cmd.model or 'default'}: {exc}")
        if error is None:
            self.connection.model = cmd.model
            self._update(model=cmd.model or self.settings.claude.model)
        self._resolve_model_futures(cmd.future, error)

    def _drop_wanted_model(self) -> None:
        """The worker ends: a switch still waiting never reached the CLI."""
        cmd, self._wanted_model = self._wanted_model, None
        if cmd is not None:
            self._resolve_model_futures(cmd.future, RuntimeError("the session closed before the model was switched"))

    def _resolve_model_futures(self, future: asyncio.Future[None], error: Exception | None) -> None:
        futures, self._model_waiters = [*self._model_waiters, future], []
        for f in futures:
            if f.done():
                continue
            if error is None:
                f.set_result(None)
            else:
                f.set_exception(error)

    async def _on_set_permission_mode(self, cmd: SetPermissionMode) -> None:
        """Switch live; a mode the CLI refuses fails the future with a message
        that says what to do, and the previous mode stays in force."""
        from ..config import PERMISSION_MODES

        error: Exception | None = None
        if cmd.mode not in PERMISSION_MODES:
            error = ValueError(f"unknown permission mode {cmd.mode!r}; one of {', '.join(PERMISSION_MODES)}")
        elif cmd.mode == "bypassPermissions" and not self.settings.claude.allow_bypass:
            error = ValueError(
                "bypassPermissions needs `allow_bypass = true` under [claude] in the config"
                " (the CLI must be started allowing it)"
            )
        elif self._client is not None:
            try:
                await self._client.set_permission_mode(cmd.mode)  # type: ignore[arg-type]
            except Exception as exc:  # noqa: BLE001 - reported to the caller
                error = RuntimeError(f"the CLI refused permission mode {cmd.mode}: {exc}")
        if error is None:
            self.connection.permission_mode = cmd.mode
            self._update(permission_mode=cmd.mode)
        if not cmd.future.done():
            if error is None:
                cmd.future.set_result(None)
            else:
                cmd.future.set_exception(error)


__all__ = ["SwitchesMixin"]
