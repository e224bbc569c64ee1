"""Run by ``test_signals.py`` in a child process: the app with a reply streaming,
waiting for a signal. Prints ``STREAMING <cli pid>`` once the CLI is mid-reply and
``EXITED <return code>`` when the app has shut down."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.engine.test_worker_e2e import engine_settings  # noqa: E402
from tests.ui.fixtures import make_app, wait_until  # noqa: E402


async def main(base: Path, cwd: Path, config_dir: Path) -> None:
    env = json.loads(os.environ["CLAUDE_TUI_TEST_ENGINE_ENV"])
    app = make_app(base, claude_dir=config_dir, cwd=cwd, engine_env=env, settings=engine_settings(), import_on_start=False)
    exited = asyncio.Event()
    exit_app = app.exit

    def exit_and_tell(*args: object, **kwargs: object) -> None:
        exit_app(*args, **kwargs)  # type: ignore[arg-type]
        exited.set()

    app.exit = exit_and_tell  # type: ignore[method-assign]
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: app.live.manager is not None and app.current_view is not None, 20, "ready")
        await pilot.press(*"hold on")
        await pilot.press("enter")
        live = app.live.session_of(app.current_view)
        await wait_until(pilot, lambda: live.streaming and live.worker.pid is not None, 20, "streaming")
        print(f"STREAMING {live.worker.pid}", flush=True)
        await asyncio.wait_for(exited.wait(), 60)
    print(f"EXITED {app.return_code}", flush=True)


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])))
