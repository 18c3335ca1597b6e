"""The sandbox's user groups and Zoom's settings resolution: account, then group, then user.

A user's own value stands unless a lock above it wins: an account lock overrides every
layer, a group lock overrides the group's members (FACTS §7, §13.5). A group's new value
reaches the members that never changed that setting themselves; a member's own change
survives it unless the group locks the setting (Zoom support KB0065579). The first group a
user joins is the one whose settings apply to them (Zoom's "main group").
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zoomadmin.sandbox.state import SandboxState, User

Tree = dict[str, dict[str, Any]]


@dataclass(slots=True)
class Group:
    """One group: its members (user ids, in the order they joined), settings and locks."""

    id: str
    name: str
    settings: Tree
    lock_settings: dict[str, dict[str, bool]]
    members: dict[str, datetime] = field(default_factory=dict)


@dataclass(slots=True)
class GroupBook:
    """Every group of the account, each user's main group and the settings users set."""

    groups: dict[str, Group] = field(default_factory=dict)
    main_group: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, set[str]] = field(default_factory=dict)
    """Per user id, the ``group.key`` settings the user (not a group) set last."""

    def find_by_name(self, name: str) -> Group | None:
        """The group called ``name`` (any case), if any."""
        wanted = name.casefold()
        return next((g for g in self.groups.values() if g.name.casefold() == wanted), None)

    def group_of(self, user_id: str) -> Group | None:
        """The group whose settings apply to ``user_id`` (its main group), if any."""
        group_id = self.main_group.get(user_id)
        return self.groups.get(group_id) if group_id else None

    def to_json(self) -> dict[str, Any]:
        """Plain JSON data (datetimes as ISO strings, sets as sorted lists)."""
        return {
            "groups": [
                {
                    "id": g.id,
                    "name": g.name,
                    "settings": g.settings,
                    "lock_settings": g.lock_settings,
                    "members": {uid: at.isoformat() for uid, at in g.members.items()},
                }
                for g in self.groups.values()
            ],
            "main_group": self.main_group,
            "overrides": {uid: sorted(keys) for uid, keys in self.overrides.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GroupBook:
        """Rebuild a book written by :meth:`to_json` (an empty one from ``{}``)."""
        book = cls()
        for raw in data.get("groups", []):
            members = {uid: datetime.fromisoformat(at) for uid, at in raw["members"].items()}
            group = Group(raw["id"], raw["name"], raw["settings"], raw["lock_settings"], members)
            book.groups[group.id] = group
        book.main_group = dict(data.get("main_group", {}))
        book.overrides = {uid: set(keys) for uid, keys in data.get("overrides", {}).items()}
        return book


def new_group(state: SandboxState, group_id: str, name: str) -> Group:
    """A group whose settings start as the account's and which locks nothing."""
    settings = {k: copy.deepcopy(v) for k, v in state.account_settings.items() if k != "feature"}
    locks = {k: {key: False for key in v} for k, v in settings.items()}
    return Group(group_id, name, settings, locks)


def lock_holder(state: SandboxState, user: User, group: str, key: str) -> str | None:
    """Which layer locks ``group.key`` for ``user``: "account", "group" or None."""
    if state.lock_settings.get(group, {}).get(key):
        return "account"
    main = state.groups.group_of(user.id)
    if main is not None and main.lock_settings.get(group, {}).get(key):
        return "group"
    return None


def effective_settings(state: SandboxState, user: User) -> Tree:
    """The user's settings as Zoom serves them: the user's values, group locks, account locks."""
    out = {group: dict(values) for group, values in user.settings.items()}
    main = state.groups.group_of(user.id)
    layers: list[tuple[Tree, dict[str, dict[str, bool]]]] = []
    if main is not None:
        layers.append((main.settings, main.lock_settings))
    layers.append((state.account_settings, state.lock_settings))
    for values, locks in layers:
        for group, keys in locks.items():
            for key, locked in keys.items():
                if locked and key in values.get(group, {}):
                    out.setdefault(group, {})[key] = values[group][key]
    return out


def note_user_change(state: SandboxState, user_id: str, changed: Tree) -> None:
    """Remember that the user set these settings (a group default no longer replaces them)."""
    keys = state.groups.overrides.setdefault(user_id, set())
    keys.update(f"{group}.{key}" for group, values in changed.items() for key in values)


def _push(state: SandboxState, group: Group, user: User, patch: Tree) -> None:
    """Give ``user`` the group's values of ``patch`` it has not set itself."""
    own = state.groups.overrides.get(user.id, set())
    for name, values in patch.items():
        current = user.settings.get(name)
        if current is None:
            continue
        for key, value in values.items():
            if f"{name}.{key}" not in own:
                current[key] = copy.deepcopy(value)


def add_member(state: SandboxState, group: Group, user: User, at: datetime) -> None:
    """Make ``user`` a member; a user in no group yet takes this one's settings."""
    group.members.setdefault(user.id, at)
    if user.id not in state.groups.main_group:
        state.groups.main_group[user.id] = group.id
        _push(state, group, user, group.settings)


def remove_member(state: SandboxState, group: Group, user_id: str) -> None:
    """Take ``user_id`` out of the group; its next group (if any) becomes its main group."""
    group.members.pop(user_id, None)
    book = state.groups
    if book.main_group.get(user_id) != group.id:
        return
    del book.main_group[user_id]
    for other in book.groups.values():
        if user_id in other.members:
            book.main_group[user_id] = other.id
            break


def delete_group(state: SandboxState, group: Group) -> None:
    """Remove a group; its members fall back to their next group or to none."""
    for user_id in list(group.members):
        remove_member(state, group, user_id)
    del state.groups.groups[group.id]


def patch_tree(target: Tree, patch: dict[str, Any], *, booleans: bool) -> Tree:
    """Apply a partial settings (or, with ``booleans``, lock) tree; returns what changed.

    Unknown groups and keys are ignored, as Zoom's PATCH ignores them; a lock leaf that is
    not a boolean raises ``ValueError`` naming it.
    """
    changed: Tree = {}
    for name, values in patch.items():
        current = target.get(name)
        if current is None or not isinstance(values, dict):
            continue
        for key, value in values.items():
            if key not in current:
                continue
            if booleans and not isinstance(value, bool):
                raise ValueError(f"{name}.{key}")
            if current[key] != value:
                current[key] = value
                changed.setdefault(name, {})[key] = value
    return changed


def patch_group_settings(state: SandboxState, group: Group, patch: dict[str, Any]) -> Tree:
    """Change the group's settings and hand the new values to members who kept the default."""
    changed = patch_tree(group.settings, patch, booleans=False)
    for user_id in group.members:
        user = state.users.get(user_id)
        if user is not None and state.groups.main_group.get(user_id) == group.id:
            _push(state, group, user, changed)
    return changed
