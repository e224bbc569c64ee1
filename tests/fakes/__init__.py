"""Test doubles: a fake Anthropic Messages API, isolated CLI environments, and a
transport that replays recorded CLI output (``replay.py``)."""
