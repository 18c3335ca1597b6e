"""Zoom client libraries written by others work unchanged against the sandbox, plus Zoom's
tolerances (chunked bodies, unknown parameters and fields, trailing slashes, date forms).

Each library is pointed at the sandbox only through its own options:
- zoomus 1.2: ``ZoomClient(..., base_uri=api_url, oauth_uri=oauth_url)`` (S2S built in).
- zoom-python-client 0.2: ``ZoomApiClient(..., api_endpoint=api_url)``; its token URL is the
  class attribute ``ZoomAuthApiClient.oauth_base_url``, set on a subclass; ``use_path`` keeps
  its token in a file under tmp_path instead of the process environment.
- pyzoom 1.0: ``ZoomClient(access_token, base_url=api_url)``. Its token URL is hard-coded
  (``https://zoom.us/oauth/token``) and it has no S2S grant, so the token comes from the
  sandbox's OAuth endpoint; everything else goes through pyzoom.
- @zoom/rivet 0.4 (Node): ``baseUrl`` option; its token URL is a module constant, so the token
  is handed over through its ``tokenStore`` option (see thirdparty/rivet_check.mjs).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sandbox_http

from zoomadmin.sandbox import SandboxServer

THIRDPARTY = Path(__file__).parent / "thirdparty"


@pytest.fixture
def isv_sandbox(sandbox: SandboxServer) -> Iterator[SandboxServer]:
    """The empty sandbox as an ISV-partner account, so ``custCreate`` hosts can be made."""
    with sandbox_http.admin(sandbox) as admin:
        admin.patch("/config", json={"isv_partner": True}).raise_for_status()
    yield sandbox


def test_zoomus(isv_sandbox: SandboxServer) -> None:
    """zoomus: token fetch, list/create users, create/get meeting, list recordings."""
    zoomus = pytest.importorskip("zoomus")
    info = isv_sandbox.info
    client = zoomus.ZoomClient(
        info.client_id,
        info.client_secret,
        info.account_id,
        base_uri=info.api_url,
        oauth_uri=info.oauth_url,
    )
    assert client.config["token"] in isv_sandbox.sandbox.state.tokens
    assert client.user.list().json()["total_records"] >= 1
    created = client.user.create(
        action="custCreate",
        user_info={"email": "zoomus+1@learnwell.example", "type": 2, "first_name": "Zoo"},
    )
    assert created.status_code == 201, created.text
    user_id = created.json()["id"]
    assert client.user.get(id=user_id).json()["email"] == "zoomus+1@learnwell.example"
    # zoomus sends user_id inside the JSON body too (an unknown field Zoom ignores).
    meeting = client.meeting.create(user_id=user_id, topic="zoomus check", type=2, duration=30)
    assert meeting.status_code == 201, meeting.text
    fetched = client.meeting.get(id=meeting.json()["id"])  # id also lands in the query
    assert fetched.json()["topic"] == "zoomus check"
    # zoomus writes from/to as full date-times (its date_to_str); Zoom reads the date part.
    from datetime import date

    recordings = client.recording.list(
        user_id=user_id, start=date(2026, 2, 1), end=date(2026, 3, 1)
    )
    assert recordings.status_code == 200, recordings.text
    assert recordings.json()["from"] == "2026-02-01"


def _zoom_python_client(info: object, token_dir: Path) -> object:
    from zoom_python_client.zoom_api_client import ZoomApiClient
    from zoom_python_client.zoom_auth_api.zoom_auth_api_client import ZoomAuthApiClient

    oauth_base = info.oauth_url.removesuffix("/token")  # type: ignore[attr-defined]
    sandbox_auth = type("SandboxAuth", (ZoomAuthApiClient,), {"oauth_base_url": oauth_base})
    client = ZoomApiClient(
        info.account_id,  # type: ignore[attr-defined]
        info.client_id,  # type: ignore[attr-defined]
        info.client_secret,  # type: ignore[attr-defined]
        api_endpoint=info.api_url,  # type: ignore[attr-defined]
        use_path=str(token_dir),
    )
    client.authentication_client = sandbox_auth(
        info.account_id,  # type: ignore[attr-defined]
        info.client_id,  # type: ignore[attr-defined]
        info.client_secret,  # type: ignore[attr-defined]
        use_path=str(token_dir),
    )
    return client


def test_zoom_python_client(isv_sandbox: SandboxServer, tmp_path: Path) -> None:
    """zoom-python-client: token fetch (query-string grant), users, meetings, recordings."""
    pytest.importorskip("zoom_python_client")
    client: object = _zoom_python_client(isv_sandbox.info, tmp_path)
    users = client.make_get_request("/users", {"page_size": 300}).json()  # type: ignore[attr-defined]
    assert (tmp_path / "access_token").read_text() in isv_sandbox.sandbox.state.tokens
    assert users["total_records"] >= 1
    # Its make_post_request hands `data` to requests as is: a JSON string is sent verbatim.
    body = {"action": "custCreate", "user_info": {"email": "zpc+1@learnwell.example", "type": 2}}
    created = client.make_post_request("/users", json.dumps(body)).json()  # type: ignore[attr-defined]
    user = client.users.get_user(created["id"])  # type: ignore[attr-defined]
    assert user["email"] == "zpc+1@learnwell.example"
    meeting_body = {"topic": "zpc check", "type": 2, "start_time": "2026-03-10T10:00:00Z"}
    meeting = client.make_post_request(  # type: ignore[attr-defined]
        f"/users/{created['id']}/meetings", json.dumps(meeting_body)
    ).json()
    assert client.meetings.get_meeting(meeting["id"])["topic"] == "zpc check"  # type: ignore[attr-defined]
    listed = client.users.get_user_meetings(created["id"], {"page_size": 30})  # type: ignore[attr-defined]
    assert [m["id"] for m in listed["meetings"]] == [meeting["id"]]
    path = f"/users/{created['id']}/recordings"
    recordings = client.make_get_request(path, {"from": "2026-02-01", "to": "2026-03-01"})  # type: ignore[attr-defined]
    assert recordings.json()["total_records"] == 0


def test_pyzoom(isv_sandbox: SandboxServer) -> None:
    """pyzoom: its pydantic models parse the sandbox's users, meetings and created meeting."""
    pyzoom = pytest.importorskip("pyzoom")
    info = isv_sandbox.info
    client = pyzoom.ZoomClient(sandbox_http.token(isv_sandbox), base_url=info.api_url)
    users = client.users.get_users(status="active")
    assert len(users.users) >= 1
    meeting = client.meetings.create_meeting(
        "pyzoom check", start_time="2026-03-10T10:00:00Z", duration_min=30
    )
    assert meeting.topic == "pyzoom check" and meeting.settings.waiting_room in (True, False)
    assert client.meetings.get_meeting(meeting.id).join_url == meeting.join_url
    assert [m.id for m in client.meetings.list_meetings().meetings] == [meeting.id]
    recordings = client.raw.get("/users/me/recordings", query={"from": "2026-02-15"})
    assert recordings.json()["meetings"] == []


