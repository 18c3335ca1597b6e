"""Settings policies: the Zoom user settings a tenant's hosts should have, and which are locked."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from zoomadmin.core.errors import InvalidValue

SettingValue = bool | int | str


class Layer(enum.StrEnum):
    """Where Zoom takes a user's effective value from (settings resolve account → group → user)."""

    ACCOUNT = "account"
    GROUP = "group"
    USER = "user"


@dataclass(frozen=True)
class SettingSpec:
    """One Zoom user setting a policy can hold: its key, words, and what Zoom accepts."""

    key: str
    """``group.key`` as in Zoom's settings tree, e.g. ``recording.auto_recording``."""
    label: str
    section: str
    choices: tuple[SettingValue, ...] = ()
    """The values Zoom accepts (``(True, False)`` for a switch)."""
    help: str = ""

    @property
    def group(self) -> str:
        """Zoom's settings group (``recording``, ``schedule_meeting``, ``in_meeting``)."""
        return self.key.split(".", 1)[0]

    @property
    def name(self) -> str:
        """The key inside its group."""
        return self.key.split(".", 1)[1]

    @property
    def is_switch(self) -> bool:
        """Whether the setting is on/off."""
        return self.choices == SWITCH


SWITCH: tuple[SettingValue, ...] = (True, False)
RECORDING, MEETING, IN_MEETING = "Recording", "Meeting", "In meeting"

CATALOGUE: tuple[SettingSpec, ...] = (
    SettingSpec(
        "recording.auto_recording",
        "Record automatically",
        RECORDING,
        ("cloud", "local", "none"),
        "Where meetings record when they start: cloud, local, or not at all.",
    ),
    SettingSpec("recording.cloud_recording", "Cloud recording", RECORDING, SWITCH),
    SettingSpec(
        "recording.host_delete_cloud_recording",
        "Hosts may delete cloud recordings",
        RECORDING,
        SWITCH,
    ),
    SettingSpec(
        "recording.auto_delete_cmr", "Delete cloud recordings after a while", RECORDING, SWITCH
    ),
    SettingSpec(
        "recording.auto_delete_cmr_days",
        "Days before cloud recordings are deleted",
        RECORDING,
        (30, 60, 90, 120),
    ),
    SettingSpec("recording.recording_disclaimer", "Recording disclaimer", RECORDING, SWITCH),
    SettingSpec("in_meeting.waiting_room", "Waiting room", MEETING, SWITCH),
    SettingSpec("schedule_meeting.join_before_host", "Join before host", MEETING, SWITCH),
    SettingSpec(
        "schedule_meeting.require_password_for_scheduling_new_meetings",
        "Passcode for new meetings",
        MEETING,
        SWITCH,
    ),
    SettingSpec(
        "schedule_meeting.require_password_for_scheduled_meetings",
        "Passcode for scheduled meetings",
        MEETING,
        SWITCH,
    ),
    SettingSpec(
        "schedule_meeting.require_password_for_instant_meetings",
        "Passcode for instant meetings",
        MEETING,
        SWITCH,
    ),
    SettingSpec(
        "schedule_meeting.require_password_for_pmi_meetings",
        "Passcode for personal meeting ID",
        MEETING,
        ("all", "jbh_only", "none"),
    ),
    SettingSpec("in_meeting.co_host", "Co-host", IN_MEETING, SWITCH),
    SettingSpec("in_meeting.chat", "Chat", IN_MEETING, SWITCH),
    SettingSpec("in_meeting.private_chat", "Private chat", IN_MEETING, SWITCH),
    SettingSpec("in_meeting.breakout_room", "Breakout rooms", IN_MEETING, SWITCH),
    SettingSpec("in_meeting.screen_sharing", "Screen sharing", IN_MEETING, SWITCH),
    SettingSpec("in_meeting.who_can_share_screen", "Who can share", IN_MEETING, ("host", "all")),
    SettingSpec("in_meeting.polling", "Polls", IN_MEETING, SWITCH),
)
SPECS: dict[str, SettingSpec] = {spec.key: spec for spec in CATALOGUE}


