"""Attach context files: a path field above a directory tree rooted at the session's folder.

Keys: typing filters the tree (a fuzzy match on each entry's path relative to
the root: the letters in order); Enter on a typed path (relative to the root,
absolute or ``~/...``) attaches that file at once; down moves into the tree,
where space marks rows and Enter attaches the marked ones (or the row under
the cursor); ctrl+h shows or hides dot files; Escape closes. Folders load
when opened, so ``node_modules`` and other ignored folders stay collapsed
but reachable. Built on Textual's ``DirectoryTree`` (kept with Textual, lazy
loading, mouse and keyboard); only which entries show and the marks are ours.

Dismisses with the chosen paths (absolute), or None.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Input, Static

from ..literal import literal_line, safe_line


def fuzzy_match(needle: str, haystack: str) -> bool:
    """The letters of ``needle`` appear in ``haystack`` in order (case-insensitive)."""
    if not needle:
        return True
    it = iter(haystack.lower())
    return all(ch in it for ch in needle.lower() if not ch.isspace())


def resolve_file(text: str, root: Path) -> Path | None:
    """The path typed, relative to ``root`` unless absolute or ``~``; None when empty."""
    text = text.strip()
    if not text:
        return None
    path = Path(text).expanduser()
    return path if path.is_absolute() else root / path


class PickerTree(DirectoryTree):
    """A ``DirectoryTree`` with a fuzzy filter, a hidden-files switch and marks."""

    BINDINGS = [Binding("space", "mark", "Mark", show=False)]

    def __init__(self, root: Path, *, id: str | None = None) -> None:
        super().__init__(root, id=id)
        self.root_path = root
        self.filter_text = ""
        self.show_hidden = False
        self.marked: list[Path] = []

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        shown = []
        for path in paths:
            if not self.show_hidden and path.name.startswith("."):
                continue
            if self.filter_text:
                try:
                    is_dir = path.is_dir()
                except OSError:
                    is_dir = False
                if not is_dir:
                    try:
                        rel = str(path.relative_to(self.root_path))
                    except ValueError:
                        rel = str(path)
                    if not fuzzy_match(self.filter_text, rel):
                        continue
            shown.append(path)
        return shown

    def render_label(self, node, base_style, style):  # type: ignore[no-untyped-def, override]
        label = super().render_label(node, base_style, style)
        data = node.data
        if data is not None and Path(data.path) in self.marked:
            from rich.text import Text

            return Text.assemble(("✓ ", "bold"), label)
        return label

    def action_mark(self) -> None:
        node = self.cursor_node
        if node is None or node.data is None:
            return
        path = Path(node.data.path)
        if path.is_dir():
            return
        if path in self.marked:
            self.marked.remove(path)
        else:
            self.marked.append(path)
        self.screen.query_one("#picker-status", Static).update(f"{len(self.marked)} marked")
        self.refresh()


class FilePickerScreen(ModalScreen[list[Path] | None]):
    BINDINGS = [
        Binding("escape", "dismiss_none", "Close", show=False),
        Binding("ctrl+h", "toggle_hidden", "Hidden files", show=False),
        Binding("down", "to_tree", "Tree", show=False),
    ]

    def __init__(self, root: Path, label: str | None = None) -> None:
        """``label``: how the root is named above the field (default: its path)."""
        super().__init__()
        self.root = root
        self.label = label if label is not None else str(root)

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            yield Static(Content.assemble(("Attach context files", "bold")), classes="modal-title")
            yield Static(Content.assemble(("in ", "dim"), literal_line(self.label)), classes="modal-subtitle")
            yield Input(placeholder="type to filter, or a path (relative, absolute, ~/...) and Enter", id="picker-input")
            yield PickerTree(self.root, id="picker-tree")
            yield Static("", id="picker-status")
            yield Static(
                "Enter attaches · space marks · down: the tree · ctrl+h hidden files · Escape closes",
                classes="modal-hint",
            )

    @property
    def tree(self) -> PickerTree:
        return self.query_one(PickerTree)

    def _say(self, text: str) -> None:
        self.query_one("#picker-status", Static).update(literal_line(text))

    @on(Input.Changed, "#picker-input")
    def _changed(self, event: Input.Changed) -> None:
        tree = self.tree
        typed = event.value.strip()
        # A path with a folder part filters on the whole relative path.
        if typed != tree.filter_text:
            tree.filter_text = typed if not typed.startswith(("/", "~")) else ""
            tree.reload()

    @on(Input.Submitted, "#picker-input")
    def _submitted(self, event: Input.Submitted) -> None:
        path = resolve_file(event.value, self.root)
        if path is not None and path.exists() and not path.is_dir():
            self.dismiss([path])
            return
        if path is not None and (path.is_symlink() or path.name and not self.tree.marked):
            # Not a file to attach: say why, naming it (a broken link, a folder, a typo).
            shown = safe_line(event.value.strip())
            if path.is_dir():
                self._say(f"{shown} is a folder: type a file, or pick files in the tree")
            elif path.is_symlink():
                self._say(f"{shown} is a broken link")
            else:
                self._say(f"{shown} does not exist (filtering the tree: press down to pick)")
            return
        self._attach_marked()

    @on(DirectoryTree.FileSelected, "#picker-tree")
    def _file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        tree = self.tree
        if not tree.marked:
            self.dismiss([Path(event.path)])
            return
        self._attach_marked()

    def _attach_marked(self) -> None:
        marked = list(self.tree.marked)
        if not marked:
            self._say("nothing marked: space marks files in the tree")
            return
        self.dismiss(marked)

    def action_toggle_hidden(self) -> None:
        tree = self.tree
        tree.show_hidden = not tree.show_hidden
        tree.reload()
        self._say("dot files shown" if tree.show_hidden else "dot files hidden")

    def action_to_tree(self) -> None:
        self.tree.focus()

    def action_dismiss_none(self) -> None:
        self.dismiss(None)

    def on_mount(self) -> None:
        self.query_one("#picker-input", Input).focus()
