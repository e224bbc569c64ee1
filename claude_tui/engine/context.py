"""Attached files -> prompt content: size and binary checks, send-once by hash.

How files reach the model (the decision issue #3 asks for): as structured
text blocks in the same user message as the prompt, sent with
``client.query(<async iterable of one user message>)``. Each file is one text
block::

    <context_file path="src/app.py" sha256="3f2a...">
    ...the file's text...
    </context_file>

followed by the prompt as the last text block. Why not ``@path`` mentions:
the CLI decides on its own how to inline a mention (and may read it again on
every turn), while claude-tui must know exactly what was sent to resend a file
only when it changed, refuse binaries and enforce the size cap, and fail the
whole prompt when one file is unreadable. A prompt with no new file content
goes as a plain string, exactly as the CLI's own prompt box would send it.

A file is sent once per worker and again only when its SHA-256 changed. The
conversation keeps what was sent (resume replays it), so after a reconnect the
file is not resent either; a new claude-tui process starts with an empty
record and sends each attached file once more.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BINARY_SNIFF_BYTES = 8192


class ContextFileError(Exception):
    """An attached file cannot be sent; the message is for the user."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


@dataclass(frozen=True)
class ContextFile:
    """One file read and checked, ready to go into a prompt."""

    path: Path  # absolute
    display: str  # as shown to the model: relative to cwd when inside it
    text: str
    digest: str  # sha256 hex of the bytes


@dataclass
class PreparedPrompt:
    """What one send will write: the files that changed and the prompt."""

    prompt: str
    files: list[ContextFile] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # attached, same hash as sent

    @property
    def has_files(self) -> bool:
        return bool(self.files)

    def content_blocks(self) -> list[dict[str, Any]]:
        blocks = [{"type": "text", "text": render_file(f)} for f in self.files]
        blocks.append({"type": "text", "text": self.prompt})
        return blocks

    def user_message(self) -> dict[str, Any]:
        """The stream-json user message ``client.query`` writes for us."""
        return {
            "type": "user",
            "message": {"role": "user", "content": self.content_blocks()},
            "parent_tool_use_id": None,
        }

    def digests(self) -> dict[str, str]:
        return {str(f.path): f.digest for f in self.files}


def render_file(f: ContextFile) -> str:
    """One file as a text block the model can tell apart from the prompt."""
    body = f.text if f.text.endswith("\n") else f.text + "\n"
    return f'<context_file path="{f.display}" sha256="{f.digest[:16]}">\n{body}</context_file>'


def _display(path: Path, cwd: Path) -> str:
    try:
        return str(path.relative_to(cwd))
    except ValueError:
        return str(path)


def read_context_file(raw: str | os.PathLike[str], cwd: Path, max_bytes: int) -> ContextFile:
    """Read and check one file; raise ``ContextFileError`` with a clear reason."""
    path = Path(raw).expanduser()
    if not path.is_absolute():
        path = cwd / path
    path = Path(os.path.normpath(path))
    shown = _display(path, cwd)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ContextFileError(shown, f"attached file {shown} does not exist (removed or renamed?)") from None
    except PermissionError:
        raise ContextFileError(shown, f"attached file {shown} cannot be read: permission denied") from None
    except OSError as exc:
        raise ContextFileError(shown, f"attached file {shown} cannot be read: {exc.strerror or exc}") from None
    if not path.is_file():
        raise ContextFileError(shown, f"attached path {shown} is not a regular file")
    if max_bytes and st.st_size > max_bytes:
        raise ContextFileError(
            shown,
            f"attached file {shown} is too big ({st.st_size:,} bytes; the limit is"
            f" {max_bytes:,}, [context] max_file_bytes in the config)",
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1 if max_bytes else -1)
    except PermissionError:
        raise ContextFileError(shown, f"attached file {shown} cannot be read: permission denied") from None
    except OSError as exc:
        raise ContextFileError(shown, f"attached file {shown} cannot be read: {exc.strerror or exc}") from None
    if max_bytes and len(data) > max_bytes:  # grew between stat and read
        raise ContextFileError(
            shown, f"attached file {shown} is too big (over {max_bytes:,} bytes, [context] max_file_bytes)"
        )
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise ContextFileError(shown, f"attached file {shown} is binary; only text files can be attached")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ContextFileError(
            shown, f"attached file {shown} is not UTF-8 text (binary?); only text files can be attached"
        ) from None
    return ContextFile(path, shown, text, hashlib.sha256(data).hexdigest())


def prepare_prompt(
    prompt: str,
    files: Iterable[str | os.PathLike[str]],
    *,
    cwd: str | os.PathLike[str],
    max_bytes: int,
    sent: Mapping[str, str],
) -> PreparedPrompt:
    """Check every attached file and keep those whose hash differs from ``sent``.

    All files are read before anything is sent: one bad file raises
    ``ContextFileError`` and the prompt is not sent half-built.
    """
    base = Path(os.path.normpath(Path(cwd).expanduser()))
    prepared = PreparedPrompt(prompt)
    seen: set[str] = set()
    for raw in files:
        f = read_context_file(raw, base, max_bytes)
        key = str(f.path)
        if key in seen:
            continue
        seen.add(key)
        if sent.get(key) == f.digest:
            prepared.unchanged.append(f.display)
        else:
            prepared.files.append(f)
    return prepared
