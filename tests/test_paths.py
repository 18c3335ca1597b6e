"""AppPaths: one base dir holds everything; folders appear only when asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from zoomadmin.paths import AppPaths


def test_under_basedir_keeps_everything_inside(tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path / "base")
    assert not (tmp_path / "base").exists(), "building AppPaths must not touch the disk"
    files = [
        paths.database_path,
        paths.preferences_path,
        paths.log_file,
        paths.downloads_dir,
        paths.cache_dir,
        paths.sandbox_dir,
        paths.account_dir("school"),
    ]
    for f in files:
        assert f.is_relative_to(tmp_path / "base")
    assert paths.database_path.parent.is_dir()
    assert paths.preferences_path.parent.is_dir()
    assert paths.log_file.parent.is_dir()
    assert paths.downloads_dir.is_dir()
    assert paths.cache_dir.is_dir()
    assert paths.sandbox_dir.is_dir() and paths.account_dir("school").is_dir()
    assert paths.sandbox_dir != paths.account_dir("sandbox")
    assert len({paths.data_dir, paths.config_dir, paths.log_dir, paths.cache_dir}) == 4


def test_default_uses_platform_dirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # platformdirs follows XDG variables on Linux; point them under tmp_path.
    for var, sub in [
        ("XDG_DATA_HOME", "share"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ]:
        monkeypatch.setenv(var, str(tmp_path / sub))
    paths = AppPaths.default()
    assert "zoomadmin" in paths.data_root.parts
    assert "zoomadmin" in paths.config_root.parts
    assert "zoomadmin" in paths.cache_root.parts


def test_from_basedir(tmp_path: Path) -> None:
    assert AppPaths.from_basedir(tmp_path) == AppPaths.under(tmp_path)
    assert AppPaths.from_basedir(None) == AppPaths.default()
