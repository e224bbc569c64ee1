"""The CLI's slash commands reach the UI through the REAL bundled CLI: names in
the init message (``SessionStarted.slash_commands``) and, after each connect,
descriptions from the initialize answer (``CommandsKnown``)."""

from __future__ import annotations

from claude_tui.engine.events import CommandsKnown, SessionStarted
from claude_tui.store import SqliteSessionStore
from tests.engine.helpers import engine_settings, make_worker, of, turn
from tests.fakes.anthropic_api import FakeAnthropicAPI, Text
from tests.fakes.cli_env import CliEnv


async def test_connect_reports_commands_with_descriptions_and_init_names_them(
    fake_api: FakeAnthropicAPI, cli_env: CliEnv, store: SqliteSessionStore
) -> None:
    fake_api.queue_reply(Text("hi"))
    worker = make_worker(cli_env, engine_settings(), store).start()
    with worker.events() as stream:
        await turn(worker, "hello")
        events = stream.drain()
    await worker.close()
    (known,) = of(events, CommandsKnown)
    by_name = {c.name: c for c in known.commands}
    assert "compact" in by_name and by_name["compact"].description
    assert not any(name.startswith("/") for name in by_name)
    started = of(events, SessionStarted)[0]
    assert "compact" in started.slash_commands
    kinds = [type(e).__name__ for e in events]
    assert kinds.index("CommandsKnown") < kinds.index("PromptSent")  # known before the first turn
