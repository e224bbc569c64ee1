"""Attached files -> prompt content (no CLI): checks, hashing, send-once."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from claude_tui.engine.context import ContextFileError, prepare_prompt, read_context_file

CAP = 1024


def test_text_file_becomes_a_block_before_the_prompt(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("kiwi\n")
    prepared = prepare_prompt("summarise", ["notes.txt"], cwd=tmp_path, max_bytes=CAP, sent={})
    blocks = prepared.content_blocks()
    assert [b["type"] for b in blocks] == ["text", "text"]
    assert blocks[0]["text"].startswith('<context_file path="notes.txt" sha256="')
    assert "kiwi\n</context_file>" in blocks[0]["text"]
    assert blocks[1]["text"] == "summarise"
    message = prepared.user_message()
    assert message["type"] == "user" and message["message"]["role"] == "user"


def test_unchanged_file_is_not_resent_changed_file_is(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text("x = 1\n")
    first = prepare_prompt("p1", [path], cwd=tmp_path, max_bytes=CAP, sent={})
    sent = first.digests()
    again = prepare_prompt("p2", [path], cwd=tmp_path, max_bytes=CAP, sent=sent)
    assert not again.has_files and again.unchanged == ["a.py"]
    path.write_text("x = 2\n")
    changed = prepare_prompt("p3", [path], cwd=tmp_path, max_bytes=CAP, sent=sent)
    assert [f.display for f in changed.files] == ["a.py"]
    assert changed.digests()[str(path)] != sent[str(path)]


def test_same_file_twice_is_sent_once(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a")
    prepared = prepare_prompt("p", ["a.txt", str(tmp_path / "a.txt")], cwd=tmp_path, max_bytes=CAP, sent={})
    assert len(prepared.files) == 1


def test_binary_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "img.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR")
    with pytest.raises(ContextFileError, match="binary") as info:
        read_context_file("img.png", tmp_path, CAP)
    assert info.value.path == "img.png"


def test_non_utf8_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(ContextFileError, match="not UTF-8"):
        read_context_file("latin1.txt", tmp_path, CAP)


def test_too_big_file_is_refused_and_names_the_limit(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("x" * (CAP + 1))
    with pytest.raises(ContextFileError, match="too big") as info:
        read_context_file("big.txt", tmp_path, CAP)
    assert "max_file_bytes" in info.value.message and "1,024" in info.value.message


def test_missing_file_fails_the_whole_prompt(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("fine")
    with pytest.raises(ContextFileError, match="does not exist") as info:
        prepare_prompt("p", ["ok.txt", "gone.txt"], cwd=tmp_path, max_bytes=CAP, sent={})
    assert info.value.path == "gone.txt"


NOBODY = 65534


@contextmanager
def without_root() -> Iterator[None]:
    """Run the block without root's power to read any file.

    As root (CI) the effective uid and gid become nobody's for the block and are
    switched back after it (the saved uid stays root, which allows that); the
    test is synchronous, so nothing else runs meanwhile. Otherwise: as is.
    """
    if os.geteuid() != 0:
        yield
        return
    os.setegid(NOBODY)
    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


@pytest.fixture
def open_dir() -> Iterator[Path]:
    """A directory anyone may enter (pytest's tmp_path sits under a 0700 dir of
    root's), so that for nobody too the file's stat works and only reading fails."""
    path = Path(tempfile.mkdtemp(prefix="ctui-ctx-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def test_unreadable_file_is_refused(open_dir: Path) -> None:
    path = open_dir / "secret.txt"
    path.write_text("s")
    path.chmod(0)
    with without_root():
        assert path.is_file()  # it is there; only reading it is denied
        with pytest.raises(ContextFileError, match="permission denied"):
            read_context_file(path, open_dir, CAP)


def test_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    with pytest.raises(ContextFileError, match="not a regular file"):
        read_context_file("sub", tmp_path, CAP)


def test_file_outside_cwd_is_shown_by_absolute_path(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("far")
    cwd = tmp_path / "project"
    cwd.mkdir()
    f = read_context_file(outside, cwd, CAP)
    assert f.display == str(outside)
