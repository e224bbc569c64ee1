"""Keys: binding ids, keymap overrides, open-session navigation, help screen."""

from __future__ import annotations

from pathlib import Path

from claude_tui.screens.help import HelpScreen
from tests.ui.fixtures import (
    browsing,
    build_store,
    browse_transcripts,
    long_transcript,
    make_app,
    markup_transcript,
    open_and_settle,
    screen_text,
    settle,
    turn_transcript,
    wait_until,
)


async def test_keymap_override_moves_a_binding(tmp_path: Path) -> None:
    await build_store(tmp_path / "sessions.db", browse_transcripts())
    app = make_app(tmp_path, keymap={"toggle_sidebar": "ctrl+s", "help": "f2"})
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.sidebar.display and not app.sidebar.has_class("-hidden")
        await pilot.press("ctrl+b")  # the default key no longer toggles
        await pilot.pause()
        assert not app.sidebar.has_class("-hidden")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.sidebar.has_class("-hidden")
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = {binding_id: keys for keys, _, binding_id in app.key_rows()}
        assert rows["toggle_sidebar"] == "^s"
        assert rows["help"] == "f2"
        assert "^s" in screen_text(app)


async def test_open_session_navigation(tmp_path: Path) -> None:
    async with browsing(tmp_path) as (app, pilot):
        # On launch a draft for the current directory is open, its prompt focused.
        assert [v.key for v in app.open_views] == [None]
        assert app.focused is app.pane_for_view(app.current_view).prompt
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert app.open_views == []
        keys = [turn_transcript().key, markup_transcript().key, long_transcript().key]
        for key in keys:
            await open_and_settle(pilot, key)
        assert [v.key for v in app.open_views] == keys
        assert app.current_view.key == keys[2]
        await pilot.press("ctrl+pageup")
        assert app.current_view.key == keys[1]
        await pilot.press("ctrl+pagedown", "ctrl+pagedown")
        assert app.current_view.key == keys[0]  # wraps around
        await pilot.press("alt+3")
        assert app.current_view.key == keys[2]
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert [v.key for v in app.open_views] == keys[:2]
        assert app.current_view.key == keys[1]
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.current_view.key is None and len(app.open_views) == 3
        assert app.focused is app.pane_for_view(app.current_view).prompt
        # shift+enter is a line break (Enter would send).
        await pilot.press("h", "i", "shift+enter", "x")
        assert app.pane_for_view(app.current_view).prompt.text == "hi\nx"
        await pilot.press("ctrl+w", "ctrl+w", "ctrl+w", "ctrl+w")  # the draft's text: asked, then closed
        await pilot.pause()
        assert app.open_views == [] and app.current_view is None
        assert app.query_one("#views").current == "welcome"


async def test_reopening_an_open_session_switches_to_it(tmp_path: Path) -> None:
    async with browsing(tmp_path) as (app, pilot):
        await open_and_settle(pilot, turn_transcript().key)
        await open_and_settle(pilot, markup_transcript().key)
        await open_and_settle(pilot, turn_transcript().key)
        assert [v.key for v in app.open_views] == [None, turn_transcript().key, markup_transcript().key]
        assert app.current_view.key == turn_transcript().key


async def test_mouse_click_opens_a_session(tmp_path: Path) -> None:
    async with browsing(tmp_path) as (app, pilot):
        listing = app.session_list
        row = next(i for i, r in enumerate(listing.rows) if getattr(r, "key", None) == turn_transcript().key)
        y = listing._starts[row]
        await pilot.click(listing, offset=(5, y))
        await pilot.pause()
        from tests.ui.fixtures import wait_until

        await wait_until(pilot, lambda: app.view_for(turn_transcript().key) is not None, what="opened")


async def test_narrow_layout_hides_the_sidebar_when_a_session_opens(tmp_path: Path) -> None:
    await build_store(tmp_path / "sessions.db", browse_transcripts())
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.has_class("-narrow")
        assert app.sidebar.region.width > 0
        await open_and_settle(pilot, turn_transcript().key)
        assert app.sidebar.region.width == 0
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert app.sidebar.region.width > 0


async def test_resume_opens_the_session_at_start(tmp_path: Path) -> None:
    from tests.ui.fixtures import wait_until

    await build_store(tmp_path / "sessions.db", browse_transcripts())
    key = turn_transcript().key
    app = make_app(tmp_path, resume=key)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: app.current_view is not None, what="resumed")
        assert app.current_view.key == key
        assert "read notes.txt and list the files here" in app.sub_title


