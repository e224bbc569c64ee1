"""Each private Textual / SDK part claude-tui uses, taken away: its fallback keeps things working.

``claude_tui.compat`` is the one place that touches them; these tests run
each wrapper against the real part (it is there in the pinned versions) and
against a stand-in without it (as after an upgrade that renamed it).
"""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

from claude_tui import compat, css_cache


class Bare:
    """An object with none of the private attributes."""


# -- Textual ------------------------------------------------------------------------


def test_esc_digit_table_is_found_in_this_textual() -> None:
    from textual import _ansi_sequences

    assert compat.read_esc_digit_as_alt_digit() is True
    assert "\x1b1" not in _ansi_sequences.ANSI_SEQUENCES_KEYS


def test_esc_digit_without_the_table_is_a_no_op(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual import _ansi_sequences

    monkeypatch.delattr(_ansi_sequences, "ANSI_SEQUENCES_KEYS")
    assert compat.read_esc_digit_as_alt_digit() is False


def test_esc_del_is_alt_backspace_not_ctrl_w(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual import _ansi_sequences

    assert compat.read_esc_del_as_alt_backspace() is True
    assert [k.value for k in _ansi_sequences.ANSI_SEQUENCES_KEYS["\x1b\x7f"]] == ["alt+backspace"]
    monkeypatch.delattr(_ansi_sequences, "ANSI_SEQUENCES_KEYS")
    assert compat.read_esc_del_as_alt_backspace() is False


def test_style_cache_real_stylesheet_and_fallback(tmp_path: Any) -> None:
    from textual.css.stylesheet import Stylesheet

    sheet = Stylesheet(variables={"primary": "#123456"})
    assert compat.parse_cache(sheet) is not None
    assert compat.stylesheet_variables(sheet) == {"primary": "#123456"}
    # without the private parts: no cache file, nothing loaded, nothing to save
    assert compat.parse_cache(Bare()) is None and compat.stylesheet_variables(Bare()) is None
    assert css_cache.cache_file(tmp_path, Bare()) is None
    assert css_cache.load(Bare(), tmp_path / "x.pickle") == set()
    assert css_cache.snapshot(Bare(), set()) is None


def test_paint_now_without_a_compositor_says_it_did_not_draw() -> None:
    widget = types.SimpleNamespace(screen=types.SimpleNamespace(is_current=True), app=types.SimpleNamespace(_batch_count=0))
    assert compat.paint_widget_now(widget) is False
    assert compat.paint_widget_now(Bare()) is False


async def test_text_area_key_forwards_to_the_parent_handler_or_to_nothing() -> None:
    seen: list[str] = []

    class Parent:
        async def _on_key(self, event: str) -> None:
            seen.append(event)

    class Child(Parent):
        pass

    class Orphan:
        pass

    await compat.text_area_key(Child, Child(), "a")
    await compat.text_area_key(Orphan, Orphan(), "b")  # a Textual without _on_key: nothing to forward to
    assert seen == ["a"]


def test_text_area_still_has_the_key_handler_we_extend() -> None:
    from textual.widgets import TextArea

    assert callable(getattr(TextArea, "_on_key", None))


def test_anchor_released_real_widget_and_fallback() -> None:
    from textual.widget import Widget

    widget = Widget()
    assert compat.anchor_released(widget) is False
    widget.release_anchor()
    assert compat.anchor_released(widget) is True
    scrolled_up = types.SimpleNamespace(scroll_y=3, max_scroll_y=10)
    at_bottom = types.SimpleNamespace(scroll_y=10, max_scroll_y=10)
    assert compat.anchor_released(scrolled_up) is True
    assert compat.anchor_released(at_bottom) is False
    assert compat.anchor_released(Bare()) is False


async def test_tab_underline_real_tabs_and_fallback() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Tab, Tabs

    class TabsApp(App[None]):
        def compose(self) -> ComposeResult:
            yield Tabs(Tab("first", id="a"), Tab("second", id="b"))

    assert callable(getattr(Tabs, "_highlight_active", None))
    app = TabsApp()
    async with app.run_test() as pilot:
        tabs = app.query_one(Tabs)
        tabs.active = "b"
        await pilot.pause()
        assert compat.highlight_active_tab(tabs) is True
    assert compat.highlight_active_tab(Bare()) is False


# -- claude-agent-sdk ---------------------------------------------------------------


def test_client_pid_from_the_transport_or_none() -> None:
    client = types.SimpleNamespace(_transport=types.SimpleNamespace(_process=types.SimpleNamespace(pid=4242)))
    assert compat.sdk_client_pid(client) == 4242
    assert compat.sdk_client_pid(Bare()) is None
    assert compat.sdk_client_pid(None) is None


def test_sdk_client_still_keeps_its_transport_where_we_look() -> None:
    from claude_agent_sdk import ClaudeSDKClient

    client = ClaudeSDKClient()
    assert hasattr(client, "_transport")


def test_tracked_pids_from_the_sdk_or_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    name = "claude_agent_sdk._internal.transport.subprocess_cli"
    running = types.SimpleNamespace(pid=101, returncode=None)
    ended = types.SimpleNamespace(pid=102, returncode=0)
    monkeypatch.setitem(sys.modules, name, types.SimpleNamespace(_ACTIVE_CHILDREN=[running, ended]))
    assert compat.sdk_tracked_cli_pids() == {101}
    monkeypatch.setitem(sys.modules, name, types.SimpleNamespace())  # renamed
    assert compat.sdk_tracked_cli_pids() == set()
    monkeypatch.setitem(sys.modules, name, types.SimpleNamespace(_ACTIVE_CHILDREN=42))  # changed shape
    assert compat.sdk_tracked_cli_pids() == set()
    monkeypatch.delitem(sys.modules, name)  # never imported
    assert compat.sdk_tracked_cli_pids() == set()


def test_the_sdk_still_tracks_children_where_we_look() -> None:
    import importlib

    module = importlib.import_module("claude_agent_sdk._internal.transport.subprocess_cli")
    assert hasattr(module, "_ACTIVE_CHILDREN")


def test_bundled_cli_is_found_and_falls_back_to_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    import importlib.util
    import os

    found = compat.bundled_cli_path()
    assert found is not None and found.name == "claude" and "_bundled" in found.parts
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)  # a wheel without the bundle
    on_path = tmp_path / "claude"
    on_path.write_text("#!/bin/sh\n")
    on_path.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert compat.bundled_cli_path() == on_path
    monkeypatch.setenv("PATH", os.devnull)
    assert compat.bundled_cli_path() is None


def test_without_the_sdk_pid_the_connection_mark_finds_the_cli() -> None:
    """The overdue-kill watchdog still finds the CLI when the SDK's transport is renamed."""
    import os
    import subprocess

    from claude_tui.engine.connection import current_pid
    from claude_tui.engine.options import CONNECTION_ENV

    child = subprocess.Popen(["sleep", "30"], env={**os.environ, CONNECTION_ENV: "mark-123"})
    try:
        client_without_transport = Bare()
        assert current_pid(client_without_transport, "mark-123") == child.pid
        assert current_pid(client_without_transport, "another-mark") is None
        assert current_pid(None, "mark-123") is None  # no client: no connection to look for
    finally:
        child.kill()
        child.wait()


# -- the SDK's fork transform (store/forking.py) ------------------------------------------


def _fork_source() -> tuple[str, list[dict[str, Any]]]:
    sid = "11111111-2222-4333-8444-555555555555"
    entries = [
        {"type": "user", "uuid": "a1", "parentUuid": None, "sessionId": sid, "timestamp": "2026-01-01T00:00:00.000Z", "message": {"role": "user", "content": "hi"}},
        {"type": "assistant", "uuid": "a2", "parentUuid": "a1", "sessionId": sid, "timestamp": "2026-01-01T00:00:01.000Z", "message": {"id": "m", "role": "assistant", "content": [{"type": "text", "text": "hello"}]}},
        {"type": "last-prompt", "lastPrompt": "hi", "sessionId": sid},
    ]
    return sid, entries


def test_sdk_fork_lines_real_part_and_the_public_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from claude_agent_sdk._internal import session_mutations

    from claude_tui.store.forking import _transform

    sid, entries = _fork_source()
    made = compat.sdk_fork_lines(entries, sid, "t (fork)")
    assert made is not None
    fork_id, lines = made
    parsed = [json.loads(line) for line in lines]
    assert fork_id != sid and [p["type"] for p in parsed] == ["user", "assistant", "custom-title"]
    assert {p["sessionId"] for p in parsed} == {fork_id} and parsed[-1]["customTitle"] == "t (fork)"
    # A module without the private parts (the public function keeps its own):
    # None, and the store's fork goes through the public one.
    import claude_agent_sdk._internal as internal

    bare = types.ModuleType(session_mutations.__name__)
    monkeypatch.setitem(sys.modules, session_mutations.__name__, bare)
    monkeypatch.setattr(internal, "session_mutations", bare)
    assert compat.sdk_fork_lines(entries, sid, "t (fork)") is None
    fork_id, items = _transform(entries, sid, "t (fork)")
    assert [entry["type"] for entry, _ in items] == ["user", "assistant", "custom-title"]
    assert all(json.loads(raw) == entry for entry, raw in items)


def test_terminal_write_goes_to_the_driver_or_says_it_could_not() -> None:
    written: list[str] = []

    class Driver:
        def write(self, data: str) -> None:
            written.append(data)

    class App:
        _driver = Driver()

    class Bare:
        pass

    assert compat.write_to_terminal(App(), "\x1b]9;hi\x07") is True and written == ["\x1b]9;hi\x07"]
    assert compat.write_to_terminal(Bare(), "x") is False


def test_textual_app_still_has_the_driver_we_write_to() -> None:
    from textual.app import App

    assert "_driver" in vars(App()) and callable(getattr(__import__("textual.driver", fromlist=["Driver"]).Driver, "write", None))
