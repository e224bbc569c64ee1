"""Every key of the app in one table: the bindings, their help lines and how they are shown.

Each binding has an id, the name a user writes in the config's ``[keymap]``
to move it; the help screen, the key bar, the draft's hint and the welcome
read keys from here after the keymap, so none of them shows a default that
was remapped. Also here: the terminal fix that lets alt+digit reach the app.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from textual.binding import Binding, BindingType

from . import compat

if TYPE_CHECKING:
    from textual.app import App

# Priority bindings: these keys act wherever focus is, including the prompt
# and filter boxes (whose own ctrl+w / ctrl+f word deletion they override).
APP_BINDINGS: list[BindingType] = [
    Binding("ctrl+n", "new_draft", "New", id="new_session", priority=True),
    Binding("ctrl+w", "close_session", "Close", id="close_session", priority=True),
    Binding("ctrl+b", "toggle_sidebar", "Sidebar", id="toggle_sidebar", priority=True),
    Binding("ctrl+f", "focus_filter", "Filter", show=False, id="focus_filter", priority=True),
    Binding("f7", "narrow_sidebar", "Narrow sidebar", show=False, id="narrow_sidebar", priority=True),
    Binding("f8", "widen_sidebar", "Widen sidebar", show=False, id="widen_sidebar", priority=True),
    Binding("ctrl+pageup", "prev_session", "Previous session", show=False, id="prev_session", priority=True),
    Binding("ctrl+pagedown", "next_session", "Next session", show=False, id="next_session", priority=True),
    *(
        Binding(f"alt+{n}", f"goto_session({n})", f"Session {n}", show=False, id=f"goto_session_{n}", priority=True)
        for n in range(1, 10)
    ),
    Binding("escape", "interrupt", "Interrupt", id="interrupt"),
    Binding("ctrl+r", "retry", "Retry", id="retry", priority=True),
    Binding("ctrl+t", "permission_mode", "Mode", id="permission_mode", priority=True),
    Binding("ctrl+o", "change_directory", "Directory", id="change_directory", priority=True),
    Binding("f2", "rename_session", "Rename", show=False, id="rename_session", priority=True),
    Binding("alt+p", "pin_session", "Pin", show=False, id="pin_session", priority=True),
    Binding("alt+a", "archive_session", "Archive", show=False, id="archive_session", priority=True),
    Binding("alt+n", "next_attention", "Next attention", show=False, id="next_attention", priority=True),
    Binding("alt+c", "copy_last_reply", "Copy reply", show=False, id="copy_last_reply", priority=True),
    Binding("alt+o", "open_in_claude", "Claude Code", show=False, id="open_in_claude", priority=True),
    Binding("alt+d", "fork_session", "Fork", show=False, id="fork_session", priority=True),
    Binding("alt+m", "fork_from_message", "Fork from message", show=False, id="fork_from_message", priority=True),
    Binding("alt+u", "open_parent_session", "Parent", show=False, id="open_parent_session", priority=True),
    Binding("ctrl+l", "login", "Log in", show=False, id="login", priority=True),
    Binding("f3", "attach_context", "Attach", show=False, id="attach_context", priority=True),
    Binding("f4", "edit_timeouts", "Timeouts", show=False, id="edit_timeouts", priority=True),
    Binding("f6", "change_model", "Model", show=False, id="change_model", priority=True),
    Binding("f9", "toggle_panels", "Panels", show=False, id="toggle_panels", priority=True),
    Binding("f1", "help", "Help", id="help", priority=True),
    Binding("ctrl+p", "command_palette", "Palette", show=False, id="command_palette", priority=True),
    Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
]

# The main screen's: tab and shift+tab get ids here (Textual's own Screen
# bindings for them have none, so a keymap could not move them).
SCREEN_BINDINGS: list[BindingType] = [
    Binding("tab", "app.focus_next", "Focus next", show=False, id="focus_next"),
    Binding("shift+tab", "app.focus_previous", "Focus previous", show=False, id="focus_previous"),
]

SESSION_ACTION_IDS = frozenset(
    {
        "rename_session", "pin_session", "archive_session", "delete_session", "copy_last_reply", "open_in_claude",
        "fork_session", "fork_from_message", "open_parent_session", "next_attention",
    }
)
"""The session actions' keys (session_actions.py): only on the main screen, never under a dialog."""

# The Context panel's row list (widgets/panels/context.py).
PANEL_BINDINGS: list[BindingType] = [
    Binding("delete", "remove", "Remove", show=False, id="remove_context_file"),
]

PALETTE_ONLY = frozenset({"session_note"})
"""Help rows of actions that have no key, only a command-palette command."""

GOTO_IDS = [f"goto_session_{n}" for n in range(1, 10)]

