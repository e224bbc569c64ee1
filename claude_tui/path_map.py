"""``[store] path_map``: a session's folder on another machine, as a folder here.

A shared store holds sessions started on several machines, each with the
working directory it had there (``/home/alice/src/app``); on this machine the
same project may live elsewhere (``/Users/alice/src/app``). The map's keys
are folders as other machines name them, its values the folders here; the
longest key that is the session's folder or one of its parents wins.
"""

from __future__ import annotations

import os


def local_folder(cwd: str, path_map: dict[str, str]) -> str:
    """``cwd`` as a folder on this machine (unchanged when no key covers it)."""
    best = ""
    for remote in path_map:
        stem = remote.rstrip("/") or "/"
        if (cwd == stem or cwd.startswith(stem.rstrip("/") + "/")) and len(stem) > len(best):
            best = stem
    if not best:
        return cwd
    rest = cwd[len(best) :].lstrip("/")
    here = os.path.expanduser(path_map.get(best, path_map.get(best + "/", "")))
    return os.path.join(here, rest) if rest else here
