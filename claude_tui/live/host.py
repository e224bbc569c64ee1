"""What the live half needs from the app around it, and nothing more.

The controller and its parts hold the app as a ``LiveHost`` and its open views
as ``LiveView``s, not as the concrete ``ClaudeTUI`` and ``OpenView``: this
list is all the live half may ask of the UI, so the app can change behind it
as long as these stay, and a test can stand in a small object of its own. ``ClaudeTUI``
satisfies both structurally (no inheritance needed).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from textual.content import Content
    from textual.notifications import SeverityLevel
    from textual.screen import Screen

    from ..config import Settings
    from ..widgets.marker import Marker
    from ..widgets.session_list import SessionKey
    from .attention import Attention


class LiveView(Protocol):
    """An open session (or a draft: ``key`` None) in the centre."""

    @property
    def key(self) -> SessionKey | None: ...

    @property
    def number(self) -> int:
        """Unique among the views opened while the app runs (sessions are kept by it)."""
        ...

    @property
    def title(self) -> str: ...


class LiveHost(Protocol):
    """The app, as the live half sees it."""

    # -- configuration --------------------------------------------------------------------

    @property
    def settings(self) -> Settings: ...

    @property
    def claude_config_dir(self) -> Path:
        """The CLI's config folder (the engine writes transcripts under it)."""
        ...

    @property
    def clock(self) -> Callable[[], datetime]:
        """Now, for the time stamp of a sent prompt (tests fix it)."""
        ...

    def key_for(self, binding_id: str) -> str:
        """The keys bound to ``binding_id``, for labels ("retry (ctrl+r)")."""
        ...

    def draft_intro(self, cwd: Path) -> Content:
        """The line above a draft that says where it will run."""
        ...

    # -- views and the session list -------------------------------------------------------

    @property
    def current_view(self) -> LiveView | None: ...

    @property
    def markers(self) -> Mapping[SessionKey, Marker]:
        """The markers shown now (read to set one only when it changes)."""
        ...

    def set_marker(self, key: SessionKey, marker: Marker | None) -> None: ...

    def became_session(self, view: LiveView, key: SessionKey, title: str, cwd: Path) -> None:
        """A draft's first prompt went out: ``view`` is session ``key`` from now on."""
        ...

    async def refresh_session_row(self, key: SessionKey) -> None:
        """The engine saved session ``key``: read its row again."""
        ...

    def auth_failed(self, view: LiveView, prompt: str, *, first: bool) -> None:
        """``prompt`` failed for want of credentials (``first``: it was the draft's first send)."""
        ...

    # -- the app's own services ---------------------------------------------------------

    def refresh_bindings(self) -> None: ...

    def call_later(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> bool: ...

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None: ...

    def bell(self) -> None: ...

    def alert(self, item: Attention) -> None:
        """A session not on screen needs the user (``attention``): tell them."""
        ...

    def push_screen(self, screen: Screen[Any], callback: Callable[[Any], None] | None = None) -> Any:
        """Open a modal (the permission question); ``callback`` gets its answer."""
        ...

    def pick_local_folder(self, session_cwd: str, reason: str) -> None:
        """A session from another machine has no folder here: say ``reason``
        and offer to pick the folder that ``session_cwd`` is on this machine."""
        ...

    def report_error(self, where: str, error: BaseException) -> None:
        """Something failed unexpectedly in ``where`` (logged already): tell the user once,
        naming the log file."""
        ...


__all__ = ["LiveHost", "LiveView"]
