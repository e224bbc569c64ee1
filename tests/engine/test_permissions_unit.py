"""PermissionBroker and the SDK results it produces (no CLI needed)."""

from __future__ import annotations

import asyncio

from claude_agent_sdk import PermissionResultAllow, PermissionResultDeny
from claude_agent_sdk.types import PermissionRuleValue, PermissionUpdate, ToolPermissionContext

from claude_tui.engine.permissions import (
    Decision,
    PermissionAnswer,
    PermissionBroker,
    PermissionRequest,
    diff_text,
    to_sdk_result,
)


async def test_broker_waits_for_the_answer_and_converts_it(tmp_path) -> None:
    broker = PermissionBroker()
    broker.cwd_of = lambda sid: str(tmp_path)
    seen: list[PermissionRequest] = []
    arrived = asyncio.Event()
    broker.subscribe(lambda r: (seen.append(r), arrived.set()))
    target = tmp_path / "f.txt"
    target.write_text("old\n")
    suggestion = PermissionUpdate(type="addRules", rules=[PermissionRuleValue("Write")], behavior="allow", destination="localSettings")
    ctx = ToolPermissionContext(suggestions=[suggestion], tool_use_id="tu1")
    task = asyncio.create_task(broker.callback("s1", "Write", {"file_path": str(target), "content": "new\n"}, ctx))
    await asyncio.wait_for(arrived.wait(), 5)
    request = seen[0]
    assert request.existing_text == "old\n" and request.cwd == str(tmp_path)
    assert broker.pending("s1") == [request]
    assert broker.answer(request.request_id, PermissionAnswer(Decision.ALLOW_SESSION))
    result = await asyncio.wait_for(task, 5)
    assert isinstance(result, PermissionResultAllow)
    assert [u.destination for u in result.updated_permissions] == ["session"]
    assert broker.pending() == []


async def test_cancel_session_denies_its_requests() -> None:
    broker = PermissionBroker()
    arrived = asyncio.Event()
    broker.subscribe(lambda r: arrived.set())
    task = asyncio.create_task(broker.callback("s1", "Bash", {"command": "ls"}, ToolPermissionContext()))
    await asyncio.wait_for(arrived.wait(), 5)
    broker.cancel_session("s1")
    result = await asyncio.wait_for(task, 5)
    assert isinstance(result, PermissionResultDeny) and "closed" in result.message


def test_results() -> None:
    request = PermissionRequest(1, "s", "Bash", {"command": "ls"})
    assert isinstance(to_sdk_result(request, PermissionAnswer(Decision.ALLOW_ONCE)), PermissionResultAllow)
    deny = to_sdk_result(request, PermissionAnswer(Decision.DENY, "  not now "))
    assert isinstance(deny, PermissionResultDeny) and deny.message == "not now"
    assert to_sdk_result(request, PermissionAnswer(Decision.DENY)).message
    session = to_sdk_result(request, PermissionAnswer(Decision.ALLOW_SESSION))
    assert session.updated_permissions[0].to_dict() == {
        "type": "addRules", "destination": "session", "rules": [{"toolName": "Bash"}], "behavior": "allow",
    }


def test_diffs() -> None:
    edit = PermissionRequest(1, "s", "Edit", {"file_path": "/w/a.py", "old_string": "x = 1", "new_string": "x = 2"})
    assert "-x = 1" in diff_text(edit) and "+x = 2" in diff_text(edit)
    write = PermissionRequest(1, "s", "Write", {"file_path": "/w/n.md", "content": "b\n"}, existing_text=None)
    assert "+b" in diff_text(write)
    assert diff_text(PermissionRequest(1, "s", "Bash", {"command": "ls"})) is None
