"""Questions the live CLI answers about itself: context-window use and MCP servers.

Why a room of its own: both are control requests to a running CLI
(``ClaudeSDKClient.get_context_usage`` / ``get_mcp_status``), so they exist
only while a client is connected. The panels ask on demand; without a CLI,
or when the CLI does not answer in time, the answer is None (never an error:
the panels just show "not known").

``InspectionMixin`` is part of ``SessionWorker`` (``worker.py``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from .state import Phase

if TYPE_CHECKING:
    from claude_agent_sdk import ClaudeSDKClient

    from .state import SessionState

log = logging.getLogger(__name__)

ASK_TIMEOUT_S = 5.0
ASKABLE = frozenset({Phase.READY, Phase.STREAMING})


class InspectionMixin:
    """Context usage and MCP status of a ``SessionWorker``'s live CLI."""

    # Provided by SessionWorker.
    _client: ClaudeSDKClient | None
    _state: SessionState

    async def context_usage(self) -> dict[str, Any] | None:
        """What the CLI's ``/context`` shows (``totalTokens``, ``maxTokens``,
        ``percentage``, ``categories`` ...); None without a connected CLI."""
        return await self._ask_cli("get_context_usage")

    async def mcp_status(self) -> list[dict[str, Any]] | None:
        """The MCP servers with their ``name`` and ``status``; None without a connected CLI."""
        answer = await self._ask_cli("get_mcp_status")
        if not isinstance(answer, dict):
            return None
        servers = answer.get("mcpServers")
        return [s for s in servers if isinstance(s, dict)] if isinstance(servers, list) else None

    async def _ask_cli(self, method_name: str) -> Any:
        client = self._client
        if client is None or self._state.phase not in ASKABLE:
            return None
        method = getattr(client, method_name, None)
        if method is None:  # an older SDK
            return None
        try:
            answer = await asyncio.wait_for(method(), ASK_TIMEOUT_S)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - a question the CLI cannot answer now
            log.debug("session %s: %s failed: %s", getattr(self, "session_id", "?"), method_name, exc)
            return None
        return dict(answer) if isinstance(answer, dict) else None
