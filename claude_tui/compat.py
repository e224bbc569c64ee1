"""Every use of a non-public part of Textual or claude-agent-sdk, in one place.

claude-tui reaches into a few private parts of its two big dependencies,
each for a measured speed-up or a fix that has no public hook. They are all
here, so an upgrade is checked in one file, and each has a fallback that
keeps the app working when the private part is gone or renamed (losing at
most the speed-up or the fix). ``tests/test_compat.py`` takes each private
part away and checks its fallback.

Nothing here imports Textual or the SDK at module level: the engine (which
never uses Textual) imports this module too, and start-up stays lazy.

| private part | used for | fallback |
|---|---|---|
| ``textual._ansi_sequences.ANSI_SEQUENCES_KEYS`` | ESC + digit read as alt+digit; ESC + DEL as alt+backspace (not ctrl+w) | alt+digit works only where the terminal sends it as a key; alt+backspace closes the session as ctrl+w does (asking first when the prompt has text) |
| ``Stylesheet._parse_cache``, ``Stylesheet._variables`` | parsed styles kept between runs | CSS parsed on every start |
| ``Screen._compositor``, ``Screen._compositor_refresh`` | a typed key drawn ahead of the next layout | the key is drawn with the next frame |
| ``TextArea._on_key`` (Textual's docs extend TextArea this way) | the prompt's own keys before the text area's | the prompt's keys still run; a renamed text-area handler runs through Textual's own dispatch |
| ``Tabs._highlight_active`` | the tab underline moved under the active tab when other tabs widen | the underline follows at the next tab change |
| ``App._driver.write`` (as Textual's own ``copy_to_clipboard`` and ``bell`` do) | a desktop notification escape (OSC 9 / OSC 777) | no desktop notification; the in-app one still shows |
| ``Widget._anchor_released`` | "is the reader following the bottom" | the scroll position says it |
| ``ClaudeSDKClient._transport._process`` | the CLI's pid, for the overdue-kill watchdog | the pid is found by its connection's mark in the CLI's environment (``CLAUDE_TUI_CONNECTION``) |
| ``subprocess_cli._ACTIVE_CHILDREN`` | CLIs the SDK still tracks, killed at quit | our own records and the owner mark find them |
| ``session_mutations._build_fork_lines``, ``_TRANSCRIPT_TYPES`` | a fork's lines as the SDK writes them, stored as they are (the public ``fork_session_via_store`` parses each back into an object: a third of a 5,000-message fork's time) | the public ``fork_session_via_store`` over the entries in memory |
| ``claude_agent_sdk/_bundled/claude`` | the CLI the SDK runs, for login, ``--where`` and the pass-through | ``claude`` on PATH, as the SDK itself falls back to |
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

# -- Textual ------------------------------------------------------------------------


def read_esc_digit_as_alt_digit() -> bool:
    """Let a terminal's alt+1 … alt+9 (sent as ESC + digit) reach the app as those keys.

    Textual's sequence table maps ESC + digit to the characters macOS's
    Option key types ("¡", "™" …), so alt+digit bindings never fire from
    xterm, GNOME Terminal or tmux. Without those entries Textual's parser
    reports ESC + digit as alt+digit. True if the table was found.
    """
    try:
        from textual import _ansi_sequences

        table = _ansi_sequences.ANSI_SEQUENCES_KEYS
        for digit in "123456789":
            table.pop(f"\x1b{digit}", None)
    except Exception:  # noqa: BLE001 - another Textual: alt+digit works where the terminal sends it as a key
        return False
    return True


def read_esc_del_as_alt_backspace() -> bool:
    """Let a terminal's alt+backspace (sent as ESC + DEL) reach the app as alt+backspace.

    Textual's sequence table reads ESC + DEL as ctrl+w: in claude-tui that is
    "Close session", so deleting a word in the prompt closed the session (a
    draft with its text). The entry now names alt+backspace, which the text
    areas bind to "delete the word before" (without any entry the parser
    reports escape, then backspace).
    True if the table was found.
    """
    try:
        from types import SimpleNamespace

        from textual import _ansi_sequences

        table = _ansi_sequences.ANSI_SEQUENCES_KEYS
        if "\x1b\x7f" in table:
            # The table's values are tuples of ``Keys`` members; the parser reads their ``value``.
            table["\x1b\x7f"] = (SimpleNamespace(value="alt+backspace"),)
    except Exception:  # noqa: BLE001 - another Textual: alt+backspace may close the session there
        return False
    return True


def parse_cache(stylesheet: Any) -> Any | None:
    """The stylesheet's cache of parsed CSS (an LRU with ``keys``, ``set``,
    ``maxsize`` and item access), or None on a Textual without it."""
    cache = getattr(stylesheet, "_parse_cache", None)
    needed = ("keys", "set", "maxsize", "__getitem__")
    return cache if cache is not None and all(hasattr(cache, name) for name in needed) else None


def stylesheet_variables(stylesheet: Any) -> dict[str, str] | None:
    """The theme variables the stylesheet parses with, or None if not found."""
    variables = getattr(stylesheet, "_variables", None)
    return dict(variables) if isinstance(variables, dict) else None


def paint_widget_now(widget: Any) -> bool:
    """Draw ``widget``'s cells now at the place the last layout gave it.

    Uses the screen's compositor directly; False (nothing drawn, the next
    frame draws it) when the widget is not on screen, an update batch is open,
    or this Textual has no such compositor.
    """
    try:
        screen = widget.screen
        if widget.app._batch_count or not screen.is_current:
            return False
        compositor = screen._compositor
        if widget not in compositor.visible_widgets:
            return False
        compositor.update_widgets({widget})
        screen._compositor_refresh()
    except AttributeError:
        return False
    return True


async def text_area_key(cls: type, widget: Any, event: Any) -> None:
    """Run the key handler of ``cls``'s parent classes (TextArea's ``_on_key``)
    for ``widget``: the insert, delete and move a key does in a text area.

    Textual's docs show overriding ``_on_key`` as the way to extend TextArea.
    If a later Textual handles keys elsewhere, there is nothing to forward to:
    its own handler runs through normal dispatch.
    """
    handler = getattr(super(cls, widget), "_on_key", None)
    if handler is not None:
        await handler(event)


def highlight_active_tab(tabs: Any) -> bool:
    """Move a ``Tabs``' underline under its active tab now (no slide).

    Textual moves it when the active tab changes or is relabelled, not when a
    tab before it widens and pushes it along. False when this Textual has no
    such method (the underline catches up at the next tab change).
    """
    highlight = getattr(tabs, "_highlight_active", None)
    if not callable(highlight):
        return False
    try:
        highlight(animate=False)
    except Exception:  # noqa: BLE001 - another Textual's signature: the underline catches up later
        return False
    return True


def anchor_released(widget: Any) -> bool:
    """Whether the reader scrolled an anchored widget away from its bottom."""
    released = getattr(widget, "_anchor_released", None)
    if isinstance(released, bool):
        return released
    try:
        return widget.scroll_y < widget.max_scroll_y
    except AttributeError:
        return False


def write_to_terminal(app: Any, data: str) -> bool:
    """Write ``data`` (an escape sequence) straight to the terminal, as Textual's
    ``copy_to_clipboard`` does; False when there is no driver to write to (headless
    has one that drops it) or this Textual keeps it elsewhere."""
    driver = getattr(app, "_driver", None)
    write = getattr(driver, "write", None)
    if not callable(write):
        return False
    try:
        write(data)
    except Exception:  # noqa: BLE001 - a closing terminal: the in-app notification suffices
        return False
    return True


# -- claude-agent-sdk ---------------------------------------------------------------


def sdk_client_pid(client: Any) -> int | None:
    """The pid of the CLI a connected ``ClaudeSDKClient`` runs, or None."""
    transport = getattr(client, "_transport", None) if client is not None else None
    pid = getattr(getattr(transport, "_process", None), "pid", None)
    return pid if isinstance(pid, int) else None


def sdk_tracked_cli_pids() -> set[int]:
    """Pids of CLI processes the SDK still tracks as running (it only SIGTERMs
    them at exit). Never imports the SDK just for this; empty if not found."""
    module = sys.modules.get("claude_agent_sdk._internal.transport.subprocess_cli")
    pids: set[int] = set()
    try:
        for proc in list(getattr(module, "_ACTIVE_CHILDREN", ())):
            pid = getattr(proc, "pid", None)
            if isinstance(pid, int) and getattr(proc, "returncode", None) is None:
                pids.add(pid)
    except Exception:  # noqa: BLE001 - SDK changed: the other sources suffice
        return set()
    return pids


def sdk_fork_lines(entries: list[Any], session_id: str, title: str) -> tuple[str, list[str]] | None:
    """The SDK's own fork of ``entries`` (new id, fresh uuids, ``forkedFrom``,
    the title line) as the compact JSON lines it makes: (the fork's id, lines).

    The same partition of entries as ``fork_session_via_store`` makes before
    calling it. None when the private parts are gone or changed shape; the
    SDK's ``ValueError`` (nothing to fork) goes to the caller.
    """
    try:
        from claude_agent_sdk._internal import session_mutations as mutations

        build = mutations._build_fork_lines
        kinds = mutations._TRANSCRIPT_TYPES
    except (ImportError, AttributeError):
        return None
    transcript: list[dict[str, Any]] = []
    replacements: list[Any] = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        kind = entry.get("type")
        if kind in kinds and isinstance(entry.get("uuid"), str):
            transcript.append(entry)
        elif kind == "content-replacement" and entry.get("sessionId") == session_id and isinstance(entry.get("replacements"), list):
            replacements.extend(entry["replacements"])
    try:
        made = build(transcript, replacements, session_id, None, title, lambda: None)
    except TypeError:
        return None  # another signature
    if not (isinstance(made, tuple) and len(made) == 2 and isinstance(made[0], str) and isinstance(made[1], list)):
        return None
    return made


def bundled_cli_path() -> Path | None:
    """The Claude Code executable inside the SDK's wheel (the one the SDK runs),
    found without importing the SDK; else ``claude`` on PATH; else None."""
    import importlib.util
    import shutil

    name = "claude.exe" if sys.platform == "win32" else "claude"
    try:
        spec = importlib.util.find_spec("claude_agent_sdk")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin:
        bundled = Path(spec.origin).parent / "_bundled" / name
        if bundled.is_file():
            return bundled
    found = shutil.which("claude")
    return Path(found) if found else None
