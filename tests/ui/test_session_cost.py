"""The Session panel's cost is the session's total over its turns (issue 11), through the
REAL CLI and the fake Messages API: each turn's own cost (its footer) summed, also over
a CLI restart (whose running total starts again from zero)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.fakes.anthropic_api import FakeAnthropicAPI
from tests.fakes.cli_env import CliEnv
from tests.ui.fixtures import wait_until
from tests.ui.test_live import WAIT_S, live_app, live_of, ready, send, turn_done  # noqa: F401

DOLLARS = re.compile(r"\$(\d+\.\d+)")


def footer_costs(app: Any) -> list[float]:
    from claude_tui.widgets.turn_footer import TurnFooter

    pane = app.pane_for_view(app.current_view)
    found = [DOLLARS.search(f.text) for f in pane.query(TurnFooter)]
    return [float(m.group(1)) for m in found if m]


def panel_cost(panel: Any) -> str | None:
    line = next((ln for ln in panel.plain.splitlines() if ln.startswith("cost")), None)
    return line.split(None, 1)[1] if line else None


async def test_the_session_panel_sums_every_turns_cost_across_a_cli_restart(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, live_app: Callable[..., Any]  # noqa: F811
) -> None:
    app = live_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await send(pilot, "hello")
        await turn_done(pilot)
        live = live_of(app)
        panel = app.panels.side.session
        await wait_until(pilot, lambda: len(footer_costs(app)) == 1 and panel_cost(panel), WAIT_S, "first cost")
        (first,) = footer_costs(app)
        assert first > 0
        assert panel_cost(panel) == f"${first:.4f} in 1 turn"  # the footer's cost, said to be a total
        pid = live.worker.cli_pid
        await app.action_reconnect()  # a new CLI: its own running total starts from zero
        await wait_until(pilot, lambda: live.worker.cli_pid not in (None, pid) and live.state.phase.value == "ready", WAIT_S, "new CLI")
        app.pane_for_view(app.current_view).prompt.focus()
        await send(pilot, "hello again")
        await turn_done(pilot)
        await wait_until(pilot, lambda: len(footer_costs(app)) == 2, WAIT_S, "second footer")
        total = sum(footer_costs(app))  # each footer's cost is rounded to 4 places
        await wait_until(pilot, lambda: (panel_cost(panel) or "").endswith(" in 2 turns"), WAIT_S, "two turns summed")
        shown = float(DOLLARS.search(panel_cost(panel) or "").group(1))  # type: ignore[union-attr]
        assert abs(shown - total) < 0.00015, (shown, total)
        assert shown > max(footer_costs(app))  # the sum, not the new CLI's own running total
