"""Draw the SVG screenshots in this folder from the snapshot test scenes.

    python screenshots/make.py            # every scene
    python screenshots/make.py help_screen narrow_start

The scenes (``tests/ui/scenes.py``) use synthetic transcripts, a fixed clock
and TZ=UTC, so the pictures change only when the UI does.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent


async def draw(name: str) -> Path:
    from tests.ui.fixtures import browse_transcripts, build_store, make_app
    from tests.ui.scenes import SCENES

    scene = SCENES[name]
    with tempfile.TemporaryDirectory(prefix="claude-tui-shot-") as tmp:
        folder = Path(tmp)
        if scene.browse:
            await build_store(folder / "sessions.db", browse_transcripts())
        app = make_app(folder)
        async with app.run_test(size=scene.size) as pilot:
            await scene.run_before()(pilot)
            target = OUT / f"{name}.svg"
            target.write_text(app.export_screenshot(title=f"claude-tui: {name.replace('_', ' ')}"), encoding="utf-8")
    return target


def main(argv: list[str]) -> int:
    os.environ["TZ"] = "UTC"
    time.tzset()
    sys.path.insert(0, str(ROOT))
    from tests.ui.scenes import SCENES

    names = argv or list(SCENES)
    unknown = [n for n in names if n not in SCENES]
    if unknown:
        print(f"unknown scene(s): {', '.join(unknown)}; known: {', '.join(SCENES)}", file=sys.stderr)
        return 2
    for name in names:
        print(asyncio.run(draw(name)).relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
