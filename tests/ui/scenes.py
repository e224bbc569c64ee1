"""The app states that snapshots and ``screenshots/make.py`` picture, as pilot steps.

Each scene names a terminal size, whether the store holds the browse fixture,
and the steps that lead from a settled start-up to the state.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from claude_tui.widgets.marker import Marker
from tests.ui.fixtures import (
    FIXED_NOW,
    MODEL,
    SHOP,
    browse_transcripts,
    long_transcript,
    markup_transcript,
    open_and_settle as open_and_focus_prompt,
    project_key,
    settle,
    sid,
    turn_transcript,
    wait_until,
)

Step = Callable[[Any], Awaitable[None]]


async def open_and_settle(pilot: Any, key: tuple[str, str], uuid: str | None = None) -> None:
    """Open a session and read it: the focus in its conversation (opening puts it
    in the prompt, focus.py; these scenes picture the reader who moved up)."""
    await open_and_focus_prompt(pilot, key, uuid)
    pane = pilot.app.pane_for(key)
    if pilot.app.focused is pane.prompt:
        pane.chat.focus()
        await pilot.pause()
WIDE = (120, 36)
NARROW = (80, 24)


async def all_markers(pilot: Any) -> None:
    keys = [t.key for t in browse_transcripts()]
    pilot.app.set_markers(
        {
            keys[1]: Marker.STREAMING,
            keys[2]: Marker.ERROR,
            keys[3]: Marker.QUEUED,
            keys[4]: Marker.UNREAD,
            keys[5]: Marker.NEEDS_PERMISSION,
        }
    )
    await pilot.pause()


async def filter_kiwi(pilot: Any) -> None:
    await pilot.press("ctrl+f")
    await pilot.press(*"kiwi")
    await wait_until(pilot, lambda: pilot.app.filter_done == "kiwi", what="filter applied")


async def open_turn(pilot: Any) -> None:
    await open_and_settle(pilot, turn_transcript().key)


async def expand_tools(pilot: Any) -> None:
    from claude_tui.widgets.thinking_block import ThinkingBlock
    from claude_tui.widgets.tool_block import ToolBlock

    await open_and_settle(pilot, turn_transcript().key)
    pane = pilot.app.pane_for(turn_transcript().key)
    tools = list(pane.query(ToolBlock))
    tools[0].collapsed = False
    tools[2].collapsed = False
    list(pane.query(ThinkingBlock))[0].collapsed = False
    await pilot.pause()
    pane.chat.scroll_home(animate=False)
    await pilot.pause()


async def open_markup(pilot: Any) -> None:
    await open_and_settle(pilot, markup_transcript().key)


async def open_hit(pilot: Any) -> None:
    app = pilot.app
    app.session_list.focus()
    await pilot.press(*"unicorn")
    await wait_until(pilot, lambda: app.filter_done == "unicorn", what="filter applied")
    await pilot.press("down", "down", "enter")
    await wait_until(pilot, lambda: app.view_for(long_transcript().key) is not None, what="opened")
    await settle_view(pilot)


async def show_help(pilot: Any) -> None:
    await pilot.press("f1")
    await pilot.pause()


async def palette(pilot: Any) -> None:
    from textual.command import CommandPalette

    app = pilot.app
    app.action_switch_session()
    await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), what="palette")
    await pilot.press(*"cart")
    screen = app.screen
    hits = screen.query_one("CommandList")

    def final_hits() -> bool:
        # The search for "c", "ca", ... may still be showing: wait for "cart"'s.
        return hits.option_count > 0 and all(
            "cart" in str(hits.get_option_at_index(i).prompt).lower() for i in range(hits.option_count)
        )

    await wait_until(pilot, final_hits, what="hits for 'cart'")
    await wait_until(pilot, lambda: not any(w.is_running for w in screen.workers), what="search done")
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


async def several_open(pilot: Any) -> None:
    await open_and_settle(pilot, long_transcript().key)
    await open_and_settle(pilot, turn_transcript().key)
    await pilot.press("ctrl+n")
    await pilot.pause()
    await pilot.press("alt+3")
    await settle_view(pilot)


async def settle_view(pilot: Any) -> None:
    """Wait until workers are done and animations have run, so the picture is stable.

    (Not ``fixtures.settle``, which ``Scene.run_before`` uses for start-up.)"""
    app = pilot.app
    await wait_until(pilot, lambda: not any(w.is_running for w in app.workers), what="workers done")
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


# -- the live half: synthetic engine events, so the pictures are the same every run ----

FLAKY = (project_key(SHOP), sid(5))  # "fix the flaky checkout test"
CART = (project_key(SHOP), sid(6))  # "why is the cart total off by one cent?"
STARTED = FIXED_NOW.timestamp() - 600


def state(key: tuple[str, str], phase: str, **changes: Any) -> Any:
    from claude_tui.engine.state import Phase, SessionState

    return SessionState(
        session_id=key[1], project_key=key[0], cwd=SHOP, phase=Phase(phase), started_at=STARTED,
        messages=2, model=MODEL, **changes,
    )


async def feed(pilot: Any, key: tuple[str, str], *events: Any) -> None:
    """Hand ``events`` to the app as the engine would, and wait until they are drawn."""
    app = pilot.app
    for event in events:
        app.live.feed(event)
    await app.live.settled(app.view_for(key))
    await pilot.pause()


async def user_sends(pilot: Any, key: tuple[str, str], text: str) -> None:
    """What the controller does when a prompt goes out (without an engine)."""
    from claude_tui.engine.events import PromptSent, SessionStarted

    live = pilot.app.live.session_of(pilot.app.view_for(key))
    live.busy = live.sent = True
    live.last_prompt = text
    await live.renderer.user_prompt(text, FIXED_NOW)
    await feed(
        pilot, key,
        SessionStarted(key[1], SHOP, MODEL, "2.1.0", True),
        state_event(key, "streaming"),
        PromptSent(key[1], text),
    )


def state_event(key: tuple[str, str], phase: str, **changes: Any) -> Any:
    from claude_tui.engine.events import StateChanged

    return StateChanged(key[1], state(key, phase, **changes))


def deltas(kind: type, key: tuple[str, str], text: str, message_id: str = "msg_1", index: int = 0) -> list[Any]:
    import re

    return [kind(key[1], word, message_id, index) for word in re.findall(r"\s*\S+|\s+", text)]


async def turn_done(pilot: Any, key: tuple[str, str], result: Any) -> None:
    """The send's future resolved (what the controller hears after TurnCompleted)."""
    from claude_tui.live.inbox import TurnDone

    app = pilot.app
    app.live.post(app.view_for(key), TurnDone(result))
    await app.live.settled(app.view_for(key))
    await pilot.pause()


