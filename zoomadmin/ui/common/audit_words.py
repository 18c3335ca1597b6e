"""Audit entries in words: what was done, to what, by whom."""

from __future__ import annotations

from typing import Any

from zoomadmin.services.hosts import AuditLine

ACTIONS = {
    "host.create": "Host created in Zoom (invited)",
    "host.link": "Existing Zoom user linked",
    "host.move": "Moved to another tenant",
    "host.deactivate": "Deactivated",
    "host.reactivate": "Reactivated",
    "host.remove": "Removed from Zoom",
    "host.rename": "Renamed",
    "host.sync": "Synced users with Zoom",
    "meeting.sync": "Synced sessions with Zoom",
    "tenant.create": "Tenant created",
    "tenant.update": "Tenant edited",
    "tenant.delete": "Tenant deleted",
}


def action_words(action: str) -> str:
    """ "host.move" → "Moved to another tenant" (unknown actions as they are)."""
    return ACTIONS.get(action, action)


def _value(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(
            f"{k.replace('_', ' ')}: {'none' if v is None else v}" for k, v in value.items()
        )
    return "" if value is None else str(value)


def change_words(line: AuditLine) -> str:
    """What changed: "status: active → status: inactive" or the new value alone."""
    old, new = _value(line.old_value), _value(line.new_value)
    if old and new:
        return f"{old} → {new}"
    return new or old
