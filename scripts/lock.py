"""Print constraints.txt: the exact installed version of every distribution
that ``pip install ".[test]"`` brings in, and nothing else.

Why not ``pip freeze``: a development machine holds unrelated packages. This
walks the requirement tree from pyproject.toml (the runtime dependencies and
the ``test`` extra) through the installed distributions' own metadata,
evaluating markers for this Python and platform, as pip's resolver does.

Run it in an environment where ``.[test]`` is installed (see "Refreshing the
lock" in the README):  python scripts/lock.py > constraints.txt
"""

from __future__ import annotations

import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement  # installed with hatchling, a test dependency
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
EXTRA = "test"


def roots() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(text) for text in project["dependencies"] + project["optional-dependencies"][EXTRA]]


def applies(requirement: Requirement, extras: frozenset[str]) -> bool:
    """Whether ``requirement`` is needed here, for a distribution asked for with ``extras``."""
    if requirement.marker is None:
        return True
    return any(requirement.marker.evaluate({"extra": extra}) for extra in {"", *extras})


def closure() -> dict[str, str]:
    """Installed name -> version for every distribution the roots need."""
    pins: dict[str, str] = {}
    seen: set[tuple[str, str]] = set()
    todo = [(r, frozenset[str]()) for r in roots()]
    while todo:
        requirement, parent_extras = todo.pop()
        if not applies(requirement, parent_extras):
            continue
        name = canonicalize_name(requirement.name)
        wanted = frozenset(requirement.extras)
        new = {("", name)} | {(extra, name) for extra in wanted}
        if new <= seen:
            continue
        seen |= new
        try:
            dist = metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            sys.exit(f"{requirement.name} is not installed: pip install \".[{EXTRA}]\" first")
        if dist.version not in requirement.specifier:
            sys.exit(f"installed {requirement.name} {dist.version} does not satisfy {requirement}")
        pins[name] = dist.version
        todo.extend((Requirement(text), wanted) for text in dist.requires or [])
    return pins


def main() -> None:
    print("# The versions the test suite was last run with (pip install -c constraints.txt \".[test]\").")
    print("# Made by scripts/lock.py; see \"Refreshing the lock\" in the README. Users get pyproject's ranges.")
    for name, version in sorted(closure().items()):
        print(f"{name}=={version}")


if __name__ == "__main__":
    main()