def turn_end(key: tuple[str, str], outcome: str, partial: str = "", **changes: Any) -> Any:
    from claude_tui.engine.events import TurnCompleted

    values: dict[str, Any] = dict(duration_s=4.2, input_tokens=1234, output_tokens=56, cost_usd=0.0123)
    values.update(changes)
    return TurnCompleted(key[1], outcome, partial_text=partial, **values)  # type: ignore[arg-type]


MID_STREAM_TEXT = (
    "The test is flaky because it waits on a real timer. I'll replace the sleep with a fake clock:\n\n"
    "```python\ndef test_checkout_total(fake_clock):\n    cart = Cart(clock=fake_clock)\n    cart.add"
)


async def reply_mid_stream(pilot: Any) -> None:
    from claude_tui.engine.events import TextDelta, ThinkingDelta, ToolResult, ToolUseInput, ToolUseStarted

    await open_and_settle(pilot, FLAKY)
    await user_sends(pilot, FLAKY, "make the checkout test deterministic")
    await feed(
        pilot, FLAKY,
        *deltas(ThinkingDelta, FLAKY, "The sleep(0.5) races the timer thread; a fake clock removes it."),
        ToolUseStarted(FLAKY[1], "toolu_1", "Read", "msg_1", 1),
        ToolUseInput(FLAKY[1], "toolu_1", "Read", {"file_path": f"{SHOP}/tests/test_checkout.py"}),
        ToolResult(FLAKY[1], "toolu_1", "def test_checkout_total():\n    time.sleep(0.5)\n"),
        *deltas(TextDelta, FLAKY, MID_STREAM_TEXT, "msg_2", 0),
    )
    await pilot.wait_for_scheduled_animations()


async def queued_prompt(pilot: Any) -> None:
    await reply_mid_stream(pilot)
    pilot.app.pane_for(FLAKY).prompt.focus()
    await pilot.press(*"also update the changelog")
    await pilot.press("enter")
    await wait_until(pilot, lambda: bool(pilot.app.pane_for(FLAKY).query("QueuedPrompt")), what="queued")
    await pilot.app.live.settled(pilot.app.view_for(FLAKY))
    await pilot.pause()


