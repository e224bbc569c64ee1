"""Forking a long session (issue #13: a 5,000-message session's fork opens in under 1 s).

In process, at 120x36, over a store holding one generated session of 2,500
turns (5,000 messages, 15,000 transcript lines as Claude Code writes them).
Measured from the action to the fork open on screen (listed, its tab shown,
its newest messages drawn, the prompt focused): "Fork session" on the
highlighted row, and "Fork from message" at the middle message. Also the
store part alone (read, the SDK's fork transform in a thread, write). The
CPU figure (all the process's threads) says what a fork costs apart from
other work on a shared machine: wall time over it is waiting for a core.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

TURNS = 2_500  # a user message and a reply each: 5,000 messages
RUNS = 5


async def measure() -> dict[str, float]:
    from benchmarks.datagen import _vocabulary, session_lines
    from claude_tui.engine.options import project_key_for
    from claude_tui.store import SqliteSessionStore
    from claude_tui.store.forking import fork_in_store
    from tests.ui.fixtures import make_app, settle, wait_until

    rng = random.Random(13)
    cwd = "/home/dev/long"
    sid, lines = session_lines(0, "long", cwd, rng, _vocabulary(rng), TURNS)
    key = (project_key_for(cwd), sid)
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="claude-tui-fork-") as tmp:
        folder = Path(tmp)
        async with await SqliteSessionStore.open(folder / "sessions.db") as store:
            await store.append({"project_key": key[0], "session_id": sid}, [json.loads(line) for line in lines])  # type: ignore[typeddict-item]
            row = await store.session(*key)
            assert row is not None and row.message_count == 2 * TURNS, row
            store_s = []
            for _ in range(RUNS):
                start = time.perf_counter()
                await fork_in_store(store, key[0], sid, title="bench (fork)")
                store_s.append(time.perf_counter() - start)
            # (the forks stay: the app below lists them too)
        app = make_app(folder)
        whole_s, message_s, whole_cpu = [], [], []
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            row = app._by_key[key]
            for run in range(RUNS * 2):
                app.pane_for(app.current_view.key).prompt.focus() if app.current_view and app.current_view.key else None
                before = set(app._by_key)
                start = time.perf_counter()
                cpu = time.process_time()
                if run % 2 == 0:
                    made = await app.fork_actions.apply_fork(row)
                else:
                    made = await app.fork_actions.apply_fork(row, TURNS // 2, prefill="x")
                assert made is not None
                pane = app.pane_for(made)
                await wait_until(
                    pilot,
                    lambda: made in app._by_key and made not in before and app.focused is pane.prompt and pane.chat.messages,
                    30,
                    "fork open",
                )
                took = time.perf_counter() - start
                (whole_s if run % 2 == 0 else message_s).append(took)
                if run % 2 == 0:
                    whole_cpu.append(time.process_time() - cpu)
                await app.action_close_session()
                await pilot.pause()
    figures["fork_store_only_s_median"] = statistics.median(store_s)
    figures["fork_session_open_s_median"] = statistics.median(whole_s)
    figures["fork_session_open_s_max"] = max(whole_s)
    figures["fork_session_open_cpu_s_median"] = statistics.median(whole_cpu)
    figures["fork_from_message_open_s_median"] = statistics.median(message_s)
    figures["fork_from_message_open_s_max"] = max(message_s)
    figures["fork_messages"] = float(2 * TURNS)
    return figures


def run() -> dict[str, Any]:
    os.environ["TZ"] = "UTC"
    time.tzset()
    return asyncio.run(measure())


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value:.3f}")
