"""Groups, members, group settings and locks in the sandbox, and settings resolution."""

from __future__ import annotations

import httpx
from sandbox_http import admin, client

from zoomadmin.sandbox import SandboxServer


def _user(api: httpx.Client, email: str) -> str:
    info = {"email": email, "type": 2, "first_name": "Ada"}
    made = api.post("/users", json={"action": "autoCreate", "user_info": info})
    assert made.status_code == 201, made.text
    user_id: str = made.json()["id"]
    return user_id


def _recording(api: httpx.Client, user_id: str) -> dict[str, object]:
    answer = api.get(f"/users/{user_id}/settings")
    assert answer.status_code == 200
    recording: dict[str, object] = answer.json()["recording"]
    return recording


def test_group_lifecycle_and_errors(sandbox: SandboxServer) -> None:
    with client(sandbox) as api:
        made = api.post("/groups", json={"name": "Maths"})
        assert made.status_code == 201
        group = made.json()
        assert group["name"] == "Maths" and group["total_members"] == 0
        assert api.post("/groups", json={"name": "maths"}).status_code == 409
        assert api.post("/groups", json={}).json()["code"] == 300
        listed = api.get("/groups").json()
        assert listed["total_records"] == 1 and listed["groups"][0]["id"] == group["id"]
        missing = api.get("/groups/nope")
        assert missing.status_code == 404
        assert missing.json() == {"code": 4130, "message": "Group not exist: nope"}
        ada = _user(api, "ada@school.example")
        added = api.post(f"/groups/{group['id']}/members", json={"members": [{"id": ada}]})
        assert added.status_code == 201 and added.json()["ids"] == ada
        members = api.get(f"/groups/{group['id']}/members").json()
        assert [m["email"] for m in members["members"]] == ["ada@school.example"]
        assert members["total_records"] == 1 and members["members"][0]["primary_group"]
        assert api.get(f"/groups/{group['id']}").json()["total_members"] == 1
        gone = api.delete(f"/groups/{group['id']}/members/{ada}")
        assert gone.status_code == 204
        assert api.delete(f"/groups/{group['id']}/members/{ada}").json()["code"] == 1001
        assert api.delete(f"/groups/{group['id']}").status_code == 204
        assert api.get(f"/groups/{group['id']}").status_code == 404


def test_group_settings_reach_members_and_locks_hold(sandbox: SandboxServer) -> None:
    with client(sandbox) as api, admin(sandbox) as outside:
        gid = api.post("/groups", json={"name": "Locked"}).json()["id"]
        ada = _user(api, "ada@school.example")
        ben = _user(api, "ben@school.example")
        # Ben changes auto_recording himself before joining: his own value survives.
        outside.patch(f"/users/{ben}/settings", json={"recording": {"auto_recording": "local"}})
        api.post(f"/groups/{gid}/members", json={"members": [{"id": ada}, {"email": ben}]})
        patch = {"recording": {"auto_recording": "cloud", "host_delete_cloud_recording": False}}
        assert api.patch(f"/groups/{gid}/settings", json=patch).status_code == 204
        assert api.get(f"/groups/{gid}/settings").json()["recording"]["auto_recording"] == "cloud"
        assert _recording(api, ada)["auto_recording"] == "cloud"
        assert _recording(api, ben)["auto_recording"] == "local"
        bad = api.patch(f"/groups/{gid}/lock_settings", json={"recording": {"auto_recording": 1}})
        assert bad.status_code == 400 and bad.json()["code"] == 300
        locks = {"recording": {"auto_recording": True, "host_delete_cloud_recording": True}}
        assert api.patch(f"/groups/{gid}/lock_settings", json=locks).status_code == 204
        assert api.get(f"/groups/{gid}/lock_settings").json()["recording"]["auto_recording"]
        # The group lock now wins over Ben's own value, and over a change by API or portal.
        assert _recording(api, ben)["auto_recording"] == "cloud"
        change = {"recording": {"auto_recording": "none"}}
        assert api.patch(f"/users/{ada}/settings", json=change).status_code == 204
        outside.patch(f"/users/{ada}/settings", json=change)
        assert _recording(api, ada)["auto_recording"] == "cloud"
        # Unlocked, the user's own last value shows again.
        api.patch(f"/groups/{gid}/lock_settings", json={"recording": {"auto_recording": False}})
        assert _recording(api, ada)["auto_recording"] == "none"


def test_account_lock_beats_group(sandbox: SandboxServer) -> None:
    with client(sandbox) as api:
        gid = api.post("/groups", json={"name": "G"}).json()["id"]
        ada = _user(api, "ada@school.example")
        api.post(f"/groups/{gid}/members", json={"members": [{"id": ada}]})
        api.patch(f"/groups/{gid}/settings", json={"in_meeting": {"waiting_room": False}})
        api.patch(f"/groups/{gid}/lock_settings", json={"in_meeting": {"waiting_room": True}})
        assert api.get(f"/users/{ada}/settings").json()["in_meeting"]["waiting_room"] is False
        api.patch("/accounts/me/lock_settings", json={"in_meeting": {"waiting_room": True}})
        assert api.get(f"/users/{ada}/settings").json()["in_meeting"]["waiting_room"] is True


def test_groups_survive_the_state_file(sandbox: SandboxServer) -> None:
    from zoomadmin.sandbox.state import SandboxState

    with client(sandbox) as api:
        gid = api.post("/groups", json={"name": "Kept"}).json()["id"]
        ada = _user(api, "ada@school.example")
        api.post(f"/groups/{gid}/members", json={"members": [{"id": ada}]})
        api.patch(f"/groups/{gid}/lock_settings", json={"recording": {"cloud_recording": True}})
    state = sandbox.sandbox.state
    again = SandboxState.from_json(state.to_json())
    group = again.groups.groups[gid]
    assert list(group.members) == [ada] and group.lock_settings["recording"]["cloud_recording"]
    assert again.groups.group_of(ada) is not None