async def retry_and_error_inline(pilot: Any) -> None:
    from claude_tui.engine.events import ApiRetry, ErrorOccurred, TextDelta

    await open_and_settle(pilot, FLAKY)
    # A turn that got through after the API was overloaded twice.
    await user_sends(pilot, FLAKY, "run the checkout tests")
    await feed(
        pilot, FLAKY,
        ApiRetry(FLAKY[1], 1, 10, 0.6, 529, "overloaded_error"),
        ApiRetry(FLAKY[1], 2, 10, 1.2, 529, "overloaded_error"),
        *deltas(TextDelta, FLAKY, "All 12 checkout tests pass now."),
        done := turn_end(FLAKY, "completed", "All 12 checkout tests pass now."),
        state_event(FLAKY, "ready"),
    )
    await turn_done(pilot, FLAKY, done)
    # A turn the API refused for good: the error is said once, with "retry".
    await user_sends(pilot, FLAKY, "and the cart tests?")
    await feed(
        pilot, FLAKY,
        ApiRetry(FLAKY[1], 1, 2, 4.0, 529, "overloaded_error"),
        ApiRetry(FLAKY[1], 2, 2, 8.0, 529, "overloaded_error"),
        ErrorOccurred(FLAKY[1], "api", "API overloaded (529) after the CLI's retries; try again in a minute", True),
        done := turn_end(FLAKY, "error", is_error=True, api_error_status=529, input_tokens=None, output_tokens=None, cost_usd=None, duration_s=13.0),
        state_event(FLAKY, "ready"),
    )
    await turn_done(pilot, FLAKY, done)


async def interrupted_and_stalled_inline(pilot: Any) -> None:
    from claude_tui.engine.events import ErrorOccurred, TextDelta

    await open_and_settle(pilot, FLAKY)
    partial = "Let me look at every test in the suite, starting with"
    await user_sends(pilot, FLAKY, "review all the tests")
    await feed(
        pilot, FLAKY,
        *deltas(TextDelta, FLAKY, partial),
        state_event(FLAKY, "interrupting"),
        done := turn_end(FLAKY, "interrupted", partial, duration_s=2.5, input_tokens=None, output_tokens=None, cost_usd=None),
        state_event(FLAKY, "ready"),
    )
    await turn_done(pilot, FLAKY, done)
    stalled = "Only the checkout tests then. The first one"
    await user_sends(pilot, FLAKY, "only the checkout tests")
    await feed(
        pilot, FLAKY,
        *deltas(TextDelta, FLAKY, stalled, "msg_3"),
        ErrorOccurred(FLAKY[1], "timeout", "no stream event for 60 s (stall timeout (60 s))", True, timeout="stall", seconds=60.0),
        state_event(FLAKY, "interrupting"),
        done := turn_end(FLAKY, "stalled", stalled, duration_s=64.0, input_tokens=None, output_tokens=None, cost_usd=None),
        state_event(FLAKY, "ready"),
    )
    await turn_done(pilot, FLAKY, done)


async def permission_needed_in_background(pilot: Any) -> None:
    from claude_tui.engine.events import TextDelta, ToolUseInput, ToolUseStarted
    from claude_tui.engine.permissions import PermissionRequest

    app = pilot.app
    await open_and_settle(pilot, CART)
    await user_sends(pilot, CART, "fix the rounding in cart.py")
    write = {"file_path": f"{SHOP}/cart.py", "content": "ROUND = 'half-even'\n"}
    await feed(
        pilot, CART,
        *deltas(TextDelta, CART, "I'll switch the rounding to half-even."),
        ToolUseStarted(CART[1], "toolu_w", "Write", "msg_1", 1),
        ToolUseInput(CART[1], "toolu_w", "Write", write),
    )
    await open_and_settle(pilot, FLAKY)
    app.bell = lambda: None  # headless anyway; keep the picture free of side effects
    app.live.permissions.arrived(PermissionRequest(1, CART[1], "Write", write, cwd=SHOP, tool_use_id="toolu_w"))
    await pilot.pause()


