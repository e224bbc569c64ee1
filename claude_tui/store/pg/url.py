"""PostgreSQL store addresses: telling a URL from a path, and masking passwords.

A password may come in the URL (``postgresql://user:secret@host/db``), from
``PGPASSWORD`` or from ``.pgpass`` (libpq reads the last two itself). Whatever
the app prints, logs or shows names the server with ``masked(url)``: never
the password.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

SCHEMES = ("postgresql://", "postgres://")

_PASSWORD_PARAM = re.compile(r"(password=)[^&\s]*", re.I)


def is_postgres_url(text: object) -> bool:
    """Whether a store location names a PostgreSQL server (else it is a file)."""
    return isinstance(text, str) and text.lower().startswith(SCHEMES)


def masked(url: str) -> str:
    """``url`` with any password replaced by ``***`` (in the netloc and in
    ``?password=``), safe to show in an error, a log line or the UI."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            userinfo, host = netloc.rsplit("@", 1)
            if ":" in userinfo:
                userinfo = userinfo.split(":", 1)[0] + ":***"
            netloc = f"{userinfo}@{host}"
        text = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    except ValueError:
        text = re.sub(r"//[^@/]*@", "//***@", url)
    return _PASSWORD_PARAM.sub(r"\1***", text)


def scrub(message: str, url: str) -> str:
    """``message`` (e.g. a driver's error) with the URL and its password masked."""
    try:
        password = urlsplit(url).password
    except ValueError:
        password = None
    text = message.replace(url, masked(url))
    if password:
        text = text.replace(password, "***")
    return _PASSWORD_PARAM.sub(r"\1***", text)
