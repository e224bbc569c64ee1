"""After a crash, resume from before the prompt the dead CLI left unanswered.

A CLI killed mid-turn may already have written the turn's prompt to its
transcript (no reply after it). Resumed plainly, the next request carries that
prompt, and a retry of it sends it a second time, the CLI putting a made-up
"No response requested." between the two (seen on the wire). So the reconnect
after a crash resumes at the entry before that prompt (the CLI's
``--resume-session-at``): the retry sends the prompt once, and a new prompt
does not carry the dead one.

Only an unanswered prompt is dropped on its own: once the turn has any reply
(a tool ran, text was saved), the transcript stays as it is, until the user
asks to retry that prompt (``SessionWorker.send(retry=True)``): then the CLI is
restarted resuming before the first try, whatever it had (an interrupted
reply, an API error), so the model sees the prompt once. The dead try stays in
the file; the archive leaves it out (``store/branches.py``).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..store.text import is_user_prompt, user_prompt_text


def resume_point(path: Path, prompt: str, *, answered: bool = False) -> str | None:
    """The uuid to resume at so that ``prompt``, the transcript's last prompt
    and unanswered (or, with ``answered``, answered in part: a retry of it was
    asked for), is left out; None when there is nothing to leave out."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    entries = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            entries.append(entry)
    last = next((i for i in range(len(entries) - 1, -1, -1) if is_user_prompt(entries[i])), None)
    if last is None or (not answered and any(e.get("type") == "assistant" for e in entries[last + 1 :])):
        return None
    dangling = entries[last]
    if prompt.strip() not in user_prompt_text(dangling):
        return None
    parent = dangling.get("parentUuid")
    return parent if isinstance(parent, str) and parent else None