async def status_reconnecting(pilot: Any) -> None:
    from claude_tui.engine.events import ErrorOccurred, TextDelta

    await open_and_settle(pilot, FLAKY)
    partial = "The fixture builds a cart with"
    await user_sends(pilot, FLAKY, "explain the cart fixture")
    await feed(
        pilot, FLAKY,
        *deltas(TextDelta, FLAKY, partial),
        done := turn_end(FLAKY, "crashed", partial, duration_s=3.1, input_tokens=None, output_tokens=None, cost_usd=None),
        ErrorOccurred(FLAKY[1], "process", "Claude Code exited unexpectedly (exit code -9); reconnecting", True),
        state_event(
            FLAKY, "reconnecting", attempt=2, max_attempts=5, next_retry_at=FIXED_NOW.timestamp() + 8,
            last_error="Claude Code exited unexpectedly (exit code -9)",
        ),
    )
    await turn_done(pilot, FLAKY, done)


async def permission_mode_picker(pilot: Any) -> None:
    from claude_tui.screens.permission_mode import PermissionModeScreen

    await pilot.press("ctrl+t")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, PermissionModeScreen), what="picker")
    await pilot.press("down")
    await pilot.pause()


async def footer_at_80_columns(pilot: Any) -> None:
    """A finished turn with big numbers in a narrow chat: the footer drops and
    shortens fields to fit (never clipped mid-word)."""
    from claude_tui.engine.events import SessionStarted, TextDelta

    await open_and_settle(pilot, FLAKY)
    await user_sends(pilot, FLAKY, "summarise the checkout module")
    await feed(pilot, FLAKY, SessionStarted(FLAKY[1], SHOP, "claude-sonnet-4-5-20250929", "2.1.0", True))
    text = "The checkout module totals the cart, applies discounts and charges the card."
    await feed(
        pilot, FLAKY,
        *deltas(TextDelta, FLAKY, text),
        done := turn_end(FLAKY, "completed", text, input_tokens=1_234_567, output_tokens=5_678, cost_usd=1.2345, duration_s=83.0),
        state_event(FLAKY, "ready"),
    )
    await turn_done(pilot, FLAKY, done)


async def not_logged_in(pilot: Any) -> None:
    """What Claude Code answers to ``auth status --json`` with no credentials (recorded),
    as the app's check after the first frame would hand it over."""
    from claude_tui.engine.auth import parse_status

    recorded = '{"loggedIn": false, "authMethod": "none", "apiProvider": "firstParty"}'
    await pilot.app.login.apply(parse_status(recorded))
    await wait_until(pilot, lambda: pilot.app.login.notice is not None, what="the login banner")


@dataclass
class Scene:
    size: tuple[int, int]
    browse: bool = True
    steps: list[Step] = field(default_factory=list)

    def run_before(self) -> Step:
        async def run(pilot: Any) -> None:
            from textual.widgets import Input

            from claude_tui.widgets.prompt import PromptArea

            await settle(pilot)
            for step in self.steps:
                await step(pilot)
            await pilot.pause()
            for box in [*pilot.app.query(PromptArea), *pilot.app.query(Input)]:
                box.cursor_blink = False  # a steady cursor: the picture must not depend on timing
            await pilot.pause()
            await pilot.wait_for_scheduled_animations()

        return run


SCENES: dict[str, Scene] = {
    "first_run_empty_state": Scene(WIDE, browse=False),
    "sidebar_groups_and_markers": Scene(WIDE, steps=[all_markers]),
    "filter_active": Scene(WIDE, steps=[filter_kiwi]),
    "finished_turn_with_thinking_and_tools": Scene(WIDE, steps=[open_turn]),
    "tool_blocks_expanded": Scene(WIDE, steps=[expand_tools]),
    "markup_and_escapes_shown_literally": Scene(WIDE, steps=[open_markup]),
    "full_text_hit_opens_at_message": Scene(WIDE, steps=[open_hit]),
    "narrow_start": Scene(NARROW, steps=[all_markers]),
    "narrow_session_open": Scene(NARROW, steps=[open_turn]),
    "help_screen": Scene(WIDE, steps=[show_help]),
    "palette_switcher": Scene(WIDE, steps=[palette]),
    "several_open_sessions": Scene(WIDE, steps=[several_open]),
    "reply_mid_stream": Scene(WIDE, steps=[reply_mid_stream]),
    "queued_prompt": Scene(WIDE, steps=[queued_prompt]),
    "retry_and_api_error_inline": Scene(WIDE, steps=[retry_and_error_inline]),
    "interrupted_and_stalled_inline": Scene(WIDE, steps=[interrupted_and_stalled_inline]),
    "permission_needed_in_background": Scene(WIDE, steps=[permission_needed_in_background]),
    "status_reconnecting": Scene(WIDE, steps=[status_reconnecting]),
    "permission_mode_picker": Scene(WIDE, steps=[permission_mode_picker]),
    "footer_at_80_columns": Scene(NARROW, steps=[footer_at_80_columns]),
    "wide_terminal_sidebar": Scene((200, 50), steps=[all_markers]),
    "not_logged_in_first_run": Scene(WIDE, browse=False, steps=[not_logged_in]),
}


