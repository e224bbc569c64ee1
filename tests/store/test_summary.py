"""Our read of a summary sidecar agrees with the SDK's public listing of the same summaries."""

from __future__ import annotations

from typing import Any

import pytest
from claude_agent_sdk import fold_session_summary, list_sessions_from_store

from claude_tui.store.summary import summary_info

CWD = "/tmp/proj"
PK = "-tmp-proj"


def user(uuid: str, text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "user", "uuid": uuid, "timestamp": "2026-01-02T03:04:05.000Z", "cwd": CWD,
            "message": {"role": "user", "content": text}, **extra}


CASES: dict[str, list[dict[str, Any]]] = {
    "first prompt": [user("u1", "fix the parser please", gitBranch="main")],
    "custom title": [user("u1", "hello"), {"type": "custom-title", "customTitle": "My title", "sessionId": "s"}],
    "ai title": [user("u1", "hello"), {"type": "ai-title", "aiTitle": "Parser fixes", "sessionId": "s"}],
    "tag": [user("u1", "hello"), {"type": "tag", "tag": "urgent", "sessionId": "s"}],
    "command only": [user("u1", "<command-name>/cost</command-name>")],
    "side chain": [user("u1", "hello", isSidechain=True)],
    "nothing": [{"type": "summary", "summary": "x", "leafUuid": "u0"}],
}


class SummaryStore:
    """The two listing methods ``list_sessions_from_store`` needs, over fixed summaries."""

    def __init__(self, summaries: list[dict[str, Any]]) -> None:
        self.summaries = summaries

    async def append(self, key: Any, entries: Any) -> None:  # pragma: no cover - not listed through
        raise NotImplementedError

    async def load(self, key: Any) -> None:
        return None

    async def list_sessions(self, project_key: str) -> list[dict[str, Any]]:
        return [{"session_id": s["session_id"], "mtime": s["mtime"]} for s in self.summaries]

    async def list_session_summaries(self, project_key: str) -> list[dict[str, Any]]:
        return self.summaries


@pytest.mark.parametrize("case", sorted(CASES))
async def test_summary_info_matches_the_sdk_listing(case: str) -> None:
    sid = f"0000000{len(case) % 10}-0000-0000-0000-000000000000"
    summary = dict(fold_session_summary(None, {"project_key": PK, "session_id": sid}, CASES[case]))
    summary["mtime"] = 1_700_000_000_000
    listed = await list_sessions_from_store(SummaryStore([summary]), directory=CWD)
    ours = summary_info(summary["data"], CWD)
    if not listed:
        assert ours is None
        return
    (info,) = listed
    assert ours is not None
    assert (ours.custom_title, ours.first_prompt, ours.git_branch, ours.cwd, ours.tag) == (
        info.custom_title, info.first_prompt, info.git_branch, info.cwd, info.tag)


def test_the_cases_cover_both_outcomes() -> None:
    """At least one case is listed by the SDK and one is not, so both paths are compared."""
    results = {case: summary_info(dict(fold_session_summary(None, {"project_key": PK, "session_id": "s"}, entries))["data"])
               for case, entries in CASES.items()}
    assert any(r is None for r in results.values()) and any(r is not None and r.tag for r in results.values())
    assert any(r is not None and r.custom_title for r in results.values())


def test_head_is_no_branch() -> None:
    """The CLI records ``HEAD`` for a folder that is not a git repository: no branch is shown."""
    from claude_tui.store.metadata import SessionRow

    data = {"first_prompt": "hi", "first_prompt_locked": True, "git_branch": "HEAD", "cwd": CWD}
    info = summary_info(data, CWD)
    assert info is not None and info.git_branch is None
    assert summary_info({**data, "git_branch": "main"}, CWD).git_branch == "main"  # type: ignore[union-attr]
    row = ("s", PK, CWD, "t", None, None, None, "HEAD", None, None, 1, 0, 0, None, None, "t")
    assert SessionRow.from_row(row).git_branch is None
