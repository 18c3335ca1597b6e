"""Which layer a host's effective setting comes from, read from Zoom with one read per layer."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from zoomadmin.core.policy import CATALOGUE, Layer, SettingFact, lookup
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.models import LockSettings

POLICY_KEYS: tuple[str, ...] = tuple(spec.key for spec in CATALOGUE)


@dataclass(frozen=True)
class LayerValues:
    """One layer's settings tree and its locks."""

    settings: Mapping[str, Any]
    locks: LockSettings

    def locked(self, key: str) -> bool:
        """Whether this layer locks ``group.key``."""
        group, _, name = key.partition(".")
        return self.locks.is_locked(group, name)


def resolve(key: str, actual: Any, account: LayerValues, group: LayerValues | None) -> SettingFact:
    """The layer ``actual`` comes from: a lock above wins, else the layer whose value it is.

    Zoom does not say whether a user's value was set by the user or inherited; a value equal
    to the group's (or, without a group, the account's) is taken as inherited.
    """
    if account.locked(key):
        return SettingFact(key, actual, Layer.ACCOUNT, True)
    if group is not None:
        if group.locked(key):
            return SettingFact(key, actual, Layer.GROUP, True)
        if lookup(group.settings, key) == actual:
            return SettingFact(key, actual, Layer.GROUP, False)
        return SettingFact(key, actual, Layer.USER, False)
    if lookup(account.settings, key) == actual:
        return SettingFact(key, actual, Layer.ACCOUNT, False)
    return SettingFact(key, actual, Layer.USER, False)


def facts_of(
    effective: Mapping[str, Any],
    account: LayerValues,
    group: LayerValues | None,
    keys: Iterable[str] = POLICY_KEYS,
) -> dict[str, SettingFact]:
    """Every ``keys`` setting of a user's effective tree, with its layer and lock."""
    return {key: resolve(key, lookup(effective, key), account, group) for key in keys}


@dataclass
class LayerReader:
    """Reads the account's and groups' settings and locks once each, for many hosts."""

    zoom: ZoomClient
    _account: LayerValues | None = None
    _groups: dict[str, LayerValues] = field(default_factory=dict)
    _members: dict[str, frozenset[str]] = field(default_factory=dict)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def account(self) -> LayerValues:
        """The account's settings and locks (read on first use)."""
        async with self._lock:
            if self._account is None:
                settings = await self.zoom.get_account_settings()
                locks = await self.zoom.get_lock_settings()
                self._account = LayerValues(settings.raw, locks)
            return self._account

    async def group(self, group_id: str) -> LayerValues:
        """A group's settings and locks (read on first use)."""
        async with self._lock:
            if group_id not in self._groups:
                settings = await self.zoom.get_group_settings(group_id)
                locks = await self.zoom.get_group_lock_settings(group_id)
                self._groups[group_id] = LayerValues(settings.raw, locks)
            return self._groups[group_id]

    async def members(self, group_id: str) -> frozenset[str]:
        """The Zoom user ids in a group (read on first use)."""
        async with self._lock:
            if group_id not in self._members:
                ids = [m.id async for m in self.zoom.iter_group_members(group_id)]
                self._members[group_id] = frozenset(ids)
            return self._members[group_id]

    def joined(self, group_id: str, user_ids: Iterable[str]) -> None:
        """Note users just added to a group."""
        self._members[group_id] = self._members.get(group_id, frozenset()) | set(user_ids)

    def forget_group(self, group_id: str) -> None:
        """Read the group's settings again next time (after they were written)."""
        self._groups.pop(group_id, None)

    async def facts(
        self, zoom_user_id: str, group_id: str | None, keys: Iterable[str] = POLICY_KEYS
    ) -> tuple[dict[str, Any], dict[str, SettingFact]]:
        """A user's effective settings tree and the facts of ``keys`` (one GET for the user)."""
        account = await self.account()
        group = None
        if group_id and zoom_user_id in await self.members(group_id):
            group = await self.group(group_id)
        effective = (await self.zoom.get_user_settings(zoom_user_id)).raw
        return effective, facts_of(effective, account, group, keys)