KEY_HELP: list[tuple[str, str]] = [
    ("new_session", "New session (draft)"),
    ("focus_next", "Focus next area"),
    ("focus_previous", "Focus previous area"),
    ("prev_session", "Previous open session"),
    ("next_session", "Next open session"),
    *((f"goto_session_{n}", f"Open session number {n}") for n in range(1, 10)),
    ("next_attention", "Next session needing attention (oldest first)"),
    ("close_session", "Close the session (it stays in the list)"),
    ("interrupt", "Interrupt Claude's reply"),
    ("retry", "Send the last prompt again (failed turn)"),
    ("permission_mode", "Permission mode of the session"),
    ("change_directory", "Change the directory of a new session"),
    ("rename_session", "Rename the session (sidebar: the highlighted one)"),
    ("pin_session", "Pin or unpin the session (or the marked ones)"),
    ("archive_session", "Archive or unarchive the session (or marked)"),
    ("mark_session", "Sidebar: mark a session, for actions on several"),
    ("delete_session", "Sidebar: delete the session(s), asking first"),
    ("copy_last_reply", "Copy Claude's last reply (to the clipboard)"),
    ("open_in_claude", "Open the session in Claude Code (back on exit)"),
    ("fork_session", "Fork the session: a new one with its history"),
    ("fork_from_message", "Fork from a user message (focused, or a list)"),
    ("open_parent_session", "Open the session a fork was made from"),
    ("session_note", "Session note: a short note, found by the filter"),
    ("toggle_panels", "Show or hide the side panels"),
    ("attach_context", "Attach context files (picker)"),
    ("remove_context_file", "Remove context file (Context panel row)"),
    ("edit_timeouts", "Edit timeouts of the session"),
    ("change_model", "Change model of the session"),
    ("toggle_sidebar", "Show or hide the sidebar"),
    ("narrow_sidebar", "Narrow the sidebar (the width is kept)"),
    ("widen_sidebar", "Widen the sidebar (the width is kept)"),
    ("focus_filter", "Filter sessions (titles and text)"),
    ("login", "Log in to Claude (its own login)"),
    ("command_palette", "Command palette (switch session, theme ...)"),
    ("help", "This help"),
    ("quit", "Quit"),
]
"""The help screen's rows: binding id and what it does, in the order shown."""


def alt_digits_are_keys() -> None:
    """Let the terminal's alt+1 … alt+9 reach the app as those keys.

    Most terminals (xterm, GNOME Terminal, tmux …) send alt+digit as ESC
    followed by the digit. Textual reads those sequences as the characters
    macOS's Option key types (ESC 1 is "¡", ESC 2 "™" …, for WezTerm on a
    Mac), so the goto_session bindings never fired and "¡" landed in the
    prompt. Without the table entries, Textual's parser reports ESC + digit
    as alt+digit. A "¡" typed as a character still arrives as "¡".
    """
    compat.read_esc_digit_as_alt_digit()
    compat.read_esc_del_as_alt_backspace()  # not ctrl+w ("Close session"): a word deleted in the prompt


def _default_keys(binding_id: str) -> str | None:
    from .widgets.session_list import SessionList

    for binding in (*APP_BINDINGS, *SCREEN_BINDINGS, *SessionList.BINDINGS, *PANEL_BINDINGS):
        if isinstance(binding, Binding) and binding.id == binding_id:
            return binding.key
    return None


def key_for(app: App[object], binding_id: str, keymap: dict[str, str] | None = None) -> str:
    """The keys bound to ``binding_id`` after the keymap (the one the app set,
    its ``active_keymap``, unless ``keymap`` is given), for display: "^n", "alt+1, f5" …"""
    if keymap is None:
        keymap = getattr(app, "active_keymap", {})
    keys = keymap.get(binding_id)
    if keys is None:
        keys = _default_keys(binding_id)
    if not keys:
        return ""
    return ", ".join(app.get_key_display(Binding(k.strip(), "")) for k in keys.split(","))


def key_rows(app: App[object]) -> Iterator[tuple[str, str, str]]:
    """(keys as shown, description, binding id) for every documented binding.

    The nine "open session number n" keys share one row while they keep
    their default alt+1..alt+9 pattern.
    """
    collapse = all(key_for(app, g) == key_for(app, g, keymap={}) for g in GOTO_IDS)
    for binding_id, description in KEY_HELP:
        if collapse and binding_id in GOTO_IDS:
            if binding_id == GOTO_IDS[0]:
                yield (
                    f"{key_for(app, GOTO_IDS[0])} … {key_for(app, GOTO_IDS[-1])}",
                    "Open session number 1 … 9",
                    "goto_session_1 … _9",
                )
            continue
        if binding_id in PALETTE_ONLY:
            yield "palette", description, "(no key)"
            continue
        yield key_for(app, binding_id), description, binding_id


def clash_notice(clashed: Iterable[Binding]) -> str:
    """What the config warning says when the keymap put two bindings on one key."""
    names = ", ".join(sorted(b.id or b.action for b in clashed))
    return f"[keymap] clash: {names} share a key"
