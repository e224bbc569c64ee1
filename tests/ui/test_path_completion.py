"""``@path`` in the prompt: the word, the choices, and (through the REAL CLI and the
fake Messages API) a file chosen after ``@`` is attached and reaches Claude."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from claude_tui.path_completion import AtWord, at_word, path_choices
from claude_tui.widgets.completion_menu import CompletionMenu
from tests.fakes.anthropic_api import FakeAnthropicAPI
from tests.fakes.cli_env import CliEnv
from tests.ui.fixtures import wait_until
from tests.ui.test_live import WAIT_S, live_app, ready, turn_done  # noqa: F401
from tests.ui.test_panels_live import request_for

MARK = "MARKER-of-main-py-77"


def test_at_word_is_the_word_ending_at_the_cursor() -> None:
    assert at_word("look at @src/ma", 0, 15) == AtWord(0, 8, "src/ma")
    assert at_word("@", 2, 1) == AtWord(2, 0, "")
    assert at_word("look at @src/ma more", 0, 15) == AtWord(0, 8, "src/ma")
    assert at_word("mail me@host", 0, 12) is None  # not at a word's start
    assert at_word("look at @src/ma", 0, 12) is None  # the cursor inside the word
    assert at_word("no at sign", 0, 10) is None


def test_choices_folders_first_then_files_prefix_before_contains(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.py").write_text("x")
    (tmp_path / "src" / "domain.py").write_text("x")
    (tmp_path / "src" / "maps").mkdir()
    (tmp_path / ".hidden").write_text("x")
    (tmp_path / "setup.cfg").write_text("x")
    top = path_choices(tmp_path, AtWord(0, 4, "s"))
    assert [c.label for c in top] == ["src/", "setup.cfg"]
    assert top[0].value is None and top[0].insert == "@src/"
    assert top[1].value == str(tmp_path / "setup.cfg") and top[1].insert == "@setup.cfg "
    inner = path_choices(tmp_path, AtWord(0, 4, "src/ma"))
    assert [c.label for c in inner] == ["src/maps/", "src/main.py", "src/domain.py"]
    assert all(c.row == 0 and c.start == 4 for c in inner)
    assert [c.label for c in path_choices(tmp_path, AtWord(0, 0, ".h"))] == [".hidden"]
    assert path_choices(tmp_path, AtWord(0, 0, "nowhere/x")) == []  # an unreadable folder: nothing


async def test_at_path_completes_attaches_and_the_file_reaches_claude(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]  # noqa: F811
) -> None:
    src = Path(cli_env.cwd) / "src"
    src.mkdir()
    (src / "main.py").write_text(f"print('{MARK}')\n")
    (src / "other.txt").write_text("other\n")
    app = live_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        prompt = app.pane_for_view(app.current_view).prompt
        menu = prompt.menu
        assert isinstance(menu, CompletionMenu)
        await pilot.press(*"explain @sr")
        await wait_until(pilot, lambda: menu.is_open and [c.label for c in menu.choices] == ["src/"], what="menu")
        await pilot.press("tab")  # a folder narrows
        assert prompt.text == "explain @src/"
        await wait_until(pilot, lambda: menu.is_open and len(menu.choices) == 2, what="folder listed")
        assert [c.label for c in menu.choices] == ["src/main.py", "src/other.txt"]
        await pilot.press("enter")  # a file: chosen, not sent
        assert prompt.text == "explain @src/main.py "
        assert not menu.display
        await wait_until(pilot, lambda: "main.py" in app.panels.side.context.plain, WAIT_S, "attached")
        assert not fake_api.message_requests
        await pilot.press("enter")  # the menu is closed: now Enter sends
        await turn_done(pilot)
        assert MARK in request_for(fake_api, "explain @src/main.py")


async def test_escape_closes_the_menu_and_keeps_the_text(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]  # noqa: F811
) -> None:
    (Path(cli_env.cwd) / "notes.md").write_text("n\n")
    app = live_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        prompt = app.pane_for_view(app.current_view).prompt
        menu = prompt.menu
        assert isinstance(menu, CompletionMenu)
        await pilot.press(*"@no")
        await wait_until(pilot, lambda: menu.is_open, what="menu")
        await pilot.press("escape")
        assert not menu.display and prompt.text == "@no"
        assert app.screen.focused is prompt