async def test_help_fits_a_narrow_terminal(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        text = screen_text(app)
        assert "shift+tab" in text and "focus_previous" in text
        line = next(l for l in text.splitlines() if "shift+tab" in l)
        assert "Focus previous area" in line


async def test_switching_sessions_keeps_typing_in_the_one_on_screen(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        first = app.current_view
        await pilot.press("ctrl+n")
        await pilot.pause()
        second = app.current_view
        await pilot.press("ctrl+pageup")
        await pilot.pause()
        assert app.current_view is first
        await pilot.press(*"hello")
        assert app.pane_for_view(first).prompt.text == "hello"
        await pilot.press("ctrl+pagedown", *"there")
        assert app.pane_for_view(second).prompt.text == "there"
        app.session_list.focus()
        await pilot.pause()
        await pilot.press("ctrl+pageup")  # from the sidebar too: typing goes to the session's prompt
        await pilot.pause()
        assert app.focused is app.pane_for_view(first).prompt


async def test_typing_in_the_conversation_goes_to_the_prompt(tmp_path: Path) -> None:
    from textual import events

    async with browsing(tmp_path) as (app, pilot):
        key = turn_transcript().key
        await open_and_settle(pilot, key)
        pane = app.pane_for(key)
        assert app.focused is pane.prompt  # opening a session focuses its prompt (test_focus.py)
        pane.chat.focus()
        await pilot.pause()
        await pilot.press("h", "i", "space", "!")
        await pilot.pause()
        assert app.focused is pane.prompt and pane.prompt.text == "hi !"
        # Keys that arrive before focus has moved (a fast typist, a paste) keep their spaces.
        pane.prompt.clear()
        pane.chat.focus()
        await pilot.pause()
        for character in "ok go on":
            app.post_message(events.Key("space" if character == " " else character, character))
        await wait_until(pilot, lambda: len(pane.prompt.text) == len("ok go on"), what="all typed")
        assert pane.prompt.text == "ok go on" and app.focused is pane.prompt


async def test_tab_moves_between_prompt_and_sidebar(tmp_path: Path) -> None:
    async with browsing(tmp_path) as (app, pilot):
        key = turn_transcript().key  # a turn with thinking and tool blocks (focusable folds)
        await open_and_settle(pilot, key)
        pane = app.pane_for(key)
        pane.prompt.focus()
        await pilot.press("tab")
        assert app.focused is app.session_list
        await pilot.press("tab")
        assert app.focused is pane.prompt
        await pilot.press("shift+tab")
        assert app.focused is pane.chat
        await pilot.press("shift+tab")  # from the conversation: Textual's order (here the sidebar)
        assert app.focused is not pane.prompt
        app.sidebar.filter_input.focus()
        await pilot.press("shift+tab")
        assert app.focused is pane.prompt


def test_alt_digit_as_a_terminal_sends_it_is_the_session_key(tmp_path: Path) -> None:
    """xterm, GNOME Terminal and tmux send alt+2 as ESC 2; Textual alone reads that as "™"."""
    from textual._xterm_parser import XTermParser

    make_app(tmp_path)  # the app makes Textual's parser read ESC + digit as alt+digit
    parser = XTermParser()
    keys = [*parser.feed("\x1b2"), *parser.feed("")]  # "" ends the input: no wait for more
    assert [k.key for k in keys] == ["alt+2"]
    assert [k.key for k in [*XTermParser().feed("¡x")]] == ["inverted_exclamation_mark", "x"]  # typed as text


async def test_help_lists_the_palette_commands_too(tmp_path: Path) -> None:
    """Actions without a key ("Move project", "Session note", "Settings" ...) are on the help screen."""
    async with browsing(tmp_path) as (app, pilot):
        await open_and_settle(pilot, turn_transcript().key)  # a stored session: its commands apply
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        text = str(app.screen.query_one("#help-commands").render())
        for name in ("Settings", "Move project", "Session note", "Export session", "Fork session", "Next needing attention", "Toggle panels"):
            assert name in text, name


async def test_closing_a_session_with_unsent_text_asks_first(tmp_path: Path) -> None:
    """Seen in tmux: alt+backspace (ESC DEL, read as ctrl+w) closed a draft and its text."""
    from textual import _ansi_sequences

    async with browsing(tmp_path) as (app, pilot):
        assert [k.value for k in _ansi_sequences.ANSI_SEQUENCES_KEYS["\x1b\x7f"]] == ["alt+backspace"]
        view = app.current_view
        prompt = app.pane_for_view(view).prompt
        prompt.focus()
        await pilot.press(*"half a prompt")
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert app.current_view is view and prompt.text == "half a prompt"
        assert any("unsent text" in n.message for n in app._notifications)
        await pilot.press("ctrl+w")
        await wait_until(pilot, lambda: view not in app.open_views, what="closed on the second ^w")
