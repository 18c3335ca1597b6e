"""User preferences: one typed, versioned model stored as a JSON file, written atomically."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from zoomadmin.core.profiles import AccountProfile

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2
"""The version :meth:`PreferencesFile.save` writes; older files are upgraded on load."""


class Preferences(BaseModel):
    """Everything the user chooses that outlives a run, except window geometry (QSettings)."""

    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    schema_version: int = SCHEMA_VERSION
    profiles: list[AccountProfile] = Field(default_factory=list)
    active_profile: str | None = None
    """The profile the app opens on; None means the embedded sandbox."""
    sandbox_speed: float = Field(default=1.0, gt=0)
    sandbox_seed: str = "demo"
    download_folder: str | None = None

    @model_validator(mode="after")
    def _check_profiles(self) -> Preferences:
        names = [p.name for p in self.profiles]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"Two account profiles share the name {duplicates[0]!r}.")
        if self.active_profile is not None and self.active_profile not in names:
            raise ValueError(f"The active profile {self.active_profile!r} does not exist.")
        return self

    def find_profile(self, name: str) -> AccountProfile | None:
        """The profile called ``name``, or None."""
        return next((p for p in self.profiles if p.name == name), None)

    def active(self) -> AccountProfile | None:
        """The profile the app should connect to, or None for the sandbox."""
        return None if self.active_profile is None else self.find_profile(self.active_profile)


def _upgrade_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 kept profiles in a mapping by name and the sandbox options in one object."""
    profiles = data.pop("profiles", {}) or {}
    if isinstance(profiles, dict):
        data["profiles"] = [{"name": name, **fields} for name, fields in profiles.items()]
    else:
        data["profiles"] = profiles
    for profile in data["profiles"]:
        if isinstance(profile, dict) and "api_base" in profile:
            profile["api_url"] = profile.pop("api_base")
    sandbox = data.pop("sandbox", {}) or {}
    if "speed" in sandbox:
        data["sandbox_speed"] = sandbox["speed"]
    if "seed" in sandbox:
        data["sandbox_seed"] = sandbox["seed"]
    if "download_dir" in data:
        data["download_folder"] = data.pop("download_dir")
    data["schema_version"] = 2
    return data


_UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _upgrade_v1}


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a decoded preferences document of any known version up to :data:`SCHEMA_VERSION`."""
    version = data.get("schema_version", 1)
    if not isinstance(version, int):
        raise ValueError(f"schema_version must be a whole number, not {version!r}")
    while version < SCHEMA_VERSION:
        data = _UPGRADES[version](data)
        version = data["schema_version"]
    return data


class PreferencesFile:
    """The JSON file that holds :class:`Preferences`.

    Loading never fails: a missing file gives defaults, and an unreadable one is moved aside
    as ``<name>.corrupt-<timestamp>`` (so nothing the user typed is lost) before defaults
    are used.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def load(self) -> Preferences:
        """The stored preferences, upgraded to the current schema, or defaults."""
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return Preferences()
        try:
            data = json.loads(raw)
            if not isinstance(data, dict):
                raise ValueError("the file does not hold a JSON object")
            upgraded = upgrade(data)
            if upgraded.get("schema_version", 0) > SCHEMA_VERSION:
                log.warning("Preferences were written by a newer zoomadmin; reading what is known")
            upgraded["schema_version"] = SCHEMA_VERSION
            return Preferences.model_validate(upgraded)
        except (ValueError, ValidationError, KeyError) as exc:
            # ValidationError and JSONDecodeError are ValueErrors; KeyError is an unknown version.
            aside = self._set_aside()
            log.warning("Preferences file was unreadable (%s); kept it as %s", exc, aside.name)
            return Preferences()

    def save(self, prefs: Preferences) -> None:
        """Write ``prefs`` atomically: a reader sees the old file or the new one, never half."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = prefs.model_dump_json(indent=2) + "\n"
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _set_aside(self) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        os.replace(self.path, aside)
        return aside
