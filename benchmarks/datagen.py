"""Deterministic Claude Code-format transcripts for benchmarks.

Shape follows real CLI output (tests/data/claude_home): per turn a queue
operation pair, a user prompt, an attachment, an assistant reply with usage,
and a last-prompt line, so sessions are about 40-50 KB like real ones.
The same seed always gives the same bytes.
"""

from __future__ import annotations

import json
import random
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

RARE_WORD = "quetzalcoatlus"  # in exactly one session
COMMON_WORD = "refactoring"  # in every session
PREFIX = "refact"  # matches refactoring, refactor, refactored ...
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "zi", "pe", "sha", "gor", "bel", "dun", "fi", "xo"]
GENERATOR_VERSION = 2


def _vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    words = {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(size)}
    return sorted(words) + ["refactor", "refactored", "function", "module", "test", "error"]


def _sentence(rng: random.Random, vocab: list[str], n: int) -> str:
    return " ".join(rng.choice(vocab) for _ in range(n)) + "."


def _stamp(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def session_lines(index: int, project: str, cwd: str, rng: random.Random, vocab: list[str], turns: int, rare: bool = False) -> tuple[str, list[str]]:
    sid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    start = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=index * 7)
    lines: list[str] = []
    parent = None
    base = {"cwd": cwd, "sessionId": sid, "version": "2.1.332", "gitBranch": "main", "userType": "external", "entrypoint": "sdk-py", "isSidechain": False}
    for turn in range(turns):
        t = start + timedelta(seconds=turn * 30)
        prompt = _sentence(rng, vocab, 10)
        if turn == 0:
            prompt = f"Session {index}: {COMMON_WORD} the {project} module. " + prompt
        if rare and turn == 3:
            prompt += f" Mention {RARE_WORD} once."
        lines.append(json.dumps({"type": "queue-operation", "operation": "enqueue", "timestamp": _stamp(t), "sessionId": sid, "content": prompt}))
        lines.append(json.dumps({"type": "queue-operation", "operation": "dequeue", "timestamp": _stamp(t), "sessionId": sid}))
        uid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        lines.append(json.dumps({**base, "type": "user", "uuid": uid, "parentUuid": parent, "timestamp": _stamp(t), "message": {"role": "user", "content": prompt}}))
        att = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        lines.append(json.dumps({**base, "type": "attachment", "uuid": att, "parentUuid": uid, "timestamp": _stamp(t), "attachment": {"type": "context", "content": _sentence(rng, vocab, 4)}}))
        aid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        reply = "\n\n".join(_sentence(rng, vocab, 20) for _ in range(2))
        lines.append(json.dumps({**base, "type": "assistant", "uuid": aid, "parentUuid": att, "timestamp": _stamp(t + timedelta(seconds=5)), "requestId": f"req_{index}_{turn}", "message": {"id": f"msg_{index}_{turn}", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5", "content": [{"type": "text", "text": reply}], "stop_reason": "end_turn", "usage": {"input_tokens": 1200 + turn * 300, "output_tokens": 250, "cache_read_input_tokens": 0}}}))
        lines.append(json.dumps({"type": "last-prompt", "lastPrompt": prompt[:200], "leafUuid": aid, "sessionId": sid}))
        parent = aid
    return sid, lines


def generate(root: Path, sessions: int = 10_000, projects: int = 50, turns: int = 20, seed: int = 1) -> int:
    """Write ``sessions`` transcripts under ``root/projects``; return total bytes."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    total = 0
    for i in range(sessions):
        p = i % projects
        cwd = f"/home/dev/work/project-{p:02d}"
        project_dir = root / "projects" / cwd.replace("/", "-")
        project_dir.mkdir(parents=True, exist_ok=True)
        sid, lines = session_lines(i, f"project{p:02d}", cwd, rng, vocab, turns, rare=i == sessions * 7 // 9)
        data = ("\n".join(lines) + "\n").encode()
        (project_dir / f"{sid}.jsonl").write_bytes(data)
        total += len(data)
    return total
