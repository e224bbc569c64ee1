"""Where typing goes: opening a session ends in its prompt, and a key never
goes to a widget the user cannot see.

A prompt typed after switching to a session once landed in the sidebar's
filter (the focus had stayed there) and Enter sent nothing. Two rules keep
that from happening again:
  * ``focus_opened``: however a session comes to the front (sidebar Enter or
    click, the palette, alt+digit, ctrl+pageup/down, a tab click), its prompt
    takes the focus, unless the focus is in that pane already (a fold of its
    conversation, say).
  * ``rescue_hidden_focus``: before a key is handed out, a focused widget
    that is out of sight (a sidebar hidden while its filter had the focus)
    gives the focus to the prompt on screen, so the key reaches it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.screen import Screen

    from .widgets.session_pane import SessionPane


def focus_opened(screen: Screen[Any], pane: SessionPane) -> None:
    """``pane``'s session came to the front: its prompt gets the focus."""
    focused = screen.focused
    if focused is not None and pane in focused.ancestors_with_self and _visible(focused):
        return
    pane.prompt.focus()


def _visible(widget: Any) -> bool:
    """Whether ``widget`` is shown on its screen (every ancestor displayed, some area)."""
    if not all(node.display for node in widget.ancestors_with_self if hasattr(node, "display")):
        return False
    return bool(widget.region.area)


def rescue_hidden_focus(screen: Screen[Any], prompt: Any | None) -> bool:
    """The focus is on a widget out of sight: move it to ``prompt`` (the prompt
    of the session on screen). True when it moved."""
    focused = screen.focused
    if focused is None or prompt is None or focused is prompt or _visible(focused):
        return False
    screen.set_focus(prompt)  # at once: ``focus()`` would move it after this key is handed out
    return True
