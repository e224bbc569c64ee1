"""The wheel a non-editable ``pip install .`` builds carries the styles."""

from __future__ import annotations

import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_ships_styles_and_entry_point(tmp_path: Path, monkeypatch) -> None:
    from hatchling.builders.wheel import WheelBuilder

    monkeypatch.chdir(ROOT)
    wheel = Path(next(iter(WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"]))))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(n for n in names if n.endswith("entry_points.txt"))
        assert "claude-tui = claude_tui.cli:main" in archive.read(entry_points).decode()
    tcss = sorted(p.name for p in (ROOT / "styles").glob("*.tcss"))
    assert tcss, "styles/ holds the app's TCSS"
    for name in tcss:
        assert f"claude_tui/styles/{name}" in names
    assert "claude_tui/store/migrations/m0001_initial.py" in names
    assert not any(n.startswith("tests/") for n in names)
