"""The log file: where errors in event handlers, workers and the SDK end up.

Why a file: the app owns the terminal, so nothing may be written to it, and
without a handler the records of ``claude_tui.*`` and ``claude_agent_sdk``
reach no one. There is one file, in the XDG state folder
(``paths.log_path``), mode 0600 because a record can quote a prompt or a
path. It is rotated at ``MAX_BYTES`` with ``BACKUPS`` older files, so it never
grows past 4 MiB. Two claude-tui processes may write to it at once: each
record carries its process id.

Why lazy: most runs log nothing. The handler imports ``logging.handlers`` and
opens the file at the first record, so neither the first frame nor a
scripting command pays for them.

Never on disk: an API key. Records are formatted, then anything shaped like
an Anthropic key and the values of the secret environment variables are
blanked, so a traceback that shows an options object or an environment
mapping cannot leak one. Nothing here logs the environment.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from . import paths
from .config import LOG_LEVELS

LOGGERS = ("claude_tui", "claude_agent_sdk")
"""Every logger the file collects: ours and the SDK's."""

MAX_BYTES = 1 << 20
BACKUPS = 3
FILE_MODE = 0o600
DIR_MODE = 0o700
FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"

SECRET_ENV = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN")
"""Environment variables whose values are blanked wherever they appear in a record."""

_KEY_SHAPE = re.compile(r"sk-ant-[A-Za-z0-9_\-]{8,}")
_LEVELS = {name: getattr(logging, name.upper()) for name in LOG_LEVELS}

_handler: _LazyFileHandler | None = None


class _RedactingFormatter(logging.Formatter):
    """The usual format, then secrets blanked (tracebacks included)."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__(FORMAT)
        # Short values would blank ordinary words; real keys and tokens are long.
        self._secrets = sorted((s for s in secrets if len(s) >= 8), key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, "<redacted>")
        return _KEY_SHAPE.sub("sk-ant-<redacted>", text)


class _LazyFileHandler(logging.Handler):
    """Stands in for the rotating file handler until the first record.

    A file that cannot be opened (a read-only folder, a full disk) drops the
    records: logging must never raise into the app or write to its terminal.
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self._file: logging.Handler | None = None
        self._failed = False

    def emit(self, record: logging.LogRecord) -> None:
        if self._file is None:
            if self._failed:
                return
            try:
                self._file = _private_rotating_file(self.path)
            except Exception:  # noqa: BLE001 - see the class docstring
                self._failed = True
                return
            self._file.setFormatter(self.formatter)
        self._file.emit(record)  # it swallows its own errors (handleError)

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        pass  # the default prints a traceback to stderr: the app's terminal


def _private_rotating_file(path: Path) -> logging.Handler:
    """The stdlib ``RotatingFileHandler``, opening every file (the first and each
    one after a rotation) with mode 0600, and silent on errors.

    Defined here, not at module level, so ``logging.handlers`` is imported only
    when something is logged.
    """
    from logging.handlers import RotatingFileHandler

    class PrivateRotatingFileHandler(RotatingFileHandler):
        def _open(self) -> object:
            fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
            try:
                os.fchmod(fd, FILE_MODE)  # a file left by an older run under a looser umask
            except OSError:
                pass
            return open(fd, "a", encoding=self.encoding, errors=self.errors)

        def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802
            pass  # as _LazyFileHandler.handleError

    return PrivateRotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True
    )


def setup_logging(level: str, debug: bool) -> Path | None:
    """Send ``claude_tui`` and ``claude_agent_sdk`` records at ``level`` (one of
    ``config.LOG_LEVELS``; ``debug`` forces "debug") to the log file.

    Returns the file's path, or None when its folder cannot be made or written
    (the app then runs without a log file). Calling it again replaces the
    previous set-up. The file itself is opened at the first record.
    """
    teardown_logging()
    path = paths.log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    except OSError:
        return None
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return None
    handler = _LazyFileHandler(path)
    handler.setFormatter(_RedactingFormatter([os.environ.get(name, "") for name in SECRET_ENV]))
    numeric = logging.DEBUG if debug else _LEVELS[level]
    for name in LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(numeric)
        logger.addHandler(handler)
    global _handler
    _handler = handler
    return path


def teardown_logging() -> None:
    """Detach and close the file handler and reset the loggers' levels
    (before a new set-up, and after a test)."""
    global _handler
    handler, _handler = _handler, None
    if handler is None:
        return
    for name in LOGGERS:
        logger = logging.getLogger(name)
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
    handler.close()


def log_file_path() -> Path | None:
    """The file records go to now; None when logging is not set up."""
    return _handler.path if _handler is not None else None
