"""Session engine benchmarks: ``run() -> dict`` (called by ``python -m benchmarks``).

Figures:

* ``connect_s`` / ``first_turn_s`` / ``second_turn_s`` / ``second_turn_first_delta_s``:
  medians through the REAL bundled CLI against the fake Messages API
  (``tests/fakes``), from ``worker.send`` (or pre-connect) to the event.
* ``overhead_p50_us`` / ``overhead_p95_us`` / ``overhead_max_us``: the worker's own
  cost, from the SDK yielding a message (``client.receive_messages``) to a
  subscriber receiving the resulting ``TextDelta``. Recorded CLI output
  (``benchmarks/data/cli_turn_partial.jsonl``, multiplied) is replayed through
  ``ClaudeSDKClient(transport=ReplayTransport(...))``, so the CLI's relay
  speed is not part of it. Target: p95 < 1 ms.
* ``max_deltas_per_s``: text deltas per second through SDK + worker + subscriber
  when the replay feeds as fast as it is read.
* ``paced_5000_backlog_first`` / ``_last``: lag (ms) of deltas fed at 5,000/s
  for 2 s, averaged over the first and last tenth: equal means no growing
  backlog. Target: sustained 5,000 deltas/s.
* ``peak_rss_mb_10_sessions`` / ``peak_live_cli``: peak resident memory of this
  process and all its children while 10 sessions are open and each runs a turn
  under the default budget (``max_live`` 4).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "benchmarks" / "data" / "cli_turn_partial.jsonl"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _settings(**sessions: Any) -> Any:
    from claude_tui.config import Settings

    settings = Settings()
    settings.timeouts.connect = 30.0
    settings.reconnect.backoff_initial = 0.1
    settings.sessions.idle_disconnect = 0.0
    for key, value in sessions.items():
        setattr(settings.sessions, key, value)
    return settings


class _IsolatedCli:
    """A fake Messages API and throwaway HOME/CLAUDE_CONFIG_DIR/TMPDIR for the CLI."""

    def __enter__(self) -> "_IsolatedCli":
        from tests.fakes.anthropic_api import FakeAnthropicAPI
        from tests.fakes.cli_env import make_cli_env

        self.api = FakeAnthropicAPI().start()
        self.base = Path(tempfile.mkdtemp(prefix="ctui-bench-"))
        self.env = make_cli_env(self.base, self.api.base_url)
        self._saved = {k: os.environ.get(k) for k in ("HOME", "CLAUDE_CONFIG_DIR", "TMPDIR")}
        for key in self._saved:
            os.environ[key] = self.env.env[key]
        return self

    def __exit__(self, *exc: object) -> None:
        import shutil

        self.api.stop()
        for key, value in self._saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(self.base, ignore_errors=True)


# -- through the real CLI ----------------------------------------------------------------------


async def _cli_latency(runs: int = 3) -> dict[str, float]:
    from claude_tui.engine import Phase, StateChanged, TextDelta
    from claude_tui.engine.options import ConnectionConfig, SessionSpec
    from claude_tui.engine.processes import ensure_sdk
    from claude_tui.engine.worker import SessionWorker, new_session_id

    await ensure_sdk()
    connect, first, second, second_delta = [], [], [], []
    with _IsolatedCli() as cli:
        settings = _settings()
        for _ in range(runs):
            spec = SessionSpec(new_session_id(), str(cli.env.cwd))
            worker = SessionWorker(
                spec, settings, connection=ConnectionConfig(settings.claude, env=dict(cli.env.env)),
                config_dir=cli.env.config_dir,
            ).start()
            with worker.events() as stream:
                t0 = time.perf_counter()
                worker.connect()
                await stream.wait_for(lambda e: isinstance(e, StateChanged) and e.state.phase is Phase.READY, 60)
                connect.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                await asyncio.wait_for(worker.send("first question"), 60)
                first.append(time.perf_counter() - t0)
                stream.pending()
                t0 = time.perf_counter()
                pending = worker.send("second question")
                await stream.wait_for(lambda e: isinstance(e, TextDelta), 60)
                second_delta.append(time.perf_counter() - t0)
                await asyncio.wait_for(pending, 60)
                second.append(time.perf_counter() - t0)
            await worker.close()
    return {
        "connect_s": statistics.median(connect),
        "first_turn_s": statistics.median(first),
        "second_turn_s": statistics.median(second),
        "second_turn_first_delta_s": statistics.median(second_delta),
    }


# -- worker overhead on replayed CLI output ------------------------------------------------------


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def _replay(deltas: int, pace: float) -> dict[str, Any]:
    """One turn of ``deltas`` text deltas replayed through the SDK and a worker."""
    from claude_agent_sdk import ClaudeSDKClient

    from claude_tui.engine import TextDelta
    from claude_tui.engine.options import ConnectionConfig, SessionSpec
    from tests.fakes.replay import ReplayTransport, load_lines, text_turn
    from claude_tui.engine.worker import SessionWorker, new_session_id

    template = load_lines(SAMPLE)
    sid = new_session_id()
    pieces = [f" t{i}" for i in range(deltas)]
    lines = text_turn(sid, pieces, template=template)
    # Lines are fed with the pace counting every line; deltas are nearly all of them.
    line_pace = pace * len(lines) / deltas if pace else 0.0
    yielded: dict[str, float] = {}
    fed: dict[str, float] = {}

    def on_feed(line: dict[str, Any], at: float) -> None:
        if line.get("type") == "stream_event" and line["event"].get("type") == "content_block_delta":
            fed[line["event"]["delta"]["text"]] = at

    class TimedClient(ClaudeSDKClient):
        async def receive_messages(self):  # type: ignore[override]
            async for message in super().receive_messages():
                event = getattr(message, "event", None)
                if event is not None and event.get("type") == "content_block_delta":
                    yielded[event["delta"].get("text", "")] = time.perf_counter()
                yield message

    def factory(options: Any) -> ClaudeSDKClient:
        return TimedClient(options, transport=ReplayTransport([lines], pace=line_pace, on_feed=on_feed))

    settings = _settings()
    settings.timeouts.first_token = 0
    settings.timeouts.stall = 0
    settings.timeouts.turn = 0
    received: dict[str, float] = {}

    def listener(event: Any) -> None:
        if type(event) is TextDelta:
            received[event.text] = time.perf_counter()

    worker = SessionWorker(
        SessionSpec(sid, str(ROOT)), settings, connection=ConnectionConfig(settings.claude), client_factory=factory
    )
    worker.subscribe(listener)
    worker.start()
    started = time.perf_counter()
    result = await asyncio.wait_for(worker.send("go"), 120)
    elapsed = time.perf_counter() - started
    await worker.close()
    assert result is not None and result.outcome == "completed", result
    overhead = [received[k] - yielded[k] for k in received if k in yielded]
    lag = [received[k] - fed[k] for k in pieces if k in fed and k in received]
    first_at = min(received.values())
    last_at = max(received.values())
    return {
        "received": len(received),
        "overhead": overhead,
        "lag": lag,
        "rate": len(received) / max(last_at - first_at, 1e-9),
        "elapsed": elapsed,
    }


async def _overhead() -> dict[str, float]:
    await _replay(200, 0)  # warm up imports and code paths
    fast = await _replay(20_000, 0)
    paced = await _replay(10_000, 5_000)
    us = [x * 1e6 for x in fast["overhead"] + paced["overhead"]]
    lag = paced["lag"]
    tenth = max(1, len(lag) // 10)
    return {
        "overhead_p50_us": _percentile(us, 50),
        "overhead_p95_us": _percentile(us, 95),
        "overhead_max_us": max(us),
        "max_deltas_per_s": fast["rate"],
        "paced_5000_rate_per_s": paced["rate"],
        "paced_5000_backlog_first_ms": statistics.mean(lag[:tenth]) * 1000,
        "paced_5000_backlog_last_ms": statistics.mean(lag[-tenth:]) * 1000,
        "paced_5000_received": float(paced["received"]),
    }


# -- memory with 10 open sessions ---------------------------------------------------------------------


async def _memory(sessions: int = 10) -> dict[str, float]:
    from claude_tui.engine.manager import SessionManager
    from claude_tui.engine.processes import cli_children, tree_rss_bytes

    peak_rss = tree_rss_bytes()
    peak_live = 0
    with _IsolatedCli() as cli:
        settings = _settings()  # default budget: max_live 4
        manager = SessionManager(settings, env=dict(cli.env.env), config_dir=cli.env.config_dir)
        stop = asyncio.Event()

        async def sample() -> None:
            nonlocal peak_rss, peak_live
            while not stop.is_set():
                peak_rss = max(peak_rss, tree_rss_bytes())
                peak_live = max(peak_live, len(cli_children()))
                try:
                    await asyncio.wait_for(stop.wait(), 0.05)
                except asyncio.TimeoutError:
                    pass

        sampler = asyncio.create_task(sample())
        workers = [manager.new_session(cli.env.cwd) for _ in range(sessions)]
        results = await asyncio.wait_for(asyncio.gather(*(w.send(f"hello {i}") for i, w in enumerate(workers))), 300)
        await manager.shutdown(timeout=5)
        stop.set()
        await sampler
        completed = sum(1 for r in results if r is not None and r.outcome == "completed")
    return {
        "peak_rss_mb_10_sessions": peak_rss / 2**20,
        "peak_live_cli": float(peak_live),
        "budget_peak_live": float(manager.budget.peak_live),
        "turns_completed_of_10": float(completed),
    }


async def _all() -> dict[str, Any]:
    figures: dict[str, Any] = {}
    figures.update(await _overhead())
    figures.update(await _cli_latency())
    figures.update(await _memory())
    return figures


def run() -> dict[str, Any]:
    return asyncio.run(_all())


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value:.3f}" if isinstance(value, float) else f"{name}: {value}")
