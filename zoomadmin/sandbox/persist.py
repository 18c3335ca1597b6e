"""The sandbox account as JSON: tagged datetimes, sets and tuples, so decoding needs no schema."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from typing import Any, TypeVar

from zoomadmin.sandbox.groups import GroupBook
from zoomadmin.sandbox.state import (
    AccountConfig,
    LiveMeeting,
    Meeting,
    PastMeeting,
    Recording,
    RecordingFile,
    SandboxState,
    User,
    WebhookSubscription,
)

#: Version 2 adds live meetings and recordings still waiting to complete.
STATE_FORMAT_VERSION = 2
_READABLE_VERSIONS = (1, 2)
_T = TypeVar("_T")


def state_to_json(state: SandboxState) -> str:
    """The whole account as JSON (tokens are not kept: they are short-lived)."""
    with state.lock:
        data = {
            "version": STATE_FORMAT_VERSION,
            "account": _encode(state.account),
            "owner_id": state.owner_id,
            "users": [_encode(u) for u in state.users.values()],
            "meetings": [_encode(m) for m in state.meetings.values()],
            "live": [_encode(live) for live in state.live.values()],
            "past": [_encode(p) for p in state.past.values()],
            "recordings": [_encode(r) for r in state.recordings.values()],
            "pending_recordings": [[at.isoformat(), uuid] for at, uuid in state.pending_recordings],
            "webhooks": [_encode(w) for w in state.webhook_subscriptions.values()],
            "quota": [[h, d.isoformat(), n] for (h, d), n in state.quota.items()],
            "account_settings": state.account_settings,
            "lock_settings": state.lock_settings,
            "groups": state.groups.to_json(),
        }
        return json.dumps(data, separators=(",", ":"))


def state_from_json(text: str) -> SandboxState:
    """Rebuild an account written by :func:`state_to_json` (or by the version before it)."""
    data = json.loads(text)
    if data.get("version") not in _READABLE_VERSIONS:
        raise ValueError(f"unsupported sandbox state version {data.get('version')!r}")
    state = SandboxState(_decode(AccountConfig, data["account"]))
    for raw in data["users"]:
        state.add_user(_decode(User, raw))
    state.owner_id = data["owner_id"]
    for raw in data["meetings"]:
        state.add_meeting(_decode(Meeting, raw))
    for raw in data.get("live", []):
        live = _decode(LiveMeeting, raw)
        state.live[live.meeting_id] = live
    for raw in data["past"]:
        state.add_past(_decode(PastMeeting, raw))
    for raw in data["recordings"]:
        raw["files"] = [_decode(RecordingFile, f) for f in raw["files"]]
        state.add_recording(_decode(Recording, raw))
    state.pending_recordings = [
        (datetime.fromisoformat(at), uuid) for at, uuid in data.get("pending_recordings", [])
    ]
    for raw in data["webhooks"]:
        sub = _decode(WebhookSubscription, raw)
        state.webhook_subscriptions[sub.id] = sub
    state.quota = {(h, date.fromisoformat(d)): n for h, d, n in data["quota"]}
    state.account_settings = data["account_settings"]
    state.lock_settings = data["lock_settings"]
    state.groups = GroupBook.from_json(data.get("groups", {}))
    return state


def _encode(value: Any) -> Any:
    """JSON-able form with tagged datetimes, sets and tuples (so decoding needs no schema)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, set | frozenset):
        return {"$set": [_encode(v) for v in sorted(value)]}
    if isinstance(value, tuple):
        return {"$tuple": [_encode(v) for v in value]}
    return _encode_container(value)


def _encode_container(value: Any) -> Any:
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value


def _untag(value: Any) -> Any:
    if isinstance(value, list):
        return [_untag(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((key, inner),) = value.items()
        if key == "$dt":
            return datetime.fromisoformat(inner)
        if key == "$set":
            return {_untag(v) for v in inner}
        if key == "$tuple":
            return tuple(_untag(v) for v in inner)
    return {k: _untag(v) for k, v in value.items()}


def _decode(cls: type[_T], raw: dict[str, Any]) -> _T:
    values: dict[str, Any] = {
        k: v if dataclasses.is_dataclass(v) else _untag(v) for k, v in raw.items()
    }
    if cls is AccountConfig and isinstance(values.get("scopes"), set):
        values["scopes"] = frozenset(values["scopes"])
    return cls(**values)
