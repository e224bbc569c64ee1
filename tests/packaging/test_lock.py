"""constraints.txt, the versions the suite is run with, keeps up with pyproject."""

from __future__ import annotations

import tarfile
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def pins() -> dict[str, str]:
    lines = (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
    pairs = (line.split("==") for line in lines if line.strip() and not line.startswith("#"))
    return {canonicalize_name(name): version for name, version in pairs}


def test_every_dependency_is_pinned_within_its_range() -> None:
    """A dependency added to pyproject without refreshing the lock fails here."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    locked = pins()
    assert "claude-tui" not in locked
    for text in project["dependencies"] + project["optional-dependencies"]["test"]:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is not in constraints.txt: see 'Refreshing the lock' in the README"
        assert locked[name] in requirement.specifier, f"{name}=={locked[name]} is outside {requirement.specifier}"


def test_the_sdist_carries_the_lock_and_its_script(tmp_path: Path, monkeypatch) -> None:
    from hatchling.builders.sdist import SdistBuilder

    monkeypatch.chdir(ROOT)
    sdist = Path(next(iter(SdistBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"]))))
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"constraints.txt", "scripts/lock.py", "README.md"} <= names
