"""``python -m benchmarks [--sessions N] [--only store,engine,ui]``: one run, all figures.

Each area module has ``run() -> dict``; this prints them as a Markdown table
to paste into benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import importlib
import platform
import sys
import time

AREAS = ("store", "engine", "ui", "panels")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--sessions", type=int, default=10_000, help="sessions to generate (default 10000)")
    parser.add_argument("--only", default=",".join(AREAS), help="comma-separated areas")
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
        kwargs = {"sessions": args.sessions} if area in ("store", "ui") else {}
        figures = module.run(**kwargs)
        print(f"## {area}\n\n| figure | value |\n|---|---|")
        for name, value in figures.items():
            shown = f"{value:.3f}" if isinstance(value, float) else str(value)
            print(f"| {name} | {shown} |")
        print()
        sys.stdout.flush()
    return 0
