"""Tool permissions through the REAL CLI: the fake API scripts tool_use replies,
the PermissionBroker answers, and we check what the tool did and what Claude saw.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from claude_tui.engine import TurnCompleted
from claude_tui.engine.permissions import Decision, PermissionAnswer, PermissionBroker, PermissionRequest
from claude_tui.store import SqliteSessionStore
from tests.engine.helpers import WAIT_S, engine_settings, make_worker, turn
from tests.fakes.anthropic_api import FakeAnthropicAPI, Text, ToolUse
from tests.fakes.cli_env import CliEnv


def tool_results(request: Any) -> list[dict[str, Any]]:
    """tool_result blocks the CLI sent back to the API in one request."""
    out = []
    for message in request.body.get("messages") or []:
        content = message.get("content")
        if isinstance(content, list):
            out += [b for b in content if isinstance(b, dict) and b.get("type") == "tool_result"]
    return out


def result_text(block: dict[str, Any]) -> str:
    content = block.get("content")
    if isinstance(content, list):
        return " ".join(str(c.get("text", "")) for c in content if isinstance(c, dict))
    return str(content)


class Answerer:
    """Answers every request with ``answer`` (after ``hold`` is set, if given)."""

    def __init__(self, broker: PermissionBroker, answer: PermissionAnswer, hold: asyncio.Event | None = None) -> None:
        self.broker, self.answer, self.hold = broker, answer, hold
        self.asked: list[PermissionRequest] = []
        self.arrived = asyncio.Event()
        broker.subscribe(self._on_request)

    def _on_request(self, request: PermissionRequest) -> None:
        self.asked.append(request)
        self.arrived.set()
        asyncio.get_running_loop().create_task(self._reply(request))

    async def _reply(self, request: PermissionRequest) -> None:
        if self.hold is not None:
            await self.hold.wait()
        self.broker.answer(request.request_id, self.answer)


def worker_with(cli_env: CliEnv, store: SqliteSessionStore, broker: PermissionBroker, **sections: dict) -> Any:
    broker.cwd_of = lambda sid: str(cli_env.cwd)
    return make_worker(cli_env, engine_settings(**sections), store, permission_callback=broker.callback).start()


async def test_allow_runs_the_tool_and_its_result_reaches_claude(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore
) -> None:
    target = Path(cli_env.cwd) / "out.txt"
    fake_api.queue_reply(ToolUse("Write", {"file_path": str(target), "content": "written by claude\n"}))
    fake_api.queue_reply(Text("done"))
    broker = PermissionBroker()
    answerer = Answerer(broker, PermissionAnswer(Decision.ALLOW_ONCE))
    worker = worker_with(cli_env, store, broker)
    result = await turn(worker, "write the file")
    await worker.close()
    assert result.outcome == "completed"
    assert [r.tool_name for r in answerer.asked] == ["Write"]
    assert target.read_text() == "written by claude\n"
    results = tool_results(fake_api.message_requests[-1])
    assert results and not results[-1].get("is_error")


async def test_deny_keeps_the_file_unwritten_and_tells_claude(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore
) -> None:
    target = Path(cli_env.cwd) / "nope.txt"
    fake_api.queue_reply(ToolUse("Write", {"file_path": str(target), "content": "x"}))
    fake_api.queue_reply(Text("understood"))
    broker = PermissionBroker()
    Answerer(broker, PermissionAnswer(Decision.DENY, "not in this folder, please"))
    worker = worker_with(cli_env, store, broker)
    result = await turn(worker, "write the file")
    await worker.close()
    assert result.outcome == "completed"
    assert not target.exists()
    denial = tool_results(fake_api.message_requests[-1])[-1]
    assert denial.get("is_error") and "not in this folder, please" in result_text(denial)


async def test_allow_for_session_is_not_asked_again(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore
) -> None:
    cwd = Path(cli_env.cwd)
    for name in ("a.txt", "b.txt"):
        fake_api.queue_reply(ToolUse("Write", {"file_path": str(cwd / name), "content": name}))
        fake_api.queue_reply(Text(f"wrote {name}"))
    broker = PermissionBroker()
    answerer = Answerer(broker, PermissionAnswer(Decision.ALLOW_SESSION))
    worker = worker_with(cli_env, store, broker)
    await turn(worker, "write a")
    await turn(worker, "write b")
    await worker.close()
    assert (cwd / "a.txt").exists() and (cwd / "b.txt").exists()
    assert len(answerer.asked) == 1


async def test_read_outside_cwd_asks_inside_does_not(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore, tmp_path: Path
) -> None:
    inside = Path(cli_env.cwd) / "inside.txt"
    inside.write_text("inside\n")
    outside = tmp_path / "elsewhere" / "outside.txt"
    outside.parent.mkdir()
    outside.write_text("outside\n")
    fake_api.queue_reply(ToolUse("Read", {"file_path": str(inside)}))
    fake_api.queue_reply(Text("read inside"))
    fake_api.queue_reply(ToolUse("Read", {"file_path": str(outside)}))
    fake_api.queue_reply(Text("read outside"))
    broker = PermissionBroker()
    answerer = Answerer(broker, PermissionAnswer(Decision.ALLOW_ONCE))
    worker = worker_with(cli_env, store, broker)
    await turn(worker, "read inside")
    assert answerer.asked == []
    await turn(worker, "read outside")
    await worker.close()
    assert [(r.tool_name, r.tool_input.get("file_path")) for r in answerer.asked] == [("Read", str(outside))]


async def test_timeouts_do_not_fire_while_the_user_decides(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore
) -> None:
    target = Path(cli_env.cwd) / "slow.txt"
    fake_api.queue_reply(ToolUse("Write", {"file_path": str(target), "content": "ok"}))
    fake_api.queue_reply(Text("done"))
    broker = PermissionBroker()
    hold = asyncio.Event()
    answerer = Answerer(broker, PermissionAnswer(Decision.ALLOW_ONCE), hold)
    worker = worker_with(cli_env, store, broker, timeouts={"stall": 0.5, "first_token": 0.5, "turn": 1.0})
    sent = worker.send("write slowly", ())
    await asyncio.wait_for(answerer.arrived.wait(), WAIT_S)
    # Let every timeout's time pass while the question waits (deliberate: this
    # proves the timers are paused; it synchronises nothing).
    await asyncio.sleep(1.5)
    assert not sent.done()
    hold.set()
    result: TurnCompleted | None = await asyncio.wait_for(sent, WAIT_S)
    await worker.close()
    assert result is not None and result.outcome == "completed"
    assert target.read_text() == "ok"


async def test_live_switch_to_accept_edits_stops_asking_for_edits(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore
) -> None:
    target = Path(cli_env.cwd) / "auto.txt"
    fake_api.queue_reply(Text("ready"))
    fake_api.queue_reply(ToolUse("Write", {"file_path": str(target), "content": "auto"}))
    fake_api.queue_reply(Text("done"))
    broker = PermissionBroker()
    answerer = Answerer(broker, PermissionAnswer(Decision.DENY))
    worker = worker_with(cli_env, store, broker)
    await turn(worker, "hello")
    await asyncio.wait_for(worker.set_permission_mode("acceptEdits"), WAIT_S)
    assert worker.state.permission_mode == "acceptEdits"
    await turn(worker, "write it")
    await worker.close()
    assert answerer.asked == [] and target.read_text() == "auto"


async def test_bypass_needs_the_config_flag(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore
) -> None:
    import pytest

    fake_api.queue_reply(Text("ready"))
    broker = PermissionBroker()
    worker = worker_with(cli_env, store, broker)
    await turn(worker, "hello")
    with pytest.raises(ValueError, match="allow_bypass = true"):
        await asyncio.wait_for(worker.set_permission_mode("bypassPermissions"), WAIT_S)
    assert worker.state.permission_mode == "default"
    await worker.close()

    fake_api.queue_reply(Text("ready"))
    target = Path(cli_env.cwd) / "bypass.txt"
    fake_api.queue_reply(ToolUse("Bash", {"command": f"echo hi > {target}"}))
    fake_api.queue_reply(Text("done"))
    answerer = Answerer(broker, PermissionAnswer(Decision.DENY))
    # As root (CI) the CLI refuses to allow bypass outside a declared sandbox.
    cli_env.env["IS_SANDBOX"] = "1"
    allowed = worker_with(cli_env, store, broker, claude={"allow_bypass": True})
    first = await asyncio.wait_for(allowed.send("hello", ()), WAIT_S)
    assert first is not None, list(allowed.log)
    await asyncio.wait_for(allowed.set_permission_mode("bypassPermissions"), WAIT_S)
    await turn(allowed, "run it")
    await allowed.close()
    assert answerer.asked == [] and target.read_text() == "hi\n"


def cli_run_as(root: bool, tmp_path: Path) -> str | None:
    """A ``cli_path`` whose CLI runs as root (``root``) or not, whoever runs the tests.

    The CLI refuses bypassPermissions only as root, so both cases are tested as
    root (CI) and not. Same user as ours: the bundled CLI itself (None). Else a
    wrapper that starts it in a user namespace, where it is (or is not) uid 0.
    """
    if (os.geteuid() == 0) == root:
        return None
    import claude_agent_sdk

    cli = Path(claude_agent_sdk.__file__).parent / "_bundled" / "claude"
    as_user = "--map-root-user" if root else "--map-user=65534 --map-group=65534"
    probe = subprocess.run(["unshare", "--user", *as_user.split(), "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"user namespaces are not available here: cannot run the CLI as {'root' if root else 'non-root'}")
    wrapper = tmp_path / ("claude-as-root" if root else "claude-not-root")
    wrapper.write_text(f'#!/bin/sh\nexec unshare --user {as_user} "{cli}" "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


async def test_bypass_refused_as_root_fails_with_advice(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore, tmp_path: Path
) -> None:
    from claude_tui.engine import ErrorOccurred, Phase

    cli_env.env.pop("IS_SANDBOX", None)
    claude = {"allow_bypass": True, "cli_path": cli_run_as(root=True, tmp_path=tmp_path)}
    worker = worker_with(cli_env, store, PermissionBroker(), claude=claude)
    with worker.events() as stream:
        result = await asyncio.wait_for(worker.send("hello", ()), WAIT_S)
        assert result is None
        error = await stream.wait_for(lambda e: isinstance(e, ErrorOccurred) and not e.retryable, WAIT_S)
    assert "allow_bypass = false" in error.message and worker.state.phase is Phase.FAILED
    await worker.close()


async def test_bypass_allowed_when_not_root(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore, tmp_path: Path
) -> None:
    fake_api.queue_reply(Text("ready"))
    cli_env.env.pop("IS_SANDBOX", None)
    claude = {"allow_bypass": True, "cli_path": cli_run_as(root=False, tmp_path=tmp_path)}
    worker = worker_with(cli_env, store, PermissionBroker(), claude=claude)
    first = await asyncio.wait_for(worker.send("hello", ()), WAIT_S)
    assert first is not None and first.outcome == "completed", list(worker.log)
    await asyncio.wait_for(worker.set_permission_mode("bypassPermissions"), WAIT_S)
    assert worker.state.permission_mode == "bypassPermissions"
    await worker.close()
