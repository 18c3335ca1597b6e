"""Preferences: defaults, round trip, upgrade from version 1, corrupt files set aside."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from zoomadmin.store.preferences import (
    SCHEMA_VERSION,
    AccountProfile,
    Preferences,
    PreferencesFile,
)


def _profile(name: str = "school") -> AccountProfile:
    return AccountProfile(name=name, account_id="acc-1", client_id="cid-1")


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    prefs = PreferencesFile(tmp_path / "preferences.json").load()
    assert prefs == Preferences()
    assert prefs.schema_version == SCHEMA_VERSION
    assert prefs.profiles == []
    assert prefs.active_profile is None
    assert prefs.active() is None
    assert prefs.sandbox_speed == 1.0
    assert prefs.sandbox_seed == "demo"
    assert prefs.download_folder is None


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "config" / "preferences.json"
    prefs = Preferences(
        profiles=[_profile(), _profile("saas").model_copy(update={"ws_url": "wss://x/ws"})],
        active_profile="saas",
        sandbox_speed=60.0,
        sandbox_seed="term-2",
        download_folder=str(tmp_path / "downloads"),
    )
    PreferencesFile(path).save(prefs)
    loaded = PreferencesFile(path).load()
    assert loaded == prefs
    active = loaded.active()
    assert active is not None
    assert active.ws_url == "wss://x/ws"
    assert active.api_url == "https://api.zoom.us/v2"
    assert active.oauth_url == "https://zoom.us/oauth/token"
    assert json.loads(path.read_text())["schema_version"] == SCHEMA_VERSION
    # The atomic write leaves no temporary file behind.
    assert sorted(p.name for p in path.parent.iterdir()) == ["preferences.json"]


def test_no_secret_field_exists() -> None:
    fields = set(AccountProfile.model_fields) | set(Preferences.model_fields)
    assert not {f for f in fields if "secret" in f or "token" in f or "password" in f}


def test_upgrades_a_version_1_file(tmp_path: Path) -> None:
    path = tmp_path / "preferences.json"
    v1 = {
        "schema_version": 1,
        "profiles": {
            "school": {
                "account_id": "acc-9",
                "client_id": "cid-9",
                "api_base": "https://api.zoom.us/v2",
            }
        },
        "active_profile": "school",
        "sandbox": {"speed": 30, "seed": "old-seed"},
        "download_dir": "/srv/rec",
    }
    path.write_text(json.dumps(v1))
    prefs = PreferencesFile(path).load()
    assert prefs.schema_version == SCHEMA_VERSION
    assert prefs.profiles == [AccountProfile(name="school", account_id="acc-9", client_id="cid-9")]
    assert prefs.active_profile == "school"
    assert prefs.sandbox_speed == 30.0
    assert prefs.sandbox_seed == "old-seed"
    assert prefs.download_folder == "/srv/rec"


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[1, 2, 3]",
        '{"schema_version": 2, "sandbox_speed": "fast"}',
        '{"schema_version": 2, "active_profile": "ghost"}',
        '{"schema_version": 0}',
        "",
    ],
    ids=["syntax", "not-object", "bad-type", "unknown-active", "unknown-version", "empty"],
)
def test_corrupt_file_is_set_aside(tmp_path: Path, content: str) -> None:
    path = tmp_path / "preferences.json"
    path.write_text(content)
    prefs = PreferencesFile(path).load()
    assert prefs == Preferences()
    assert not path.exists()
    kept = list(tmp_path.glob("preferences.json.corrupt-*"))
    assert len(kept) == 1
    assert kept[0].read_text() == content


def test_newer_file_keeps_known_fields(tmp_path: Path) -> None:
    path = tmp_path / "preferences.json"
    path.write_text(json.dumps({"schema_version": 99, "sandbox_seed": "x", "future": True}))
    prefs = PreferencesFile(path).load()
    assert prefs.sandbox_seed == "x"
    assert prefs.schema_version == SCHEMA_VERSION


def test_duplicate_profile_names_are_refused() -> None:
    with pytest.raises(ValidationError, match="share the name 'school'"):
        Preferences(profiles=[_profile(), _profile()])


def test_speed_must_be_positive() -> None:
    with pytest.raises(ValidationError):
        Preferences(sandbox_speed=0)