def _rivet_ready() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed (scripts/setup.sh installs @zoom/rivet when npm exists)"
    if not (THIRDPARTY / "node_modules" / "@zoom" / "rivet").is_dir():
        return "@zoom/rivet is not installed: npm install --prefix tests/sandbox/thirdparty"
    return None


def test_rivet(isv_sandbox: SandboxServer) -> None:
    """@zoom/rivet (Zoom's Node SDK): users, meetings and recordings through its endpoints."""
    reason = _rivet_ready()
    if reason:
        pytest.skip(reason)
    info = isv_sandbox.info
    env = {
        **os.environ,
        "ZOOM_API_URL": info.api_url,
        "ZOOM_OAUTH_URL": info.oauth_url,
        "ZOOM_ACCOUNT_ID": info.account_id,
        "ZOOM_CLIENT_ID": info.client_id,
        "ZOOM_CLIENT_SECRET": info.client_secret,
    }
    node = shutil.which("node") or "node"
    done = subprocess.run(  # noqa: S603 (fixed script, our own arguments)
        [node, "rivet_check.mjs"],
        check=False,
        cwd=THIRDPARTY,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["list_status"] == 200 and result["user_count"] >= 1
    assert result["create_user_status"] == 201
    assert result["fetched_user_email"] == "rivet+host@learnwell.example"
    assert result["create_meeting_status"] == 201 and isinstance(result["meeting_id"], int)
    assert result["fetched_meeting_topic"] == "Rivet check"
    assert result["recordings_status"] == 200 and result["recordings_total"] == 0
    assert result["tracking_id"].startswith("v=2.0;")


@pytest.fixture
def api(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    """An authenticated httpx client on the empty sandbox."""
    with sandbox_http.client(sandbox) as client:
        yield client


def _owner(api: httpx.Client) -> str:
    user_id: str = api.get("/users").json()["users"][0]["id"]
    return user_id


def test_chunked_request_body(api: httpx.Client) -> None:
    """A body sent with Transfer-Encoding: chunked (no Content-Length) is read whole."""
    payload = json.dumps({"topic": "Chunked", "type": 2, "start_time": "2026-03-10T10:00:00Z"})

    def pieces() -> Iterator[bytes]:
        data = payload.encode()
        for start in range(0, len(data), 7):
            yield data[start : start + 7]

    answer = api.post(
        f"/users/{_owner(api)}/meetings",
        content=pieces(),
        headers={"content-type": "application/json"},
    )
    assert answer.request.headers.get("transfer-encoding") == "chunked"
    assert answer.status_code == 201, answer.text
    assert api.get(f"/meetings/{answer.json()['id']}").json()["topic"] == "Chunked"


def test_unknown_query_parameters_and_fields_are_ignored(api: httpx.Client) -> None:
    """Zoom ignores what it does not know: extra query parameters and body fields."""
    owner = _owner(api)
    listed = api.get("/users", params={"status": "active", "flavour": "vanilla", "x": "1"})
    assert listed.status_code == 200 and listed.json()["total_records"] >= 1
    body = {"topic": "Extra", "type": 2, "colour": "teal", "settings": {"sparkles": True}}
    created = api.post(f"/users/{owner}/meetings", json=body, params={"utm": "x"})
    assert created.status_code == 201, created.text
    assert "colour" not in created.json()


def test_trailing_slashes_answer_in_place(api: httpx.Client) -> None:
    """``/users/`` and ``/users/{id}/`` answer like the paths without the slash (no redirect)."""
    owner = _owner(api)
    listed = api.get("/users/")
    assert listed.status_code == 200 and listed.json()["users"][0]["id"] == owner
    assert api.get(f"/users/{owner}/").json()["id"] == owner
    meeting = api.post(f"/users/{owner}/meetings/", json={"topic": "Slash", "type": 2})
    assert meeting.status_code == 201, meeting.text


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-02-01", "2026-03-01"),
        ("2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"),
        ("2026-02-01T08:30:00", "2026-03-01T23:59:59+00:00"),
    ],
)
def test_date_ranges_accept_dates_and_date_times(api: httpx.Client, start: str, end: str) -> None:
    """Recording and dashboard ranges take yyyy-mm-dd or full ISO date-times alike."""
    owner = _owner(api)
    recordings = api.get(f"/users/{owner}/recordings", params={"from": start, "to": end})
    assert recordings.status_code == 200, recordings.text
    assert (recordings.json()["from"], recordings.json()["to"]) == ("2026-02-01", "2026-03-01")
    past = api.get("/metrics/meetings", params={"type": "past", "from": start, "to": end})
    assert past.status_code == 200, past.text
    assert (past.json()["from"], past.json()["to"]) == ("2026-02-01", "2026-03-01")


def test_null_settings_fields_read_as_absent(api: httpx.Client) -> None:
    """Zoom treats a ``null`` setting as not given (pyzoom sends its unset Optionals as null)."""
    body = {"topic": "Nulls", "type": 2, "settings": {"alternative_hosts": None, "audio": None}}
    created = api.post(f"/users/{_owner(api)}/meetings", json=body)
    assert created.status_code == 201, created.text
    settings = created.json()["settings"]
    assert settings["alternative_hosts"] == "" and settings["audio"] == "both"
