"""Record what the real Claude Code CLI prints on stdout for one turn (run by hand).

Why: ``claude_tui/engine/translate.py`` folds the CLI's stream-json output into
engine events; its tests replay real output (``tests/engine/test_translate.py``),
not hand-written JSON. This script runs the CLI bundled in claude-agent-sdk the
way the SDK runs it (stream-json in and out, partial messages on) against the
fake Messages API, so every reply is scripted and no network is needed.

Usage, from the repository root::

    python tests/data/record_cli_streams.py

It writes ``tests/data/cli_stream/tools_and_thinking.jsonl``. The other files
in that folder were recorded the same way earlier (see ``tests/data/README.md``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))

from tests.fakes.anthropic_api import FakeAnthropicAPI, Text, Thinking, ToolUse  # noqa: E402
from tests.fakes.cli_env import make_cli_env  # noqa: E402

OUT = REPO_ROOT / "tests" / "data" / "cli_stream" / "tools_and_thinking.jsonl"
SESSION_ID = "7c0ffee0-0000-4000-8000-00000000d47a"


def bundled_cli() -> Path:
    import claude_agent_sdk

    return Path(claude_agent_sdk.__file__).parent / "_bundled" / "claude"


def record(prompt: str, api: FakeAnthropicAPI, base: Path, *args: str) -> list[str]:
    """Run the CLI for one prompt; return its stdout lines up to and including the result."""
    env = make_cli_env(base, api.base_url)
    (env.cwd / "notes.txt").write_text("The notes say: kiwi.\n")
    command = [
        str(bundled_cli()),
        "--output-format", "stream-json",
        "--input-format", "stream-json",
        "--include-partial-messages",
        "--verbose",
        "--session-id", SESSION_ID,
        *args,
    ]  # fmt: skip
    proc = subprocess.Popen(
        command,
        cwd=env.cwd,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env.env},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    user = {"type": "user", "message": {"role": "user", "content": prompt}, "parent_tool_use_id": None}
    proc.stdin.write(json.dumps(user) + "\n")
    proc.stdin.flush()
    lines: list[str] = []
    try:
        for line in proc.stdout:
            if not line.strip():
                continue
            lines.append(line.rstrip("\n"))
            if json.loads(line).get("type") == "result":
                break
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    return lines


def main() -> None:
    with FakeAnthropicAPI() as api, tempfile.TemporaryDirectory(prefix="ctui-rec-") as tmp:
        api.queue_reply(
            Thinking("The user wants the notes. I should read notes.txt and list the directory."),
            Text("Let me look at the notes and the directory."),
            ToolUse("Read", {"file_path": "notes.txt"}, id="toolu_rec_read_01"),
            ToolUse("Bash", {"command": "ls", "description": "List files"}, id="toolu_rec_bash_01"),
        )
        api.queue_reply(Thinking("I have the results."), Text("The notes say kiwi."))
        api.queue_reply(Text("(spare reply in case the CLI asks once more)"))
        lines = record(
            "read notes.txt and list the files here", api, Path(tmp), "--allowedTools", "Read", "Bash"
        )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUT} ({len(lines)} lines)")


if __name__ == "__main__":
    main()
