"""The send-once record of context files, kept in the store across restarts.

``prepare_prompt`` (``context.py``) leaves out a file whose SHA-256 equals
the one last sent in this session. That record starts as what the store
holds (``store/context_marks.py``, read before the session's first send that
carries files) and is written back after every send that carried files, so a
restarted claude-tui does not send an unchanged file again.

``SentMarksMixin`` is part of ``SessionWorker`` (``worker.py``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..store import SqliteSessionStore

log = logging.getLogger(__name__)


class SentMarksMixin:
    # Provided by SessionWorker.
    store: SqliteSessionStore | None
    session_id: str
    project_key: str
    _sent_digests: dict[str, str]

    _sent_loaded: bool = False

    async def _load_sent_marks(self) -> None:
        """Once per worker: what earlier runs sent (this run's sends win)."""
        if self._sent_loaded or self.store is None:
            return
        self._sent_loaded = True
        from ..store.context_marks import sent_marks

        try:
            stored = await sent_marks(self.store, self.project_key, self.session_id)
        except Exception:  # noqa: BLE001 - without the record a file is sent again: harmless
            log.exception("session %s: reading the sent context files failed", self.session_id)
            return
        self._sent_digests = {**stored, **self._sent_digests}

    async def _keep_sent_marks(self, digests: dict[str, str]) -> None:
        if self.store is None or not digests:
            return
        from ..store.context_marks import mark_sent

        try:
            await mark_sent(self.store, self.project_key, self.session_id, digests)
        except Exception:  # noqa: BLE001 - the file will be sent again after a restart
            log.exception("session %s: saving the sent context files failed", self.session_id)