# -- the side panels (160x45 shows them; 80x24 folds them under a tab strip) ----------

PANELS_WIDE = (160, 45)


async def panels_connected(pilot: Any) -> None:
    """A connected session after two turns: API retries, cost and tokens, the
    context-window bar and the MCP servers (as the live CLI would report them)."""
    from claude_tui.engine.events import ApiRetry, TextDelta

    app = pilot.app
    await open_and_settle(pilot, FLAKY)
    await user_sends(pilot, FLAKY, "run the checkout tests")
    await feed(
        pilot, FLAKY,
        ApiRetry(FLAKY[1], 1, 10, 0.6, 529, "overloaded_error"),
        ApiRetry(FLAKY[1], 2, 10, 1.2, 529, "overloaded_error"),
        *deltas(TextDelta, FLAKY, "All 12 checkout tests pass now."),
        done := turn_end(FLAKY, "completed", "All 12 checkout tests pass now."),
        state_event(FLAKY, "ready"),
    )
    await turn_done(pilot, FLAKY, done)
    heard = app.panels.heard[FLAKY[1]]
    heard.context = (48_200, 200_000)
    heard.mcp = (("github", "connected"), ("postgres", "failed"), ("docs", "pending"))
    app.panels.refresh()
    await pilot.pause()


async def panels_folded(pilot: Any) -> None:
    await open_and_settle(pilot, FLAKY)
    await pilot.press("f9")
    await pilot.pause()


SCENES.update(
    {
        "panels_reconnecting": Scene(PANELS_WIDE, steps=[status_reconnecting]),
        "panels_connected": Scene(PANELS_WIDE, steps=[panels_connected]),
        "panels_folded_narrow": Scene(NARROW, steps=[panels_folded]),
    }
)


PICKER_TREE = __import__("pathlib").Path(__file__).resolve().parents[1] / "data" / "picker_tree"


async def picker_filtered_two_marked(pilot: Any) -> None:
    """The picker over a fixed folder: ".py" typed, two rows marked."""
    from claude_tui.screens.file_picker import FilePickerScreen

    app = pilot.app
    app.push_screen(FilePickerScreen(PICKER_TREE, label=f"{SHOP}"))
    await wait_until(pilot, lambda: isinstance(app.screen, FilePickerScreen), what="picker")
    picker = app.screen
    await pilot.press(*".py")
    tree = picker.tree
    await pilot.press("down")
    await wait_until(pilot, lambda: tree.has_focus and bool(tree.root.children), what="tree")
    src = next(n for n in tree.root.children if str(n.label) == "src")
    src.expand()
    await wait_until(pilot, lambda: len(src.children) == 2, what="src loaded")
    for node in src.children:
        tree.marked.append(__import__("pathlib").Path(node.data.path))
    tree.move_cursor(src.children[1])
    picker.query_one("#picker-status").update("2 marked")
    tree.refresh()
    await pilot.pause()  # (the tree's loader is a worker that never ends: no settle_view)
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


async def context_mixed(pilot: Any) -> None:
    """Several attached files with mixed statuses and sent marks (statuses set as the scan would)."""
    from claude_tui.attachments import Checked

    app = pilot.app
    await open_and_settle(pilot, FLAKY)
    files = app.panels.files

    async def no_scan() -> None:
        return None

    files.scan = no_scan  # the paths do not exist here: keep the statuses below
    live = app.live.session_of(app.view_for(FLAKY))
    base = SHOP
    rows = {
        f"{base}/cart.py": Checked(2_400, "ok", "d1"),
        f"{base}/tests/test_checkout.py": Checked(5_200, "ok", "d2-new"),
        f"{base}/notes [draft].md": Checked(800, "ok", "d3"),
        f"{base}/old.txt": Checked(None, "missing", None),
        f"{base}/logo.png": Checked(40_000, "binary", None),
        f"{base}/dump.sql": Checked(900_000, "too large", None),
        "/etc/shadow": Checked(None, "unreadable", None),
        f"{base}/src": Checked(None, "not a file", None),
    }
    files.stored[live.view.number] = FLAKY
    files.by_view[live.view.number] = list(rows)
    files.checked.update(rows)
    files.sent[FLAKY[1]] = {f"{base}/cart.py": "d1", f"{base}/tests/test_checkout.py": "d2-old"}
    app.panels.refresh()
    await settle_view(pilot)


