"""Slash commands: what the prompt completes after "/", and which of them are the app's own.

The CLI reports its commands twice: by name in the init message of every turn
(``slash_commands``) and with descriptions in its initialize answer
(``get_server_info()``, sent by the engine as ``CommandsKnown`` after each
connect). ``SlashCatalog`` keeps what any session's CLI reported (they share
one installation), the descriptions once known. A command typed in the prompt
goes to the CLI as the prompt text itself ("/compact"), as the CLI expects,
except the app's own (``APP_COMMANDS``), which run the palette's actions:
``/rename`` is "Rename session", ``/fork`` "Fork session" and so on.

``SlashCompleter`` offers the matches in the prompt's completion menu (the
one ``@path`` uses: ``widgets/completion_menu.py``) while "/name" is typed at
the prompt's start; a name typed whole closes it, so Enter sends. ``app.py``
runs an app command (``run_app_command``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import ClaudeTUI
    from .widgets.prompt import PromptArea

MENU_MAX = 8  # matches shown at once
NOTE_MAX = 56  # a description's first line, cut to this (the CLI's run to paragraphs)
MENU_CHROME = 8  # the menu's border, padding and scroll bar, in columns


@dataclass(frozen=True)
class SlashEntry:
    """One completion: ``name`` without the slash; ``own`` for the app's commands."""

    name: str
    description: str = ""
    argument_hint: str = ""
    own: bool = False

    @property
    def summary(self) -> str:
        """The description's first line, or where it comes from."""
        first = self.description.strip().splitlines()[0] if self.description.strip() else ""
        return first or ("claude-tui" if self.own else "Claude Code command")


@dataclass(frozen=True)
class AppCommand:
    """An app command: the action it runs and what the menu says about it."""

    action: str  # an ``action_*`` of the app, run through ``run_action``
    description: str
    palette: str  # the palette command of the same action, named in messages


APP_COMMANDS: dict[str, AppCommand] = {
    "rename": AppCommand("rename_session", "Rename this session (claude-tui; \"/rename TITLE\" at once)", "Rename session"),
    "fork": AppCommand("fork_session", "Fork this session: a copy with the same history (claude-tui)", "Fork session"),
    "export": AppCommand("export_session", "Export this session to Markdown or JSON (claude-tui)", "Export session"),
    "pin": AppCommand("pin_session", "Pin or unpin this session (claude-tui)", "Pin session"),
    "archive": AppCommand("archive_session", "Archive or unarchive this session (claude-tui)", "Archive session"),
    "tag": AppCommand("tag_session", "Tag this session (claude-tui)", "Tag session"),
    "copy": AppCommand("copy_last_reply", "Copy Claude's last reply to the clipboard (claude-tui)", "Copy last reply"),
    "delete": AppCommand("delete_session", "Delete this session, asking first (claude-tui)", "Delete session"),
}


class SlashCatalog:
    """Every command known so far: the app's own and what the CLIs reported."""

    def __init__(self) -> None:
        self._cli: dict[str, SlashEntry] = {}
        self.on_change: Any = None  # called when commands were learnt (the open menu lists them)

    def heard(self, event: Any) -> None:
        """A live-side listener: takes the commands out of ``SessionStarted`` / ``CommandsKnown``."""
        kind = type(event).__name__
        if kind == "SessionStarted":
            before = len(self._cli)
            self.add_names(getattr(event, "slash_commands", ()))
            learnt = len(self._cli) != before
        elif kind == "CommandsKnown":
            for command in event.commands:
                if not command.name.startswith("__"):  # the CLI's internal ones
                    self._cli[command.name] = SlashEntry(command.name, command.description, command.argument_hint)
            learnt = True
        else:
            return
        if learnt and self.on_change is not None:
            self.on_change()

    def add_names(self, names: Any) -> None:
        """Names without descriptions (the init message); a known description stays."""
        for name in names:
            if isinstance(name, str) and name and not name.startswith("__") and name not in self._cli:
                self._cli[name] = SlashEntry(name)

    @property
    def cli_names(self) -> list[str]:
        return sorted(self._cli)

    def entries(self) -> list[SlashEntry]:
        """The app's own first where a CLI command has the same name (it is the one that runs)."""
        own = {name: SlashEntry(name, c.description, own=True) for name, c in APP_COMMANDS.items()}
        return [*own.values(), *(e for n, e in self._cli.items() if n not in own)]

    def matches(self, text: str) -> list[SlashEntry]:
        """Completions for the prompt's ``text`` ("/co" …): names starting with what
        follows the slash, then names containing it; none once a space was typed."""
        if not text.startswith("/") or any(ch.isspace() for ch in text):
            return []
        typed = text[1:].lower()
        entries = sorted(self.entries(), key=lambda e: e.name)
        first = [e for e in entries if e.name.lower().startswith(typed)]
        then = [e for e in entries if typed and typed in e.name.lower() and e not in first]
        return first + then


class SlashCompleter:
    """Fills the prompt's completion menu from ``catalog`` while "/name" is typed."""

    def __init__(self, catalog: SlashCatalog) -> None:
        self.catalog = catalog

    def changed(self, prompt: PromptArea) -> bool:
        """Offer what fits the prompt's text; False when it is no slash command being
        typed (the ``@path`` completion then has its turn)."""
        from .literal import safe_line
        from .widgets.completion_menu import Choice

        menu = prompt.menu
        text = prompt.text
        if menu is None or not prompt.has_focus or not text.startswith("/") or any(ch.isspace() for ch in text):
            return False
        if prompt.cursor_location != (0, len(text)):
            return False
        entries = self.catalog.matches(text)[:MENU_MAX]
        if not entries or any(e.name == text[1:] for e in entries):
            menu.close()  # nothing fits, or the name is whole: Enter sends it
            return True
        width = max(len(e.name) for e in entries) + 1
        room = prompt.size.width - width - MENU_CHROME
        most = max(8, min(NOTE_MAX, room)) if room > 0 else NOTE_MAX
        choices = []
        for entry in entries:
            note = safe_line(entry.summary)
            if len(note) > most:
                note = note[: most - 1] + "…"
            label = safe_line(f"/{entry.name}").ljust(width)
            choices.append(Choice(label=label, insert=f"/{entry.name} ", row=0, start=0, note=note))
        menu.offer(choices)
        return True


def parse(text: str) -> tuple[str, str] | None:
    """``("rename", "new title")`` when ``text`` is an app command, else None."""
    stripped = text.strip()
    if not stripped.startswith("/"):
        return None
    name, _, rest = stripped[1:].partition(" ")
    if name not in APP_COMMANDS:
        return None
    return name, rest.strip()


async def run_app_command(app: ClaudeTUI, name: str, argument: str) -> None:
    """Run the app command ``name`` as its palette action; a missing action is said, not silent."""
    from .literal import safe_line

    command = APP_COMMANDS[name]
    if name == "rename" and argument:
        rows = app.session_actions.targets()
        if not rows:
            app.notify("No session to rename: send a first prompt, then /rename.", title="/rename", severity="warning", markup=False)
            return
        await app.session_actions.apply_rename(rows[0], argument)
        return
    if not callable(getattr(app, f"action_{command.action}", None)):
        app.notify(
            safe_line(f"/{name} is not available in this version of claude-tui (no \"{command.palette}\" action)."),
            title=f"/{name}",
            severity="warning",
            markup=False,
        )
        return
    await app.run_action(command.action)


__all__ = ["APP_COMMANDS", "MENU_MAX", "AppCommand", "SlashCatalog", "SlashCompleter", "SlashEntry", "parse", "run_app_command"]
