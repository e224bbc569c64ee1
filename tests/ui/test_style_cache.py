"""Parsed styles are kept between runs (start-up time), and a bad cache file is only a miss."""

from __future__ import annotations

from pathlib import Path

from textual.css import stylesheet

from claude_tui import css_cache
from tests.ui.fixtures import make_app, settle, wait_until


def cached(folder: Path) -> list[Path]:
    return sorted(folder.glob("styles-*.pickle"))


async def first_frame(tmp_path: Path, folder: Path, *, theme: str | None = None) -> tuple[str, int]:
    """Run an app to its settled first screen; a screenshot of it and how many
    CSS sources were parsed before its first frame was painted."""
    parsed: list[object] = []
    painted = False
    original = stylesheet.Stylesheet._parse_rules

    def counting(self, css, read_from, is_default_rules=False, tie_breaker=0, scope=""):  # type: ignore[no-untyped-def]
        if not painted and (css, read_from, is_default_rules, tie_breaker, scope) not in self._parse_cache.keys():
            parsed.append(read_from)
        return original(self, css, read_from, is_default_rules, tie_breaker, scope)

    stylesheet.Stylesheet._parse_rules = counting
    try:
        app = make_app(tmp_path, style_cache=folder)
        if theme is not None:
            app.theme = theme
        first_frame_painted = app._first_frame_painted

        def frame() -> None:
            nonlocal painted
            painted = True
            first_frame_painted()

        app._first_frame_painted = frame
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await wait_until(pilot, lambda: not [w for w in app.workers if w.group == "style-cache" and w.is_running],
                             what="styles saved")
            return app.export_screenshot(), len(parsed)  # cells and their styles
    finally:
        stylesheet.Stylesheet._parse_rules = original


async def test_the_second_start_parses_no_css_and_looks_the_same(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    text, parsed = await first_frame(tmp_path, folder)
    assert parsed > 10 and len(cached(folder)) == 1
    assert oct(cached(folder)[0].stat().st_mode & 0o777) == "0o600"
    again, parsed_again = await first_frame(tmp_path, folder)
    assert parsed_again == 0  # every stylesheet of the first frame came from the cache
    assert again == text


async def test_another_theme_has_its_own_file(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    await first_frame(tmp_path, folder)
    await first_frame(tmp_path, folder, theme="nord")
    assert len(cached(folder)) == 2


async def test_a_damaged_cache_file_is_a_miss_and_is_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    text, _ = await first_frame(tmp_path, folder)
    (path,) = cached(folder)
    path.write_bytes(b"not a pickle at all")
    again, parsed = await first_frame(tmp_path, folder)
    assert parsed > 10 and again == text
    assert css_cache.load(type("Sheet", (), {"_parse_cache": None})(), path) == set()  # no such cache: nothing
    assert path.read_bytes() != b"not a pickle at all"