SCENES.update(
    {
        "picker_filtered_two_marked": Scene(PANELS_WIDE, steps=[picker_filtered_two_marked]),
        "context_mixed_statuses": Scene(PANELS_WIDE, steps=[context_mixed]),
    }
)


class ArmedWorker:
    """Stands in for a running worker's public timer snapshot (``armed_timers``)."""

    def __init__(self, *timers: tuple[str, float, float | None]) -> None:
        self.timers = timers
        self.cli_pid = 4242

    def armed_timers(self) -> tuple[Any, ...]:
        from claude_tui.engine.armed import ArmedTimer

        return tuple(ArmedTimer(*t) for t in self.timers)


async def timeouts_countdown_and_fired(pilot: Any) -> None:
    """A stall override for this session, the stall and turn timers counting down,
    and the stall that fired on the turn before."""
    from claude_tui.widgets.panels.timeouts import Fired

    app = pilot.app
    await open_and_settle(pilot, FLAKY)
    await user_sends(pilot, FLAKY, "make the checkout test deterministic")
    live = app.live.session_of(app.view_for(FLAKY))
    live.worker = ArmedWorker(("stall", 20.0, 12.4), ("turn", 1800.0, 1788.0))
    app.panels.overrides[FLAKY[1]] = {"stall": 20.0}
    app.panels.heard[FLAKY[1]].fired = Fired(
        "stall", 20.0, FIXED_NOW.timestamp() - 95, "the turn was interrupted (partial reply kept; retry offers it again)"
    )
    app.panels.refresh()
    await pilot.pause()


async def timeouts_paused(pilot: Any) -> None:
    """A permission question waits: the turn's timers show as paused."""
    app = pilot.app
    await permission_needed_in_background(pilot)
    await open_and_settle(pilot, CART)
    live = app.live.session_of(app.view_for(CART))
    live.worker = ArmedWorker(("stall", 60.0, None), ("turn", 1800.0, None))
    app.panels.refresh()
    await pilot.pause()


SCENES.update(
    {
        "timeouts_countdown_and_fired": Scene(PANELS_WIDE, steps=[timeouts_countdown_and_fired]),
        "timeouts_paused": Scene(PANELS_WIDE, steps=[timeouts_paused]),
    }
)


async def settings_with_error(pilot: Any) -> None:
    """The Settings screen with a bad stall timeout typed: named, not saved."""
    from claude_tui.screens.settings import SettingsScreen

    app = pilot.app
    # (the path shown is fixed: the test's config file is in a temporary folder)
    app.push_screen(SettingsScreen(app.settings, sorted(app.available_themes), "~/.config/claude-tui/config.toml"))
    await wait_until(pilot, lambda: isinstance(app.screen, SettingsScreen) and bool(app.screen.query("#set-timeouts-stall")), what="settings")
    stall = app.screen.query_one("#set-timeouts-stall")
    stall.focus()
    stall.value = "soon"
    await wait_until(pilot, lambda: "timeouts.stall" in str(app.screen.query_one("#settings-error").render()), what="named")
    await pilot.pause()


SCENES["settings_with_error"] = Scene(PANELS_WIDE, steps=[settings_with_error])


async def at_path_completion(pilot: Any) -> None:
    """``@s`` typed in the prompt of a session whose folder is the picker's fixed tree:
    the completion menu over the prompt, folders first."""
    app = pilot.app
    await open_and_focus_prompt(pilot, FLAKY)
    app.path_completer._cwd = lambda: PICKER_TREE  # the session's folder does not exist here
    menu = app.pane_for(FLAKY).prompt.menu
    await pilot.press(*"tidy up @s")
    await wait_until(pilot, lambda: menu.is_open, what="menu")
    await pilot.press("down")
    await settle_view(pilot)


SCENES.update({"at_path_completion": Scene(WIDE, steps=[at_path_completion])})
