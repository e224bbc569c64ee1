"""``python -m benchmarks [--sessions N[,N...]] [--only store,engine,ui,panels,fork] [--backend sqlite,postgres]``: one run, all figures.

Each area module has ``run() -> dict``; this prints them as a Markdown table
to paste into benchmarks/RESULTS.md. With several session counts
(``--sessions 1000,10000,100000``) the areas that take one are run at each,
and the table has a column per count: how each cost grows. With
``--backend sqlite,postgres`` the store area runs on each store (PostgreSQL:
a throwaway local server, see ``benchmarks/store.py``), a column per backend.
"""

from __future__ import annotations

import argparse
import importlib
import platform
import sys
import time

AREAS = ("store", "engine", "ui", "panels", "move", "fork", "actions")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--sessions", type=_counts, default=[10_000],
        help="sessions to generate, or a comma-separated list of counts (default 10000)",
    )
    parser.add_argument("--only", default=",".join(AREAS), help="comma-separated areas")
    parser.add_argument(
        "--backend", default="sqlite", help="store backends for the store area: sqlite, postgres or both (comma-separated)"
    )
    args = parser.parse_args(argv)
    print(f"# claude-tui benchmarks, {time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, {platform.machine()}\n")
    for area in args.only.split(","):
        try:
            module = importlib.import_module(f"benchmarks.{area}")
        except ModuleNotFoundError as exc:
            if exc.name == f"benchmarks.{area}":
                print(f"## {area}: not built yet\n")
                continue
            raise
        counts = args.sessions if area in ("store", "ui", "actions") else [None]
        backends = args.backend.split(",") if area == "store" else [None]
        runs = [(n, b) for n in counts for b in backends]
        columns = [
            (module.run(sessions=n, backend=b) if b is not None else module.run(sessions=n)) if n is not None else module.run()
            for n, b in runs
        ]
        names = list(dict.fromkeys(name for figures in columns for name in figures))
        heads = " | ".join(
            "value" if n is None else f"{n:,} sessions" + (f", {b}" if b is not None and len(backends) > 1 else "")
            for n, b in runs
        )
        print(f"## {area}\n\n| figure | {heads} |\n|---|{'---|' * len(runs)}")
        for name in names:
            print(f"| {name} | " + " | ".join(_shown(figures.get(name)) for figures in columns) + " |")
        print()
        sys.stdout.flush()
    return 0


def _counts(text: str) -> list[int]:
    try:
        counts = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a count or list of counts: {text!r}") from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"counts must be positive: {text!r}")
    return counts


def _shown(value: object) -> str:
    if value is None:
        return ""
    return f"{value:.3f}" if isinstance(value, float) else str(value)
