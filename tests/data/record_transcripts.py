"""Record real Claude Code transcripts for the importer's tests (run by hand).

Why: the importer must parse what the real CLI writes (many internal line
types besides user/assistant), so the fixtures come from the real bundled CLI
talking to the fake Messages API, not from hand-written JSON.

Usage, from the repository root::

    python tests/data/record_transcripts.py

It replaces ``tests/data/claude_home/projects/`` with freshly recorded
``<project dir>/<session id>.jsonl`` files.  Session ids are fixed (uuid5 of a
name) so re-recording keeps file names; timestamps, uuids inside the lines and
request ids change.  The CLI runs with ``cwd`` under ``RECORD_ROOT`` so the
project directory names are stable (``-tmp-claude-tui-rec-alpha`` ...).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))

from tests.fakes.anthropic_api import FakeAnthropicAPI, Fault, Text, Thinking, ToolUse  # noqa: E402
from tests.fakes.cli_env import CliEnv, make_cli_env  # noqa: E402

RECORD_ROOT = Path("/tmp/claude-tui-rec")
"""Fixed, short root: the CLI's cwd (and so the project dir name) derives from it."""

OUT_DIR = REPO_ROOT / "tests" / "data" / "claude_home" / "projects"
SESSION_NS = uuid.UUID("6f1d2c3e-0000-4000-8000-00000000c1a0")


def session_id(name: str) -> str:
    """Stable session id per recorded scenario."""
    return str(uuid.uuid5(SESSION_NS, name))


async def run_turn(client: Any, prompt: str) -> Any:
    """Send one prompt and return the ResultMessage (bounded wait)."""
    from claude_agent_sdk import ResultMessage

    result = None
    async with asyncio.timeout(60):
        await client.query(prompt)
        async for message in client.receive_response():
            if isinstance(message, ResultMessage):
                result = message
    return result


async def in_session(env: CliEnv, sid: str, prompts: list[str], *, resume: bool = False, **opts: Any) -> None:
    """One client (new session ``sid`` or resumed), one turn per prompt."""
    from claude_agent_sdk import ClaudeSDKClient

    key = "resume" if resume else "session_id"
    async with ClaudeSDKClient(env.options(**{key: sid}, include_partial_messages=False, **opts)) as client:
        for prompt in prompts:
            result = await run_turn(client, prompt)
            print(f"  {prompt[:40]!r}: is_error={result.is_error} result={str(result.result)[:60]!r}")


async def two_turn_plain(api: FakeAnthropicAPI, env: CliEnv) -> str:
    sid = session_id("two-turn-plain")
    api.queue_reply(Text("Alpha is the first letter of the Greek alphabet."))
    api.queue_reply(Text("Beta is the second letter of the Greek alphabet."))
    await in_session(env, sid, ["first question: what is alpha?", "second question: what is beta?"])
    return sid


async def resumed_third_turn(api: FakeAnthropicAPI, env: CliEnv) -> str:
    sid = session_id("resumed-third-turn")
    api.queue_reply(Text("Noted: the code word is zebra."))
    api.queue_reply(Text("Noted: the colour is teal."))
    await in_session(env, sid, ["remember the code word zebra", "also remember the colour teal"])
    api.queue_reply(Text("After resuming: the code word was zebra and the colour teal."))
    await in_session(env, sid, ["third turn after resume: what did I ask you to remember?"], resume=True)
    return sid


async def thinking_and_tools(api: FakeAnthropicAPI, env: CliEnv) -> str:
    """A thinking block, text and two tool_use blocks; the CLI runs or refuses
    them as it sees fit, then a final scripted answer."""
    sid = session_id("thinking-and-tools")
    (env.cwd / "notes.txt").write_text("The notes say: kiwi.\n")
    api.queue_reply(
        Thinking("The user wants the notes. I should read notes.txt and list the directory."),
        Text("Let me look at the notes and the directory."),
        ToolUse("Read", {"file_path": str(env.cwd / "notes.txt")}, id="toolu_rec_read_01"),
        ToolUse("Bash", {"command": "ls", "description": "List files"}, id="toolu_rec_bash_01"),
    )
    api.queue_reply(Thinking("I have the results."), Text("The notes say kiwi."))
    api.queue_reply(Text("(spare reply in case the CLI asks once more)"))
    await in_session(env, sid, ["read notes.txt and list the files here"])
    return sid


async def markup_prompt(api: FakeAnthropicAPI, env: CliEnv) -> str:
    sid = session_id("markup-prompt")
    api.queue_reply(Text("Echo: [bold]x[/] and \x1b[31mred\x1b[0m and [link=http://x]y[/link]"))
    await in_session(env, sid, ["show [bold]x[/] and \x1b[31mred\x1b[0m literally"])
    return sid


async def failed_turn(api: FakeAnthropicAPI, env: CliEnv) -> str:
    """An API error turn (500, no retries), then a good one."""
    sid = session_id("failed-turn")
    api.queue_fault(Fault.server_error())
    api.queue_reply(Text("Recovered after the error."))
    await in_session(env, sid, ["this turn hits a server error", "and this one works"], env_overrides={"CLAUDE_CODE_MAX_RETRIES": "0"})
    return sid


Scenario = Callable[[FakeAnthropicAPI, CliEnv], Awaitable[str]]
SCENARIOS: list[tuple[str, Scenario]] = [
    ("alpha", two_turn_plain),
    ("alpha", resumed_third_turn),
    ("beta", thinking_and_tools),
    ("beta", markup_prompt),
    ("beta", failed_turn),
]


def prepare_env(api: FakeAnthropicAPI) -> dict[str, CliEnv]:
    """One shared HOME; one cwd per project name, all under RECORD_ROOT."""
    shutil.rmtree(RECORD_ROOT, ignore_errors=True)
    envs: dict[str, CliEnv] = {}
    for project in sorted({p for p, _ in SCENARIOS}):
        env = make_cli_env(RECORD_ROOT, api.base_url)
        env.cwd = RECORD_ROOT / project
        env.cwd.mkdir(parents=True, exist_ok=True)
        envs[project] = env
    any_env = next(iter(envs.values()))
    for key in ("HOME", "CLAUDE_CONFIG_DIR", "TMPDIR"):
        os.environ[key] = any_env.env[key]  # the SDK computes paths from its own env
    return envs


def copy_out(envs: dict[str, CliEnv], recorded: list[tuple[str, str]]) -> None:
    """Copy only the session jsonl files, keeping the CLI's project dir names."""
    shutil.rmtree(OUT_DIR, ignore_errors=True)
    for project, sid in recorded:
        src = envs[project].transcript_path(sid)
        dst = OUT_DIR / src.parent.name / src.name
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
        print(f"{dst.relative_to(REPO_ROOT)}: {dst.stat().st_size} bytes")


async def main() -> None:
    with FakeAnthropicAPI(input_tokens=1200) as api:
        envs = prepare_env(api)
        recorded: list[tuple[str, str]] = []
        for project, scenario in SCENARIOS:
            print(f"{scenario.__name__} in {envs[project].cwd}")
            recorded.append((project, await scenario(api, envs[project])))
            api.clear_replies()
            api.clear_faults()
            for env in envs.values():
                for line in env.stderr_lines:
                    print(f"  stderr: {line[:200]}")
                env.stderr_lines.clear()
        copy_out(envs, recorded)
        print(f"requests served: {len(api.message_requests)}")
    shutil.rmtree(RECORD_ROOT, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
