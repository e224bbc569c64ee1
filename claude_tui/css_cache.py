"""Parsed styles kept between runs, so start-up does not parse the same TCSS again.

Textual parses every stylesheet (ours and each widget's default CSS) on each
start: about 20 ms of the first frame, a sixth of it. The result depends only
on the CSS text, the theme's variables and the Textual version, so the app
saves what its stylesheet parsed (once the first frame is up, in a thread)
and hands it back to the next start before anything is parsed.

It is a cache and nothing more: a missing, stale, unreadable or foreign file
is ignored (the CSS is parsed as usual) and replaced on the next save. The
file lives in the user's cache folder (mode 0600); it is a pickle, so it is
only ever read from there. It uses Textual's parse cache, which is not a
public API (see ``compat``): if that is not there, nothing is loaded or
saved.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import Any

from . import compat

FORMAT = 1


def cache_file(folder: Path, stylesheet: Any) -> Path | None:
    """The file for this Textual install, this Python and the stylesheet's theme variables.

    Textual is told apart by its parser module's path, size and mtime (any
    install or upgrade rewrites it): ``textual.__version__`` reads the
    package metadata, which costs more than the parse this saves.
    """
    from textual.css import parse

    variables = compat.stylesheet_variables(stylesheet)
    if variables is None:
        return None
    try:
        parser = Path(parse.__file__)
        stat = parser.stat()
    except Exception:  # noqa: BLE001 - not this Textual's stylesheet: no cache
        return None
    key = repr((FORMAT, str(parser), stat.st_size, stat.st_mtime_ns, sys.version, sorted(variables.items())))
    return folder / f"styles-{hashlib.sha256(key.encode()).hexdigest()[:20]}.pickle"


def load(stylesheet: Any, path: Path) -> set[Any]:
    """Put the parsed rules saved in ``path`` into ``stylesheet``'s parse cache.

    Returns the cache keys it loaded (empty if there was nothing usable).
    """
    cache = compat.parse_cache(stylesheet)
    if cache is None:
        return set()
    try:
        entries = pickle.loads(path.read_bytes())
        if not isinstance(entries, dict):
            return set()
        if len(entries) > cache.maxsize:
            return set()
        for key, rules in entries.items():
            cache.set(key, rules)
    except Exception:  # noqa: BLE001 - any trouble with a cache means: parse as usual
        return set()
    return set(entries)


def snapshot(stylesheet: Any, loaded: set[Any]) -> dict[Any, Any] | None:
    """What to save (taken on the app's thread), or None if the file already has it all."""
    cache = compat.parse_cache(stylesheet)
    if cache is None:
        return None
    try:
        entries = {key: cache[key] for key in list(cache.keys())}
    except Exception:  # noqa: BLE001 - not this Textual's stylesheet: no cache
        return None
    if not entries or set(entries) <= loaded:
        return None
    return entries


def save(entries: dict[Any, Any], path: Path) -> None:
    """Write ``entries`` to ``path`` atomically, readable by the user only (best effort)."""
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".styles-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except Exception:  # noqa: BLE001 - a cache that cannot be written is simply not there next time
        return
