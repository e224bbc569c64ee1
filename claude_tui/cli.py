"""The ``claude-tui`` command: the TUI by default, plus scripting subcommands.

Exit codes: 0 ok, 1 runtime failure, 2 bad input. Every failure is one clear
line on stderr naming the thing and what to do, never a traceback. Scripting
commands import neither Textual nor claude_agent_sdk unless they need them,
so they start fast.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from . import __version__, paths
from .config import DEFAULT_CONFIG_TEXT, ConfigError, LoadedSettings, load_settings
from .literal import safe_line, safe_text
from .logs import setup_logging
from .words import plural

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2


class CliError(Exception):
    """A failure to report on one line; ``code`` is the exit status."""

    def __init__(self, message: str, code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.code = code


DESCRIPTION = """\
claude-tui: browse, search, resume and run Claude Code sessions from a
keyboard-driven terminal app. Without a command it opens the app.

Sessions live in a local SQLite store (the archive and index), or in a
PostgreSQL store shared by several machines (--store-url); Claude Code's
own transcripts in $CLAUDE_CONFIG_DIR (default ~/.claude) are imported into
it incrementally, by the app at start-up or by `claude-tui import`.
"""

EPILOG = """\
environment:
  CLAUDE_TUI_DB       database file (overridden by --db)
  CLAUDE_TUI_STORE_URL  postgresql:// URL of a shared store (overridden by --store-url, --db)
  CLAUDE_TUI_CONFIG   config file (overridden by --config)
  CLAUDE_TUI_LOG      log file (default: claude-tui.log in the user state dir)
  CLAUDE_CONFIG_DIR   Claude Code's folder to import from (default ~/.claude)

log file: {log_file}
  errors and warnings ([ui] log_level in the config); everything with --debug

Claude Code by hand: its CLI is inside claude-agent-sdk, not on PATH.
  claude-tui claude ARGS...   runs it with ARGS (e.g. `claude-tui claude auth login`,
                              `claude-tui claude auth status`); its exit status is ours
  claude-tui --where          prints the CLI, database, config, log and Claude config dir

