"""claude-tui benchmarks: ``python -m benchmarks`` (see run.py)."""
