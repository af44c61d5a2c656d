"""Fuzzing the API from its own OpenAPI document with schemathesis: whatever comes in,
nothing answers 5xx, no stack trace leaks, and every error is the JSON error body.

The control plane runs in a thread on a real port (schemathesis' client is synchronous), as
an operator and as a tenant admin, against the test database; AMI is off.
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callcenter.app import create_app
from callcenter.web.openapi import build

from support import OPERATOR, make_settings

EXAMPLES = int(os.environ.get("CALLCENTER_FUZZ_EXAMPLES", "25"))


class ServedApp:
    """``create_app`` served on 127.0.0.1:<free port> by a loop in its own thread."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(30)

    async def _start(self) -> None:
        self._runner = web.AppRunner(create_app(make_settings(self.dsn)), access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()


@pytest.fixture(scope="module")
def served(dsn: str) -> Iterator[tuple[str, dict[str, str]]]:
    """The served app and bearer headers of an operator and of a tenant's admin."""
    app = ServedApp(dsn)
    app.start()
    try:
        token = requests.post(
            f"{app.url}/api/v1/auth/token",
            json={"username": OPERATOR[0], "password": OPERATOR[1]},
            timeout=10,
        ).json()["token"]
        op = {"Authorization": f"Bearer {token}"}
        requests.post(
            f"{app.url}/api/v1/tenants",
            json={
                "id": "fuzz",
                "name": "Fuzz",
                "admin": {"username": "fuzz-admin", "password": "fuzz-password"},
            },
            headers=op,
            timeout=10,
        )
        admin = requests.post(
            f"{app.url}/api/v1/auth/token",
            json={"username": "fuzz-admin", "password": "fuzz-password"},
            timeout=10,
        ).json()["token"]
        yield app.url, {"operator": op["Authorization"], "admin": f"Bearer {admin}"}
    finally:
        app.stop()


SCHEMA = schemathesis.openapi.from_dict(build(create_app(make_settings("postgresql://x"))))
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


def check(response: Any, what: str) -> None:
    """The properties every answer has, whatever was sent."""
    # 503 is allowed only as the clear "unavailable" answer (here: features needing AMI, off).
    unavailable = response.status_code == 503 and '"unavailable"' in response.text
    assert response.status_code < 500 or unavailable, (
        what,
        response.status_code,
        response.text[:300],
    )
    assert "Traceback" not in response.text and 'File "' not in response.text, what
    if response.status_code >= 400:
        headers = {k.lower(): v for k, v in response.headers.items()}
        content_type = headers.get("content-type", "")
        content_type = content_type[0] if isinstance(content_type, list) else content_type
        assert content_type.startswith("application/json"), (what, content_type)
        body = response.json()
        assert isinstance(body, dict) and {"error", "message", "details"} <= body.keys(), (
            what,
            body,
        )


def test_the_document_lists_every_route_with_its_models() -> None:
    ops = {(op.method.upper(), op.path): op for op in OPERATIONS}
    assert len(ops) >= 45
    seat = ops[("POST", "/api/v1/tenants/{tenant_id}/seats")].definition.raw
    assert seat["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("SeatIn")
    scrape = ops[("GET", "/metrics")].definition.raw
    assert "text/plain" in scrape["responses"]["default"]["content"]
    assert scrape["security"] == [{"bearer": []}]  # or an allowed address
    report = ops[("GET", "/api/v1/tenants/{tenant_id}/reports/queues")].definition.raw
    assert {"from", "to", "interval"} <= {p["name"] for p in report["parameters"]}


@pytest.mark.parametrize(
    "operation", OPERATIONS, ids=[f"{op.method.upper()} {op.path}" for op in OPERATIONS]
)
def test_fuzzed_requests_never_break_the_api(
    operation: Any, served: tuple[str, dict[str, str]]
) -> None:
    url, tokens = served

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(), who=st.sampled_from(["operator", "admin", "none"]))
    def run(case: Any, who: str) -> None:
        if case.path_parameters and "tenant_id" in case.path_parameters and who == "admin":
            case.path_parameters["tenant_id"] = "fuzz"  # reach past the tenant check too
        headers = {} if who == "none" else {"Authorization": tokens[who]}
        response = case.call(base_url=url, headers=headers, timeout=20)
        check(response, f"{case.method} {case.formatted_path} as {who}")

    run()


def test_malformed_bodies_and_headers_get_the_json_error(
    served: tuple[str, dict[str, str]],
) -> None:
    url, tokens = served
    path = f"{url}/api/v1/tenants/fuzz/seats"
    auth = {"Authorization": tokens["admin"]}
    cases = [
        requests.post(path, data=b"{", headers=auth, timeout=10),
        requests.post(path, data=b"\xff\xfe", headers=auth, timeout=10),
        requests.post(path, data=b"[]", headers=auth, timeout=10),
        requests.post(path, data=b"x" * 300_000, headers=auth, timeout=10),
        requests.post(path, json={"extension": 1001}, headers=auth, timeout=10),
        requests.get(f"{url}/api/v1/tenants/fuzz/cdrs?limit=%00", headers=auth, timeout=10),
        requests.get(f"{url}/api/v1/tenants/fu%00zz/seats", headers=auth, timeout=10),
        requests.get(f"{url}/nowhere", timeout=10),
        requests.patch(path, json={}, headers=auth, timeout=10),
    ]
    for i, response in enumerate(cases):
        check(response, f"case {i}")
        assert 400 <= response.status_code < 500, (i, response.status_code)
    # A header HTTP itself forbids is refused by aiohttp's parser before any middleware runs:
    # 400 in plain text, still no 5xx and nothing of ours in it.
    bad = requests.post(path, json={}, headers={"Authorization": "Bearer \x7f"}, timeout=10)
    assert 400 <= bad.status_code < 500 and "Traceback" not in bad.text
