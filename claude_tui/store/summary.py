"""What a session's summary sidecar says about it: title, first prompt, cwd, branch, tag.

The SDK folds a session's transcript lines into a summary (its public
``fold_session_summary``) and reads session info out of that summary with a
function it keeps private. This is our own copy of that small read, so the
store uses only the SDK's public API; ``tests/store/test_summary.py`` checks
it against what the SDK's public ``list_sessions_from_store`` reports for the
same summaries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SummaryInfo:
    """The fields of the SDK's ``SDKSessionInfo`` that the store keeps."""

    custom_title: str | None
    first_prompt: str | None
    git_branch: str | None
    cwd: str | None
    tag: str | None


def real_branch(branch: str | None) -> str | None:
    """A git branch as the CLI recorded it, or None: for a folder that is not
    a repository (or a detached head) the CLI records ``HEAD``, which is no branch."""
    return None if not branch or branch == "HEAD" else branch


def summary_info(data: dict[str, Any], project_path: str | None = None) -> SummaryInfo | None:
    """Session info from a summary's ``data``; None for a side chain or a
    session with nothing to call it by (the SDK lists neither)."""
    if data.get("is_sidechain"):
        return None
    first_prompt = (data.get("first_prompt") if data.get("first_prompt_locked") else data.get("command_fallback")) or None
    custom_title = data.get("custom_title") or data.get("ai_title") or None
    if not (custom_title or data.get("last_prompt") or data.get("summary_hint") or first_prompt):
        return None
    return SummaryInfo(
        custom_title=custom_title,
        first_prompt=first_prompt,
        git_branch=real_branch(data.get("git_branch")),
        cwd=data.get("cwd") or project_path or None,
        tag=data.get("tag") or None,
    )
