"""The app under test for the timed pty scenarios: ClaudeTUI plus a timestamp log.

``python -m benchmarks.ui_child --db DB --log LOG`` runs the real ``ClaudeTUI``
(same constructor as ``claude-tui``, start-up import off) in a subclass that
only adds observation, written as JSON lines with ``time.perf_counter()``:

* ``filter_start`` / ``filter_done``: the app's public ``filter_text`` (set when
  the debounced ``FilterChanged`` arrives) and ``filter_done`` (set once the
  result is in the list), observed through properties;
* ``open_done``: the ``open`` worker finished (the chat pane has its messages);
* ``text_changed``: a prompt's ``TextArea.Changed`` reached the app;
* ``stream_start`` / ``stream_end`` / ``stream_rendered``: F12 streams one
  token per delta into the current pane at ``--rate`` deltas per second for
  ``--seconds``. ``--path widget`` calls the pane's ``ChatView`` stream
  (``start_assistant_stream`` / ``append_text``) from a task, as the brief
  describes; ``--path engine`` feeds ``TextDelta`` events through
  ``app.live.feed`` (the engine's own seam), so they queue in the pane's
  mailbox and are drawn by the live renderer like a real turn.

F11 focuses the current pane's prompt and F10 sets its text to
``--reset-text`` (set-up only, not timed; priority bindings, so they act at
once even when the pane's queue is full). Nothing here changes what the app
does or paints.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Static, TextArea
from textual.worker import Worker, WorkerState

from claude_tui.app import ClaudeTUI
from claude_tui.config import LoadedSettings, Settings

from .datagen import SYLLABLES

DRAIN_LIMIT = 20.0  # seconds to wait for queued deltas to be drawn after the stream


def stream_tokens(count: int, seed: int = 7) -> list[str]:
    """``count`` one-word deltas in paragraphs of 40-80 words, like a long reply."""
    rng = random.Random(seed)
    words = ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3))) for _ in range(500)]
    tokens: list[str] = []
    until_break = rng.randint(40, 80)
    for _ in range(count):
        until_break -= 1
        if until_break == 0:
            tokens.append(".\n\n")
            until_break = rng.randint(40, 80)
        else:
            tokens.append(" " + rng.choice(words))
    return tokens


class BenchTUI(ClaudeTUI):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f10", "bench_reset_prompt", show=False, priority=True),
        Binding("f11", "bench_focus_prompt", show=False, priority=True),
        Binding("f12", "bench_stream", show=False, priority=True),
    ]

    _bench_log: Any = None
    _bench_filter_text = ""
    _bench_filter_done: str | None = None

    def __init__(self, *, log: Path, rate: float, seconds: float, path: str, reset_text: str, **kwargs: Any) -> None:
        self.reset_text = reset_text
        self._bench_log = log.open("a", buffering=1)
        self.stream_rate = rate
        self.stream_seconds = seconds
        self.stream_path = path
        super().__init__(**kwargs)

    def bench(self, event: str, **data: Any) -> None:
        self._bench_log.write(json.dumps({"event": event, "t": time.perf_counter(), **data}) + "\n")

    # -- filter ------------------------------------------------------------------

    @property  # type: ignore[override]
    def filter_text(self) -> str:
        return self._bench_filter_text

    @filter_text.setter
    def filter_text(self, value: str) -> None:
        self._bench_filter_text = value
        if self.is_running:
            self.bench("filter_start", text=value)

    @property  # type: ignore[override]
    def filter_done(self) -> str | None:
        return self._bench_filter_done

    @filter_done.setter
    def filter_done(self, value: str | None) -> None:
        self._bench_filter_done = value
        if value is not None and self.is_running:
            status = str(self.sidebar.query_one("#sidebar-status", Static).content)
            self.bench("filter_done", text=value, status=status)

    # -- open, prompt ----------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "open" and event.state == WorkerState.SUCCESS:
            view = self.current_view
            count = len(self.pane_for_view(view).chat.messages) if view else 0
            self.bench("open_done", messages=count)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.bench("text_changed", text=event.text_area.text)

    # -- streaming ------------------------------------------------------------------------

    def action_bench_reset_prompt(self) -> None:
        """Set the prompt to ``--reset-text``, cursor at the end (erasing without keys)."""
        view = self.current_view
        if view is not None:
            prompt = self.pane_for_view(view).prompt
            prompt.load_text(self.reset_text)
            prompt.move_cursor(prompt.document.end)

    def action_bench_focus_prompt(self) -> None:
        view = self.current_view
        if view is not None:
            self.pane_for_view(view).prompt.focus()

    def action_bench_stream(self) -> None:
        work = self._stream_engine() if self.stream_path == "engine" else self._stream_widget()
        self.run_worker(work, group="bench-stream")

    async def _paced(self, send: Callable[[str], Awaitable[None]], drawn: Callable[[], int]) -> int:
        """Send one token per delta on a 2,000/s (``--rate``) schedule for ``--seconds``.

        Each wake-up sends every delta that is due, like a reader handing on a
        chunk of the CLI's output; it sleeps only when none is due. It stops
        when the time is up and logs how far behind the schedule the sending
        was (``behind``) and how many deltas were drawn by then.
        """
        count = int(self.stream_rate * self.stream_seconds)
        tokens = stream_tokens(count)
        start = time.perf_counter()
        deadline = start + self.stream_seconds
        self.bench("stream_start", rate=self.stream_rate, path=self.stream_path)
        sent = 0
        while sent < count:
            now = time.perf_counter()
            if now >= deadline:
                break
            due = min(count, int((now - start) * self.stream_rate) + 1)
            if due <= sent:
                await asyncio.sleep(start + sent / self.stream_rate - now)
                continue
            while sent < due and time.perf_counter() < deadline:
                await send(tokens[sent])
                sent += 1
        elapsed = time.perf_counter() - start
        due = min(count, int(elapsed * self.stream_rate))
        self.bench("stream_end", deltas=sent, seconds=elapsed, behind=max(0, due - sent) / self.stream_rate,
                   drawn=drawn())
        return sent

    async def _stream_widget(self) -> None:
        view = self.current_view
        assert view is not None, "open a session or draft before streaming"
        stream = await self.pane_for_view(view).chat.start_assistant_stream("claude-sonnet-4-5")
        appended = [0]

        async def send(token: str) -> None:
            await stream.append_text(token)
            appended[0] += 1

        sent = await self._paced(send, lambda: appended[0])
        self.bench("stream_rendered", drawn=sent, sent=sent)
        await stream.finish(None)
        self.bench("stream_finished")

    async def _stream_engine(self) -> None:
        """Deltas through the live controller; a wrapped renderer counts what was drawn.

        The controller merges deltas waiting in a session's inbox, so what is
        counted is text: a token counts as drawn once the renderer took all
        the characters up to its end.
        """
        from bisect import bisect_right
        from itertools import accumulate

        from claude_tui.engine.events import TextDelta, TurnCompleted

        view = self.current_view
        assert view is not None and view.key is not None, "open a stored session before streaming"
        sid = view.key[1]
        pane = self.pane_for_view(view)
        live = self.live.session_of(view)
        assert live is not None
        renderer = live.renderer
        inner = renderer.handle
        tokens = stream_tokens(int(self.stream_rate * self.stream_seconds))
        ends = list(accumulate(len(t) for t in tokens))
        chars = [0]

        async def timed(event: Any) -> None:
            await inner(event)
            if isinstance(event, TextDelta):
                chars[0] += len(event.text)

        def drawn() -> int:
            return bisect_right(ends, chars[0])

        renderer.handle = timed  # type: ignore[method-assign]

        async def send(token: str) -> None:
            self.live.feed(TextDelta(session_id=sid, text=token, message_id="msg_bench", index=0))

        sent = await self._paced(send, drawn)
        give_up = time.perf_counter() + DRAIN_LIMIT
        while drawn() < sent and time.perf_counter() < give_up:
            await asyncio.sleep(0.005)
        self.bench("stream_rendered", drawn=drawn(), sent=sent)
        if drawn() < sent:  # still behind: ending the turn would wait for all of it
            renderer.handle = inner  # type: ignore[method-assign]
            self.bench("stream_finished", ended=False)
            return
        started = time.perf_counter()
        self.live.feed(TurnCompleted(session_id=sid, outcome="completed", duration_s=self.stream_seconds))
        while pane.chat.query(".-streaming") and time.perf_counter() - started < 120:
            await asyncio.sleep(0.05)
        renderer.handle = inner  # type: ignore[method-assign]
        self.bench("stream_finished")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--log", required=True, type=Path)
    parser.add_argument("--rate", type=float, default=2000.0)
    parser.add_argument("--seconds", type=float, default=12.0)
    parser.add_argument("--path", choices=("widget", "engine"), default="widget")
    parser.add_argument("--reset-text", default="")
    args = parser.parse_args()
    work = args.log.parent
    config_path = work / "config.toml"
    app = BenchTUI(
        log=args.log, rate=args.rate, seconds=args.seconds, path=args.path, reset_text=args.reset_text,
        db_path=args.db, loaded=LoadedSettings(Settings(), config_path, []), config_path=config_path,
        claude_config_dir=work / "no-claude", import_on_start=False, cwd=work,
    )
    app.run()


if __name__ == "__main__":
    main()
