"""``[store] path_map``: another machine's folders as this machine's."""

from __future__ import annotations

from pathlib import Path

import pytest

from claude_tui.config import ConfigError, load_settings, save_settings
from claude_tui.path_map import local_folder


def test_longest_parent_wins_and_unmapped_stays() -> None:
    path_map = {"/home/alice/src": "/Users/alice/src", "/home/alice/src/app/": "/work/app"}
    assert local_folder("/home/alice/src/tool", path_map) == "/Users/alice/src/tool"
    assert local_folder("/home/alice/src/app/lib", path_map) == "/work/app/lib"
    assert local_folder("/home/alice/src", path_map) == "/Users/alice/src"
    assert local_folder("/home/alice/srcx", path_map) == "/home/alice/srcx"  # not a parent: a longer name
    assert local_folder("/opt/other", path_map) == "/opt/other"


def test_config_reads_the_map_and_rejects_a_bad_one(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[store]\nurl = "postgresql://alice@db/ct"\n[store.path_map]\n"/home/alice/src" = "/Users/alice/src"\n')
    loaded = load_settings(config)
    assert loaded.settings.store.path_map == {"/home/alice/src": "/Users/alice/src"}
    assert loaded.settings.store.url == "postgresql://alice@db/ct"
    config.write_text("[store]\npath_map = 3\n")
    with pytest.raises(ConfigError, match="path_map maps folders to folders"):
        load_settings(config)


def test_saving_the_config_writes_no_empty_map(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[ui]\ntheme = \"nord\"\n")
    save_settings(load_settings(config).settings, config)
    assert "path_map" not in config.read_text()
