"""Command-palette providers: switching sessions by fuzzy title.

Titles come from transcripts, so matches are highlighted on literal
``Content`` (Textual's ``Matcher.highlight`` would parse the title as markup)
and the help line is escaped before the palette reads it as markup. The
provider asks its app only for what ``SessionSwitcher`` lists.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from .literal import safe_line

if TYPE_CHECKING:
    from .store import SessionRow
    from .widgets.session_list import SessionKey

DISCOVERY_LIMIT = 20
PREFIX = "Switch to session: "


def _help(row: SessionRow) -> str:
    parts = [row.cwd or "", row.git_branch or ""]
    return escape(safe_line("  ".join(p for p in parts if p)))


class SessionSwitcher(Protocol):
    """What the provider needs from the app it runs in."""

    def all_sessions(self) -> list[SessionRow]:
        """Every stored session, in list order."""
        ...

    def open_session(self, key: SessionKey) -> None:
        """Open (or switch to) session ``key``."""
        ...


class SessionSwitchProvider(Provider):
    """"Switch to session…": every stored session, matched fuzzily on its title."""

    @property
    def tui(self) -> SessionSwitcher:
        return cast("SessionSwitcher", self.app)

    def _rows(self) -> list[SessionRow]:
        return self.tui.all_sessions()

    async def discover(self) -> Hits:
        for row in self._rows()[:DISCOVERY_LIMIT]:
            title = safe_line(row.display_title)
            yield DiscoveryHit(
                Content(PREFIX + title),
                partial(self.tui.open_session, (row.project_key, row.session_id)),
                text=PREFIX + title,
                help=_help(row),
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        fuzzy = matcher.fuzzy_search
        style = matcher.match_style
        for row in self._rows():
            title = safe_line(row.display_title)
            candidate = PREFIX + title
            score = matcher.match(title)
            if score <= 0:
                continue
            _, offsets = fuzzy.match(query, title)
            display = Content(candidate)
            for offset in offsets:
                if not title[offset].isspace():
                    at = len(PREFIX) + offset
                    display = display.stylize(style, at, at + 1)
            yield Hit(
                score,
                display,
                partial(self.tui.open_session, (row.project_key, row.session_id)),
                text=candidate,
                help=_help(row),
            )
