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
    parser.add_argument("--reuse-import", action="store_true",
                        help="store: start from an imported store of the same tree kept by an earlier run"
                        " (no first-import figures)")
    args = parser.parse_args(argv)
    if args.reuse_import:
        from . import store

        store.REUSE_IMPORT = True
    print(f"# claude-tui benchmarks, {time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, {platform.machine()}\n")
    done: dict[str, list[dict]] = {}
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
        done[area] = [c for c, (_n, b) in zip(columns, runs) if b in (None, "sqlite")]
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
    if "store" in done and "ui" in done:
        print(scale_table(args.sessions, done["store"], done["ui"]))
    return 0


SCALE = (  # (label, area, figure): the archive at scale (issue 14), one row each
    ("first frame with the newest session, ms", "ui", "startup_tui_newest_session_ms"),
    ("hello world first frame, ms", "ui", "startup_hello_first_frame_ms"),
    ("first frame with sessions / hello world (target < 2 at 100k)", "ui", "startup_ratio_newest_session"),
    ("`ls --json`, s (target < 1)", "store", "ls_json_process_s"),
    ("`ls --json`, CPU s (user + system)", "store", "ls_json_process_cpu_s"),
    ("filter: key to the box painted p95, ms", "ui", "filter_key_to_box_painted_p95_ms"),
    ("filter: debounce end to the list painted p95, ms (target < 50)", "ui", "filter_debounce_end_to_result_painted_p95_ms"),
    ("filter keystroke, store part p95, ms", "store", "filter_keystroke_p95_ms"),
    ("re-import of the unchanged tree, s (target < 10)", "store", "reimport_unchanged_s"),
    ("first import, MB/s (target 40)", "store", "import_mb_per_s"),
    ("database / transcripts (target 0.6)", "store", "db_ratio"),
    ("app peak RSS, MB", "ui", "app_peak_rss_mb"),
)


def scale_table(counts: list[int], store: list[dict], ui: list[dict]) -> str:
    """The figures issue 14 asks for, a column per session count, and the RSS
    against the 10,000-session figure (target at 100,000: under 2x)."""
    areas = {"store": store, "ui": ui}
    lines = ["## scale", "", "| figure | " + " | ".join(f"{n:,} sessions" for n in counts) + " |",
             "|---|" + "---|" * len(counts)]
    for label, area, name in SCALE:
        lines.append(f"| {label} | " + " | ".join(_shown(c.get(name)) for c in areas[area]) + " |")
    if 10_000 in counts:
        base = ui[counts.index(10_000)].get("app_peak_rss_mb")
        ratios = [c.get("app_peak_rss_mb") / base if base and c.get("app_peak_rss_mb") else None for c in ui]
        lines.append("| app peak RSS / its 10,000-session figure (target < 2 at 100k) | "
                     + " | ".join(_shown(r) for r in ratios) + " |")
    return "\n".join(lines) + "\n"


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
