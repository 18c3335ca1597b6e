"""Property-based fuzzing: requests drawn from Zoom's OpenAPI request schemas never get a 5xx.

For every operation the sandbox serves that Zoom's files describe, Hypothesis draws path ids
(real ones from the demo account, and malformed ones), query parameters and JSON bodies
from the documented schemas, mixed with wrong types and strings that once broke the sandbox.
Every answer must be below 500, every 4xx a Zoom ``{code, message}`` body, and afterwards the
sandbox must still move its clock and serve every listing.

The default run is short (a fixed seed, ``FUZZ_EXAMPLES`` examples per operation). Before a
release run it longer (see docs/sandbox.md):

    ZOOMADMIN_FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest -m slow \
        tests/sandbox/test_fuzz_openapi.py
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import sandbox_http
from fuzz_strategies import Operation, Resolver, as_query_text, operation, value_of
from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from openapi_schemas import LEGACY_SPEC, MEETINGS_SPEC, SpecMissingError, load_spec

from tests.conftest import SANDBOX_START
from zoomadmin.sandbox import SandboxServer

#: Examples per operation in the default run (about 0.5 s per operation).
FUZZ_EXAMPLES = 30
FUZZ_SEED = 20261207
#: The operations the sandbox serves, where Zoom's files describe them (the users API and
#: the dashboard are only in the older Swagger 2 file).
SERVED: dict[str, tuple[tuple[str, str], ...]] = {
    MEETINGS_SPEC: (
        ("POST", "/users/{userId}/meetings"),
        ("GET", "/users/{userId}/meetings"),
        ("GET", "/meetings/{meetingId}"),
        ("PATCH", "/meetings/{meetingId}"),
        ("DELETE", "/meetings/{meetingId}"),
        ("PUT", "/meetings/{meetingId}/status"),
        ("GET", "/past_meetings/{meetingId}"),
        ("GET", "/past_meetings/{meetingId}/participants"),
        ("GET", "/users/{userId}/recordings"),
        ("GET", "/meetings/{meetingId}/recordings"),
        ("DELETE", "/meetings/{meetingId}/recordings"),
        ("DELETE", "/meetings/{meetingId}/recordings/{recordingId}"),
        ("PUT", "/meetings/{meetingUUID}/recordings/status"),
    ),
    LEGACY_SPEC: (
        ("GET", "/users"),
        ("POST", "/users"),
        ("GET", "/users/{userId}"),
        ("PATCH", "/users/{userId}"),
        ("DELETE", "/users/{userId}"),
        ("PUT", "/users/{userId}/status"),
        ("GET", "/users/{userId}/settings"),
        ("PATCH", "/users/{userId}/settings"),
        ("GET", "/metrics/meetings"),
    ),
}


def _operations() -> list[Operation]:
    try:
        return [
            operation(name, load_spec(name), method, path)
            for name, table in SERVED.items()
            for method, path in table
        ]
    except SpecMissingError:
        return []


OPERATIONS = _operations()
_SKIP_REASON = (
    "Zoom's OpenAPI files are not in ../shared/zoom-api beside the repository (nor where "
    "ZOOMADMIN_SHARED says): the fuzzing draws its requests from them"
)


@dataclass
class Target:
    """The running demo sandbox and the real ids requests may aim at."""

    server: SandboxServer
    api: httpx.Client
    ids: dict[str, list[str]]


def _real_ids(api: httpx.Client) -> dict[str, list[str]]:
    users = [u["id"] for u in api.get("/users", params={"page_size": 300}).json()["users"]]
    meetings = api.get("/users/me/meetings", params={"page_size": 300}).json()["meetings"]
    month = {"from": "2026-02-02", "to": "2026-03-02", "page_size": 300}
    recordings = api.get("/accounts/me/recordings", params=month).json()["meetings"]
    return {
        "userId": ["me", *users[:5], "owner@sandbox.example.com"],
        "meetingId": [str(m["id"]) for m in meetings] + [r["uuid"] for r in recordings[:5]],
        "recordingId": [f["id"] for r in recordings[:5] for f in r["recording_files"]],
    }


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    """One demo sandbox for all operations; rate limits off, tokens long-lived."""
    with SandboxServer(seed="demo", speed=0, start_time=SANDBOX_START) as server:
        knobs = {"rate_limits": False, "token_lifetime_seconds": 10**7}
        sandbox_http.admin(server).patch("/config", json=knobs).raise_for_status()
        with sandbox_http.client(server) as api:
            yield Target(server, api, _real_ids(api))


def _path_value(target: Target, name: str) -> st.SearchStrategy[str]:
    known = target.ids.get(name) or target.ids["meetingId"]
    odd = st.text(min_size=1, max_size=30) | st.sampled_from(["²", "①", "7" * 5000, "0", "-1"])
    return st.sampled_from(known) | odd


def _request(target: Target, op: Operation) -> st.SearchStrategy[dict[str, Any]]:
    resolver = Resolver(load_spec(op.spec))
    path_params = {
        p.name: _path_value(target, p.name) for p in op.parameters if p.location == "path"
    }
    query = {
        p.name: value_of(p.schema, resolver).map(as_query_text)
        for p in op.parameters
        if p.location == "query"
    }
    body = value_of(op.body, resolver) if op.body is not None else st.none()
    return st.fixed_dictionaries(
        {
            "path": st.fixed_dictionaries(path_params),
            "query": st.fixed_dictionaries({}, optional=query),
            "body": body,
        }
    )


def _send(target: Target, op: Operation, drawn: dict[str, Any]) -> httpx.Response:
    path = op.path
    for name, value in drawn["path"].items():
        path = path.replace("{" + name + "}", quote(value, safe=""))
    body = drawn["body"]
    return target.api.request(
        op.method,
        path,
        params=drawn["query"],
        json=body if op.method in ("POST", "PATCH", "PUT") else None,
    )


def _check(op: Operation, drawn: dict[str, Any], answer: httpx.Response) -> None:
    where = f"{op.label} {drawn!r:.600}"
    assert answer.status_code < 500, f"{where} -> {answer.status_code} {answer.text[:300]}"
    if answer.status_code >= 400:
        body = answer.json()
        assert isinstance(body.get("code"), int) and isinstance(body.get("message"), str), where


def _still_serving(target: Target) -> None:
    """The clock moves without a simulation error, and every listing answers 200."""
    api, admin = target.api, sandbox_http.admin(target.server)
    moved = admin.post("/clock", json={"advance_seconds": 6 * 3600})
    assert moved.status_code == 200, moved.text
    state = admin.get("/state").json()
    assert state["last_tick_error"] is None
    assert state["broken_meetings"] == []
    month = {"from": "2026-02-10", "to": "2026-03-02", "page_size": 300}
    for status in ("active", "inactive", "pending"):
        users = api.get("/users", params={"status": status, "page_size": 300})
        assert users.status_code == 200, users.text
        for user in users.json()["users"]:
            for kind in ("scheduled", "live", "upcoming", "previous_meetings"):
                listing = api.get(f"/users/{user['id']}/meetings", params={"type": kind})
                assert listing.status_code == 200, (user["id"], kind, listing.text[:300])
            recordings = api.get(f"/users/{user['id']}/recordings", params=month)
            assert recordings.status_code == 200, recordings.text[:300]
    for path, params in (
        ("/accounts/me/recordings", month),
        ("/accounts/me/recordings", {**month, "trash": "true"}),
        ("/metrics/meetings", {"type": "live"}),
        ("/metrics/meetings", {"type": "past", "from": "2026-02-10", "to": "2026-03-02"}),
        ("/users/summary", {}),
    ):
        answer = api.get(path, params=params)
        assert answer.status_code == 200, (path, answer.text[:300])


def _fuzz(target: Target, op: Operation, examples: int, seed: int) -> None:
    @hypothesis_seed(seed)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(drawn=_request(target, op))
    def run(drawn: dict[str, Any]) -> None:
        _check(op, drawn, _send(target, op, drawn))

    run()
    _still_serving(target)


needs_spec = pytest.mark.skipif(not OPERATIONS, reason=_SKIP_REASON)


@needs_spec
@pytest.mark.parametrize("op", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_fuzzed_requests_never_get_a_5xx(target: Target, op: Operation) -> None:
    _fuzz(target, op, FUZZ_EXAMPLES, FUZZ_SEED)


@needs_spec
@pytest.mark.slow
@pytest.mark.skipif(
    "ZOOMADMIN_FUZZ_EXAMPLES" not in os.environ,
    reason="a long fuzzing run: set ZOOMADMIN_FUZZ_EXAMPLES (and optionally ZOOMADMIN_FUZZ_SEED)",
)
@pytest.mark.parametrize("op", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_long_fuzzing_run(target: Target, op: Operation) -> None:
    examples = int(os.environ.get("ZOOMADMIN_FUZZ_EXAMPLES", "0") or 0)
    seed = int(os.environ.get("ZOOMADMIN_FUZZ_SEED", str(FUZZ_SEED + 1)))
    _fuzz(target, op, examples, seed)