exit status: 0 ok, 1 runtime failure, 2 bad input (unknown session, bad
file, bad option).
"""


def _global_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # On subcommands the defaults are SUPPRESS so a value given before the
    # subcommand is not reset by the subparser.
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--db", metavar="PATH", default=default,
        help="database file (default: $CLAUDE_TUI_DB, else the user data dir)",
    )
    parser.add_argument(
        "--store-url", metavar="URL", default=default,
        help="a shared store on PostgreSQL, postgresql://user@host/db (default: $CLAUDE_TUI_STORE_URL,"
        " else [store] url; none: the SQLite file)",
    )
    parser.add_argument(
        "--config", metavar="PATH", default=default,
        help="config file (default: $CLAUDE_TUI_CONFIG, else the user config dir)",
    )
    parser.add_argument(
        "--debug", action="store_true", default=False if top else argparse.SUPPRESS,
        help="log in detail (debug level) to the log file named at the end of claude-tui --help",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claude-tui",
        description=DESCRIPTION,
        epilog=EPILOG.format(log_file=paths.log_path()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"claude-tui {__version__}")
    parser.add_argument(
        "--where", action="store_true",
        help="print where the Claude Code CLI, database, config, log and Claude config dir are",
    )
    _global_options(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        _global_options(p, top=False)
        return p

    add("tui", "open the app (the default when no command is given)")
    p = add("resume", "open the app on session ID")
    p.add_argument("id", metavar="ID", help="session id or a unique prefix (8+ characters)")

    p = add("import", "import Claude Code transcripts into the store (incremental)")
    p.add_argument(
        "--from", dest="source", metavar="DIR",
        help="Claude Code folder holding projects/ (default: $CLAUDE_CONFIG_DIR, else ~/.claude)",
    )

    p = add("ls", "list sessions, newest first")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.add_argument("--search", metavar="WORDS", help="only sessions whose text or title has every word")
    p.add_argument("--project", metavar="DIR", help="only sessions whose working directory is DIR")
    p.add_argument("--limit", metavar="N", type=_positive_int, help="at most N sessions")

    p = add("show", "print a session's conversation")
    p.add_argument("id", metavar="ID", help="session id or a unique prefix (8+ characters)")

    p = add("export", "export a session as Markdown or JSON")
    p.add_argument("id", metavar="ID", help="session id or a unique prefix (8+ characters)")
    p.add_argument("--format", choices=("markdown", "json"), default="markdown")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (refuses to overwrite)")

    p = add("rm", "delete a session from the store (and Claude Code's local copy)")
    p.add_argument("id", metavar="ID", help="session id or a unique prefix (8+ characters)")
    p.add_argument("--yes", action="store_true", help="do not ask")
    p.add_argument(
        "--keep-local", action="store_true",
        help="keep Claude Code's own transcript file in ~/.claude",
    )

    p = sub.add_parser(
        "claude", help="run Claude Code's own CLI (the one the sessions use) with the arguments after it",
        description="Run Claude Code's CLI with ARGS, e.g. `claude-tui claude auth login`.",
    )
    p.add_argument("claude_args", nargs=argparse.REMAINDER, metavar="ARGS")

    p = add("store", "work on whole stores: `store copy --from A --to B` copies every session")
    store_sub = p.add_subparsers(dest="store_command", metavar="ACTION", required=True)
    c = store_sub.add_parser(
        "copy", help="copy every session from one store to another (idempotent, resumable)",
        description="Copy every session between stores: each side an SQLite file or a postgresql:// URL."
        " Run it again to resume or to bring over what is new.",
    )
    c.add_argument("--from", dest="copy_from", metavar="URL_OR_PATH", required=True)
    c.add_argument("--to", dest="copy_to", metavar="URL_OR_PATH", required=True)

    p = add("rename", "set a session's title")
    p.add_argument("id", metavar="ID", help="session id or a unique prefix (8+ characters)")
    p.add_argument("title", metavar="TITLE", help="the new title")

    p = add("mv-project", "re-home the sessions of a moved or renamed project folder")
    p.add_argument("old", metavar="OLD", help="the folder the sessions ran in (it may be gone)")
    p.add_argument("new", metavar="NEW", help="the folder the project is in now (must exist)")
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


@dataclass
class Context:
    args: argparse.Namespace
    db_path: Path
    loaded: LoadedSettings
    store_url: str | None = None

    @property
    def store_location(self) -> str | Path:
        """The store to open: the PostgreSQL URL if one is chosen, else the SQLite file."""
        return self.store_url or self.db_path


def _load_config(flag: str | None) -> LoadedSettings:
    path, explicit = paths.config_path(flag)
    if not explicit and not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(DEFAULT_CONFIG_TEXT, encoding="utf-8")
        except OSError:
            pass  # a read-only home still runs on defaults
    try:
        loaded = load_settings(path, must_exist=explicit)
    except ConfigError as exc:
        raise CliError(str(exc)) from None
    for warning in loaded.warnings:
        print(f"claude-tui: warning: {warning}", file=sys.stderr)
    return loaded


async def _open_store(ctx: Context) -> Any:
    from .store import StoreError
    from .store.select import open_store

    try:
        return await open_store(ctx.store_location, progress=_print_upgrade)
    except StoreError as exc:
        raise CliError(str(exc)) from None


def _print_upgrade(step: Any) -> None:
    """A long schema upgrade says where it is (on stderr: stdout stays the command's)."""
    end = "\n" if step.done >= step.total else "\r"
    text = f"claude-tui: upgrading the database to schema {step.version}: {step.step} {step.done:,} of {step.total:,}"
    print(text, end=end, file=sys.stderr, flush=True)


async def _resolve(store: Any, text: str) -> Any:
    """The one session ``text`` names: a full id or a unique prefix of 8+ characters."""
    rows = await store.find_sessions(text)
    if not rows:
        if len(text.strip()) < 8:
            raise CliError(f"session id {text!r} is too short: give the full id or 8+ characters")
        raise CliError(f"no session matches {text!r}; `claude-tui ls` lists them")
    if len(rows) > 1:
        listing = "\n".join(f"  {r.session_id}  {safe_line(r.display_title)}" for r in rows)
        raise CliError(f"{text!r} matches {len(rows)} sessions; give more characters:\n{listing}")
    return rows[0]


# -- commands -------------------------------------------------------------------


async def cmd_import(ctx: Context) -> int:
    from .store.importer import ImportProgress, import_transcripts

    source = ctx.args.source
    if source is not None:
        root = Path(source).expanduser()
        if not root.is_dir():
            raise CliError(f"--from {root}: no such folder")
        if not (root / "projects").is_dir() and root.name == "projects":
            root = root.parent
        if not (root / "projects").is_dir():
            raise CliError(f"--from {root}: no projects/ folder inside; point it at Claude Code's folder")
    else:
        root = paths.claude_config_dir()
        if not (root / "projects").is_dir():
            print(f"Nothing to import: {root / 'projects'} does not exist.")
            return EXIT_OK
    tty = sys.stderr.isatty()

    def progress(p: ImportProgress) -> None:
        if tty and (p.files_done % 50 == 0 or p.files_done == p.files_total):
            print(f"\rImporting {p.files_done}/{p.files_total} files", end="", file=sys.stderr)

    store = await _open_store(ctx)
    try:
        report = await import_transcripts(store, root, progress=progress)
    finally:
        await store.close()
    if tty and report.files_seen:
        print(file=sys.stderr)
    for error in report.errors:
        print(f"claude-tui: {safe_line(error)}", file=sys.stderr)
    print(
        f"Imported {plural(report.entries_added, 'entry')} from {plural(report.files_read, 'changed file')}"
        f" ({report.files_seen} seen, {plural(len(report.sessions), 'session')} updated)"
        + (f"; skipped {plural(report.bad_lines, 'line')} that {'was' if report.bad_lines == 1 else 'were'} not JSON" if report.bad_lines else "")
        + "."
    )
    return EXIT_FAILURE if report.errors else EXIT_OK


async def cmd_ls(ctx: Context) -> int:
    args = ctx.args
    cwd = None
    if args.project is not None:
        cwd = os.path.realpath(os.path.abspath(os.path.expanduser(args.project)))
    store = await _open_store(ctx)
    try:
        if args.json:
            # SQLite builds each object (at 100,000 sessions many times faster
            # than Python objects plus json.dumps), written as they come.
            await store.write_sessions_json(sys.stdout, search=args.search, cwd=cwd, limit=args.limit)
            sys.stdout.write("\n")
        else:
            rows = await store.sessions(search=args.search, cwd=cwd, limit=args.limit)
    finally:
        await store.close()
    if args.json:
        return EXIT_OK
    if not rows:
        print("No sessions." if not (args.search or args.project) else "No matching sessions.")
        return EXIT_OK
    for r in rows:
        when = (r.updated_at or "")[:16].replace("T", " ")
        pin = "*" if r.pinned else " "
        print(f"{r.session_id[:8]}{pin} {when:16}  {r.message_count:>5}  {safe_line(r.display_title)}")
        print(f"{'':10}{safe_line(r.cwd or '?')}" + (f"  ({safe_line(r.git_branch)})" if r.git_branch else ""))
    return EXIT_OK


async def _session_and_entries(ctx: Context) -> tuple[Any, list[dict[str, Any]]]:
    store = await _open_store(ctx)
    try:
        row = await _resolve(store, ctx.args.id)
        entries = await store.load({"project_key": row.project_key, "session_id": row.session_id})
    finally:
        await store.close()
    return row, entries or []


async def cmd_show(ctx: Context) -> int:
    from .export import to_text

    row, entries = await _session_and_entries(ctx)
    sys.stdout.write(safe_text(to_text(row, entries)))
    return EXIT_OK


async def cmd_export(ctx: Context) -> int:
    from .export import to_json, to_markdown

    row, entries = await _session_and_entries(ctx)
    text = to_markdown(row, entries) if ctx.args.format == "markdown" else to_json(row, entries)
    if ctx.args.output is None:
        sys.stdout.write(safe_text(text) if sys.stdout.isatty() else text)
        return EXIT_OK
    target = Path(ctx.args.output).expanduser()
    try:
        with open(target, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise CliError(f"{target} exists; not overwriting it. Choose another -o FILE.") from None
    except OSError as exc:
        raise CliError(f"cannot write {target}: {exc.strerror or exc}", EXIT_FAILURE) from None
    print(f"Wrote {target}")
    return EXIT_OK


async def cmd_rm(ctx: Context) -> int:
    from .deletion import delete_from_store

    store = await _open_store(ctx)
    try:
        row = await _resolve(store, ctx.args.id)
        if not ctx.args.yes:
            if not sys.stdin.isatty():
                raise CliError("rm needs --yes when not run on a terminal")
            answer = input(
                f"Delete session {row.session_id} ({safe_line(row.display_title)})? [y/N] "
            )
            if answer.strip().lower() not in ("y", "yes"):
                print("Kept.")
                return EXIT_OK
        await delete_from_store(store, row)
    finally:
        await store.close()
    print(f"Deleted {row.session_id} from the store.")
    if not ctx.args.keep_local:
        return _delete_local(row)
    return EXIT_OK


def _delete_local(row: Any) -> int:
    """Remove Claude Code's own copy, so `claude --resume` no longer offers it."""
    from .deletion import delete_local

    outcome = delete_local(row.session_id, row.cwd)
    if outcome.failed:
        print(f"claude-tui: {outcome.message}", file=sys.stderr)
        return EXIT_FAILURE
    print(outcome.message)
    return EXIT_OK


async def cmd_rename(ctx: Context) -> int:
    title = " ".join(ctx.args.title.split())
    if not title:
        raise CliError("the title is empty")
    store = await _open_store(ctx)
    try:
        row = await _resolve(store, ctx.args.id)
        await store.update_session(row.project_key, row.session_id, custom_title=title)
    finally:
        await store.close()
    print(f"Renamed {row.session_id} to {safe_line(title)}")
    return EXIT_OK


async def cmd_mv_project(ctx: Context) -> int:
    from .relocation import check_new_folder, describe, move_sessions, project_keys_of

    new, problem = check_new_folder(ctx.args.new, Path.cwd())
    if new is None:
        raise CliError(problem)
    store = await _open_store(ctx)
    try:
        keys = await project_keys_of(store, ctx.args.old)
        if not keys:
            raise CliError(f"no stored session ran in {ctx.args.old} (`claude-tui ls` shows each one's folder)")
        config_dir = paths.claude_config_dir()
        for key in keys:
            report = await move_sessions(store, key, new, config_dir)
            print(safe_line(describe(report, ctx.args.old)))
    finally:
        await store.close()
    return EXIT_OK


async def _resume_target(ctx: Context) -> tuple[str, str]:
    store = await _open_store(ctx)
    try:
        row = await _resolve(store, ctx.args.id)
    finally:
        await store.close()
    return row.project_key, row.session_id


def run_tui(ctx: Context, resume: tuple[str, str] | None) -> int:
    # Start-up allocates a great deal (Textual, the CSS, the first screen) and
    # frees little, so the collector's passes then are pure cost: about 20 ms
    # of the first frame. The app turns it back on once that frame is painted
    # (ClaudeTUI._first_frame_painted).
    gc.disable()
    from .app import ClaudeTUI

    config_file, _ = paths.config_path(ctx.args.config)
    app = ClaudeTUI(
        db_path=ctx.db_path,
        store_url=ctx.store_url,
        loaded=ctx.loaded,
        config_path=config_file,
        claude_config_dir=paths.claude_config_dir(),
        resume=resume,
        style_cache=paths.cache_dir(),
    )
    app.run()
    return int(app.return_code or 0)


async def cmd_store(ctx: Context) -> int:
    from .cli_store import StoreCommandError, copy_command
    from .store import StoreError

    try:
        return await copy_command(ctx.args.copy_from, ctx.args.copy_to)
    except (StoreError, StoreCommandError) as exc:
        raise CliError(str(exc)) from None


COMMANDS: dict[str, Callable[[Context], Awaitable[int]]] = {
    "store": cmd_store,
    "import": cmd_import,
    "ls": cmd_ls,
    "show": cmd_show,
    "export": cmd_export,
    "rm": cmd_rm,
    "rename": cmd_rename,
    "mv-project": cmd_mv_project,
}


def _start_logging(loaded: LoadedSettings, debug: bool, command: str) -> None:
    """The log file for this run (see ``logs``); a run without one still works."""
    if setup_logging(loaded.settings.ui.log_level, debug) is not None:
        logging.getLogger("claude_tui").info("claude-tui %s: %s (pid %d)", __version__, command, os.getpid())


def _claude(args: list[str]) -> int:
    """``claude-tui claude ARGS``: the sessions' CLI run by hand."""
    from .cli_claude import run_claude, session_cli

    try:
        loaded = _load_config(None)
    except CliError as exc:
        _fail(str(exc), exc.code)
    return run_claude(session_cli(loaded.settings.claude.cli_path), args)


def _store_url(args: argparse.Namespace, loaded: LoadedSettings) -> str | None:
    """The PostgreSQL store chosen by flag, environment or config (None: SQLite)."""
    from .store.select import StoreChoiceError, store_url

    try:
        return store_url(getattr(args, "store_url", None), getattr(args, "db", None), loaded.settings.store.url)
    except StoreChoiceError as exc:
        raise CliError(str(exc)) from None


def _fail(message: str, code: int) -> NoReturn:
    print(f"claude-tui: {message}", file=sys.stderr)
    raise SystemExit(code)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["claude"]:  # everything after it is Claude Code's, even --help
        return _claude(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        loaded = _load_config(args.config)
        ctx = Context(args, paths.db_path(args.db, loaded.settings.store.db), loaded, _store_url(args, loaded))
        command = args.command or "tui"
        if args.where:
            from .cli_claude import session_cli, where_lines

            config_file, _ = paths.config_path(args.config)
            cli = session_cli(loaded.settings.claude.cli_path)
            from .store.select import describe

            print("\n".join(where_lines(cli=cli, db=describe(ctx.store_location), config=config_file)))
            return EXIT_OK
        if command == "claude":
            return _claude(list(args.claude_args))
        _start_logging(loaded, args.debug, command)
        if command in ("tui", "resume"):
            resume = asyncio.run(_resume_target(ctx)) if command == "resume" else None
            return run_tui(ctx, resume)
        return asyncio.run(COMMANDS[command](ctx))
    except CliError as exc:
        _fail(str(exc), exc.code)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except BrokenPipeError:
        # `claude-tui ls | head`: the reader left; that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
