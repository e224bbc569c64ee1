"""Settings: defaults, validation, errors with line and column, safe writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from claude_tui.config import ConfigError, Settings, load_settings, save_settings, settings_from_dict


def test_missing_default_file_means_defaults(tmp_path: Path) -> None:
    loaded = load_settings(tmp_path / "none.toml")
    assert loaded.settings == Settings() and loaded.warnings == []


def test_values_are_typed_and_ints_pass_as_seconds(tmp_path: Path) -> None:
    settings, warnings = settings_from_dict(
        {"timeouts": {"stall": 5, "turn": 0}, "sessions": {"max_live": 2}, "keymap": {"new_session": "ctrl+t"}}
    )
    assert settings.timeouts.stall == 5.0 and isinstance(settings.timeouts.stall, float)
    assert settings.timeouts.turn == 0.0 and settings.sessions.max_live == 2
    assert settings.keymap == {"new_session": "ctrl+t"} and warnings == []


@pytest.mark.parametrize(
    "data, fragment",
    [
        ({"timeouts": {"stall": -1}}, "timeouts.stall"),
        ({"sessions": {"max_live": 1.5}}, "sessions.max_live"),
        ({"claude": {"allow_bypass": "yes"}}, "claude.allow_bypass"),
        ({"claude": {"permission_mode": "yolo"}}, "permission_mode"),
        ({"timeouts": 3}, "[timeouts] must be a table"),
        ({"keymap": {"quit": 1}}, "[keymap]"),
        ({"ui": {"log_level": "verbose"}}, "ui.log_level"),
        ({"ui": {"log_level": 10}}, "ui.log_level"),
    ],
)
def test_bad_values_name_the_key(data: dict, fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment.replace("[", r"\[").replace("]", r"\]")):
        settings_from_dict(data)


def test_syntax_error_has_line_and_column_and_file_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[ui]\ntheme = 'x'\n[timeouts\n")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert str(path) in str(info.value) and "line 3, column" in str(info.value)
    assert path.read_text() == "[ui]\ntheme = 'x'\n[timeouts\n"


def test_binary_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_settings(path)


def test_save_keeps_a_backup_and_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("# my comments\n[ui]\ntheme = 'nord'\n")
    loaded = load_settings(path)
    loaded.settings.ui.theme = "gruvbox"
    save_settings(loaded.settings, path)
    assert (tmp_path / "config.toml.bak").read_text() == "# my comments\n[ui]\ntheme = 'nord'\n"
    again = load_settings(path)
    assert again.settings.ui.theme == "gruvbox" and again.warnings == []
    assert again.settings == loaded.settings


def test_log_level_defaults_to_warning_and_ignores_case() -> None:
    assert Settings().ui.log_level == "warning"
    settings, warnings = settings_from_dict({"ui": {"log_level": "INFO"}})
    assert settings.ui.log_level == "info" and warnings == []


def test_desktop_notify_is_off_by_default_and_must_be_a_boolean() -> None:
    assert Settings().ui.desktop_notify is False
    assert settings_from_dict({"ui": {"desktop_notify": True}})[0].ui.desktop_notify is True
    with pytest.raises(ConfigError, match="ui.desktop_notify must be true or false"):
        settings_from_dict({"ui": {"desktop_notify": "yes"}})