class PolicyInvalid(InvalidValue):
    """A policy Zoom would not accept; ``problems`` are sentences a person can act on."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class PolicyEntry:
    """One setting a policy holds: the value, and whether hosts are kept from changing it."""

    key: str
    value: SettingValue
    locked: bool = False


@dataclass(frozen=True)
class SettingsPolicy:
    """A named settings template: the settings it holds (others are left as Zoom has them)."""

    name: str
    entries: tuple[PolicyEntry, ...] = ()
    note: str = ""

    def entry(self, key: str) -> PolicyEntry | None:
        """The policy's entry for ``key``, if it holds that setting."""
        return next((e for e in self.entries if e.key == key), None)

    def with_entry(self, key: str, value: SettingValue, locked: bool = False) -> SettingsPolicy:
        """A copy holding ``key`` at ``value`` (in catalogue order)."""
        kept = {e.key: e for e in self.entries if e.key != key}
        kept[key] = PolicyEntry(key, value, locked)
        order = [spec.key for spec in CATALOGUE if spec.key in kept]
        return replace(self, entries=tuple(kept[k] for k in order))

    def without(self, key: str) -> SettingsPolicy:
        """A copy that no longer holds ``key``."""
        return replace(self, entries=tuple(e for e in self.entries if e.key != key))

    def settings_patch(self) -> dict[str, dict[str, Any]]:
        """The policy as a partial Zoom settings tree (a PATCH body)."""
        return tree((e.key, e.value) for e in self.entries)

    def lock_patch(self) -> dict[str, dict[str, Any]]:
        """Every held setting's lock as a partial lock-settings tree (unlocked ones ``False``)."""
        return tree((e.key, e.locked) for e in self.entries)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON data (as stored and as ``settings policy show`` prints it)."""
        entries = [{"key": e.key, "value": e.value, "locked": e.locked} for e in self.entries]
        return {"name": self.name, "note": self.note, "settings": entries}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SettingsPolicy:
        """A policy from :meth:`to_json` data; raises :class:`PolicyInvalid` when it is not one."""
        raw = data.get("settings")
        if not isinstance(raw, list) or not all(isinstance(i, dict) for i in raw):
            raise PolicyInvalid(['A policy has a "settings" list of {key, value, locked}.'])
        entries = tuple(
            PolicyEntry(str(i.get("key", "")), i.get("value"), bool(i.get("locked", False)))
            for i in raw
        )
        policy = cls(str(data.get("name") or "Policy"), entries, str(data.get("note") or ""))
        check_policy(policy)
        return policy


def tree(pairs: Iterable[tuple[str, Any]]) -> dict[str, dict[str, Any]]:
    """``("group.key", value)`` pairs as a nested settings tree."""
    out: dict[str, dict[str, Any]] = {}
    for key, value in pairs:
        group, _, name = key.partition(".")
        out.setdefault(group, {})[name] = value
    return out


def lookup(settings: Mapping[str, Any], key: str) -> Any:
    """The value of ``group.key`` in a settings tree (None when absent)."""
    group, _, name = key.partition(".")
    values = settings.get(group)
    return values.get(name) if isinstance(values, Mapping) else None


def check_value(key: str, value: Any) -> str | None:
    """Why Zoom would refuse ``value`` for ``key``, or None when it accepts it."""
    spec = SPECS.get(key)
    if spec is None:
        return f"“{key}” is not a setting zoomadmin can hold in a policy."
    # bool is an int in Python: a switch must get a bool, a number must not.
    if any(type(value) is type(c) and value == c for c in spec.choices):
        return None
    shown = ", ".join(_word(c) for c in spec.choices)
    return f"{spec.label} takes {shown}, not {_word(value)}."


def _word(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return repr(value) if isinstance(value, str) else str(value)


def check_policy(policy: SettingsPolicy) -> None:
    """Raise :class:`PolicyInvalid` naming every setting Zoom would not accept as given."""
    problems = [p for e in policy.entries if (p := check_value(e.key, e.value))]
    keys = [e.key for e in policy.entries]
    problems += [f"“{k}” is given twice." for k in sorted({k for k in keys if keys.count(k) > 1})]
    if not policy.name.strip():
        problems.append("Give the policy a name.")
    auto = policy.entry("recording.auto_recording")
    cloud = policy.entry("recording.cloud_recording")
    if auto and auto.value == "cloud" and cloud and cloud.value is False:
        problems.append(
            "Recording automatically to the cloud needs cloud recording on: turn it on, or "
            "record locally."
        )
    if problems:
        raise PolicyInvalid(problems)


def default_policy(tenant_name: str = "") -> SettingsPolicy:
    """Hosts that host and nothing more: cloud recording kept by staff, a waiting room."""
    name = f"{tenant_name} hosts".strip() if tenant_name else "Hosts"
    return SettingsPolicy(
        name,
        (
            PolicyEntry("recording.auto_recording", "cloud", locked=True),
            PolicyEntry("recording.cloud_recording", True, locked=True),
            PolicyEntry("recording.host_delete_cloud_recording", False, locked=True),
            PolicyEntry("in_meeting.waiting_room", True, locked=True),
            PolicyEntry("schedule_meeting.join_before_host", False),
            PolicyEntry("schedule_meeting.require_password_for_scheduled_meetings", True),
        ),
    )


@dataclass(frozen=True)
class TenantPolicy:
    """A tenant's policy as stored: the template and the Zoom group that holds it, if any."""

    tenant_id: int
    policy: SettingsPolicy
    group_id: str | None = None
    group_name: str = ""
    updated_at: datetime | None = None
    stored: bool = False
    """False while the tenant still has the default policy nobody saved yet."""


@dataclass(frozen=True)
class SettingFact:
    """One effective setting of a host: the value, the layer it comes from, whether locked."""

    key: str
    actual: Any
    layer: Layer
    locked: bool


@dataclass(frozen=True)
class SettingsSnapshot:
    """A host's effective policy settings as last read from Zoom."""

    host_id: int
    fetched_at: datetime
    facts: dict[str, SettingFact] = field(default_factory=dict)
