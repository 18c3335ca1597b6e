"""Users, settings, account and plan endpoints of the sandbox, over loopback HTTP."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sandbox_http import admin, client

from zoomadmin.sandbox import SandboxServer


def _create(
    api: httpx.Client, email: str, user_type: int = 1, action: str = "autoCreate"
) -> httpx.Response:
    return api.post(
        "/users",
        json={
            "action": action,
            "user_info": {"email": email, "type": user_type, "first_name": "Ada"},
        },
    )


def test_create_get_list_and_duplicate(sandbox: SandboxServer) -> None:
    with client(sandbox) as api:
        made = _create(api, "ada+one@example.com")
        assert made.status_code == 201
        body = made.json()
        assert (
            body["email"] == "ada+one@example.com" and body["type"] == 1 and len(body["id"]) == 22
        )
        assert api.get(f"/users/{body['id']}").json()["email"] == "ada+one@example.com"
        assert api.get("/users/ADA+ONE@example.com").json()["id"] == body["id"]
        listed = api.get("/users", params={"page_size": 1000}).json()
        assert listed["page_size"] == 300 and listed["total_records"] == 2
        dup = _create(api, "Ada+One@Example.com")
        assert dup.status_code == 409
        assert dup.json() == {
            "code": 1005,
            "message": "User already in the account: Ada+One@Example.com",
        }
        assert api.get("/users/email", params={"email": "ada+one@example.com"}).json() == {
            "existed_email": True
        }


def test_invalid_email_and_unknown_user(sandbox: SandboxServer) -> None:
    with client(sandbox) as api:
        bad = _create(api, "not-an-email")
        assert bad.status_code == 400
        assert bad.json() == {
            "code": 300,
            "message": "Validation Failed.",
            "errors": [{"field": "user_info.email", "message": "Invalid field."}],
        }
        missing = api.get("/users/nobody@example.com")
        assert missing.status_code == 404
        assert missing.json() == {
            "code": 1001,
            "message": "User does not exist: nobody@example.com.",
        }


def test_pending_user_activates_on_the_clock_and_settings_refused(sandbox: SandboxServer) -> None:
    with client(sandbox) as api:
        user_id = _create(api, "pending@example.com", action="create").json()["id"]
        assert api.get(f"/users/{user_id}").json()["status"] == "pending"
        assert api.get("/users", params={"status": "pending"}).json()["total_records"] == 1
        refused = api.get(f"/users/{user_id}/settings")
        assert refused.status_code == 400 and refused.json()["code"] == 1000
        user = sandbox.sandbox.state.users[user_id]
        assert user.activates_at == sandbox.sandbox.clock.now() + timedelta(minutes=30)


def test_cust_and_sso_create(sandbox: SandboxServer) -> None:
    with client(sandbox) as api:
        refused = _create(api, "isv@example.com", 2, "custCreate")
        assert refused.status_code == 400 and refused.json() == {
            "code": 200,
            "message": "No privilege.",
        }
        assert _create(api, "sso@example.com", 99, "ssoCreate").status_code == 201
        assert _create(api, "auto@example.com", 99).status_code == 400
        with admin(sandbox) as adm:
            adm.patch("/config", json={"isv_partner": True}).raise_for_status()
        assert _create(api, "isv@example.com", 2, "custCreate").status_code == 201


def test_seat_limit_on_create_and_patch_with_licensed_spans(sandbox: SandboxServer) -> None:
    with client(sandbox) as api:
        seats = api.get("/accounts/me/plans/usage").json()["plan_base"]["usage"] + 1
        with admin(sandbox) as adm:
            adm.patch("/config", json={"paid_seats": seats}).raise_for_status()
        first = _create(api, "paid@example.com", 2)
        assert first.status_code == 201
        over = _create(api, "paid2@example.com", 2)
        assert over.status_code == 400
        assert over.json() == {"code": 200, "message": f"You can add max {seats} paid users."}
        basic_id = _create(api, "basic@example.com", 1).json()["id"]
        assert api.patch(f"/users/{basic_id}", json={"type": 2}).status_code == 400
        assert api.patch(f"/users/{first.json()['id']}", json={"type": 1}).status_code == 204
        assert api.patch(f"/users/{basic_id}", json={"type": 2}).status_code == 204
        usage = api.get("/accounts/me/plans/usage").json()["plan_base"]
        assert usage["hosts"] == seats and usage["usage"] == seats
        spans = sandbox.sandbox.state.users[first.json()["id"]].licensed_spans
        assert len(spans) == 1 and spans[0][1] is not None
        summary = api.get("/users/summary").json()
        assert summary["licensed_users_count"] == seats


def test_delete_and_status(sandbox: SandboxServer) -> None:
    with client(sandbox) as api:
        user_id = _create(api, "gone@example.com").json()["id"]
        assert api.put(f"/users/{user_id}/status", json={"action": "deactivate"}).status_code == 204
        assert api.get("/users", params={"status": "inactive"}).json()["total_records"] == 1
        assert api.put(f"/users/{user_id}/status", json={"action": "activate"}).status_code == 204
        assert api.delete(f"/users/{user_id}", params={"action": "delete"}).status_code == 204
        assert api.get(f"/users/{user_id}").status_code == 404
        assert api.delete(f"/users/{user_id}").status_code == 404


def test_settings_patch_respects_locks(sandbox: SandboxServer) -> None:
    with client(sandbox) as api:
        owner = api.get("/users/me").json()["id"]
        settings = api.get(f"/users/{owner}/settings").json()
        assert settings["recording"]["auto_recording"] in ("none", "cloud", "local")
        patch = {"recording": {"auto_recording": "local"}, "in_meeting": {"waiting_room": False}}
        assert api.patch(f"/users/{owner}/settings", json=patch).status_code == 204
        assert api.get(f"/users/{owner}/settings").json()["recording"]["auto_recording"] == "local"
        locks = {"in_meeting": {"waiting_room": True}}
        assert api.patch("/accounts/me/lock_settings", json=locks).status_code == 204
        assert api.get("/accounts/me/lock_settings").json()["in_meeting"]["waiting_room"] is True
        patch = {"in_meeting": {"waiting_room": False}}
        assert api.patch(f"/users/{owner}/settings", json=patch).status_code == 204
        account_value = api.get("/accounts/me/settings").json()["in_meeting"]["waiting_room"]
        assert (
            api.get(f"/users/{owner}/settings").json()["in_meeting"]["waiting_room"]
            == account_value
        )


def test_tolerances(sandbox: SandboxServer) -> None:
    with client(sandbox) as api:
        assert api.get("/users/", params={"unknown": "x"}).status_code == 200
        both = api.get("/users", params={"page_size": 1, "page_number": 1}).json()
        assert both["page_number"] == 1 and both["next_page_token"] == ""

        def chunks():  # type: ignore[no-untyped-def]
            yield b'{"action":"autoCreate","user_info":'
            yield b'{"email":"chunk@example.com","type":1,"extra":1},"more":true}'

        made = api.post("/users", content=chunks(), headers={"content-type": "text/plain"})
        assert made.status_code == 201
        bad = api.post("/users", content=b"[1,2]")
        assert bad.status_code == 400 and bad.json()["code"] == 300


def test_list_pages_by_next_page_token(sandbox: SandboxServer) -> None:
    with client(sandbox) as api:
        for n in range(4):
            assert _create(api, f"page+{n}@example.com").status_code == 201
        first = api.get("/users", params={"page_size": 2}).json()
        assert first["total_records"] == 5 and first["page_count"] == 3
        seen = [u["id"] for u in first["users"]]
        token = first["next_page_token"]
        while token:
            page = api.get("/users", params={"page_size": 2, "next_page_token": token}).json()
            seen += [u["id"] for u in page["users"]]
            token = page["next_page_token"]
        assert len(seen) == len(set(seen)) == 5
        third = api.get("/users", params={"page_size": 2, "page_number": 3}).json()
        assert [u["id"] for u in third["users"]] == seen[4:]


def test_license_assignments_past_the_hourly_budget_are_refused_until_the_hour_passes(
    sandbox: SandboxServer,
) -> None:
    with client(sandbox) as api:
        ada = _create(api, "ada@example.com", 1).json()["id"]
        ben = _create(api, "ben@example.com", 1).json()["id"]
        with admin(sandbox) as adm:
            adm.patch("/config", json={"license_moves_per_hour": 2, "paid_seats": 10})
            assert adm.get("/config").json()["license_moves_per_hour"] == 2
        assert api.patch(f"/users/{ada}", json={"type": 2}).status_code == 204
        sandbox.sandbox.clock.advance(timedelta(minutes=20))
        assert api.patch(f"/users/{ada}", json={"type": 1}).status_code == 204
        # A change of something else is no license assignment.
        assert api.patch(f"/users/{ada}", json={"first_name": "Ada"}).status_code == 204
        refused = api.patch(f"/users/{ben}", json={"type": 2})
        assert refused.status_code == 400
        assert refused.json() == {
            "code": 200,
            "message": "You have exceeded the limit of license assignments for your account. "
            "Please try again after 40 minutes.",
        }
        assert sandbox.sandbox.state.users[ben].type == 1  # nothing changed
    sandbox.sandbox.clock.advance(timedelta(minutes=41))
    with client(sandbox) as api:  # a new token: the first one expired meanwhile
        assert api.patch(f"/users/{ben}", json={"type": 2}).status_code == 204
        with admin(sandbox) as adm:
            adm.patch("/config", json={"license_moves_per_hour": 0})
        for _ in range(3):  # no budget: no limit
            assert api.patch(f"/users/{ben}", json={"type": 1}).status_code == 204
            assert api.patch(f"/users/{ben}", json={"type": 2}).status_code == 204
