"""``GET /metrics``: what an operator's Prometheus scrapes, and who may read it."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import WSMsgType
from prometheus_client.parser import text_string_to_metric_families

from callcenter.app import create_app

from support import OPERATOR, ApiClient, make_settings

EXPECTED = {
    "callcenter_ami_events",
    "callcenter_ami_event_lag_seconds",
    "callcenter_event_loop_lag_seconds",
    "callcenter_call_setup_seconds",
    "callcenter_queue_answer_seconds",
    "callcenter_screen_pops_delivered",
    "callcenter_screen_pop_seconds",
    "callcenter_cdr_intake_lag_seconds",
    "callcenter_websocket_clients",
    "callcenter_websocket_cut",
    "callcenter_db_pool_size",
    "callcenter_db_pool_idle",
    "callcenter_db_pool_max",
}


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of an exposition, by name and sorted labels."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


@pytest.fixture
async def scraped(aiohttp_client: Any, dsn: str) -> ApiClient:
    """The app as deployed by default: a scraper on loopback needs no token."""
    settings = make_settings(dsn, metrics_allow="127.0.0.1,::1")
    return ApiClient(await aiohttp_client(create_app(settings)))


async def test_a_scrape_after_some_activity_has_every_series_with_sane_values(
    scraped: ApiClient, uid: str
) -> None:
    api = scraped
    op = await api.login(*OPERATOR)
    tid = "m" + uid
    await op.call(
        "POST",
        "/api/v1/tenants",
        {"id": tid, "name": "Metrics", "admin": {"username": f"m-{uid}", "password": "pw-123456"}},
        expect=201,
    )
    admin = await api.login(f"m-{uid}", "pw-123456")
    await admin.call("POST", f"/api/v1/tenants/{tid}/seats", {"extension": "1001"}, expect=201)
    # A supervisor's live socket counts as a websocket client of its tenant.
    ws = await api.client.ws_connect("/api/v1/ws")
    await ws.send_json({"type": "auth", "token": admin.token})
    hello = await ws.receive()
    assert hello.type == WSMsgType.TEXT and '"hello"' in hello.data

    resp = await api.client.get("/metrics")  # the test client is loopback: allowed
    assert resp.status == 200
    assert resp.headers["Content-Type"].startswith("text/plain; version=")
    text = await resp.text()
    families = {f.name for f in text_string_to_metric_families(text)}
    assert families >= EXPECTED, EXPECTED - families
    got = samples(text)
    assert got[("callcenter_websocket_clients", (("tenant", tid),))] == 1
    size = got[("callcenter_db_pool_size", ())]
    idle = got[("callcenter_db_pool_idle", ())]
    assert 1 <= size <= got[("callcenter_db_pool_max", ())] and 0 <= idle <= size
    assert got[("callcenter_screen_pops_delivered_total", ())] == 0
    # AMI is off in this app: no calls-up series rather than a false zero.
    assert "callcenter_calls_up" not in families and "callcenter_ami_connected" not in families
    await ws.close()
    # The socket's end is seen by the next scrape.
    resp = await api.client.get("/metrics")
    after = samples(await resp.text())
    assert ("callcenter_websocket_clients", (("tenant", tid),)) not in after


async def test_outside_the_allowed_addresses_only_operators_read_it(
    api: ApiClient, uid: str
) -> None:
    closed = api  # metrics_allow="" in the test settings
    status, body = await closed.call("GET", "/metrics")
    assert status == 401 and body["error"] == "unauthorized"
    op = await closed.login(*OPERATOR)
    tid = "n" + uid
    await op.call(
        "POST",
        "/api/v1/tenants",
        {"id": tid, "name": "No", "admin": {"username": f"n-{uid}", "password": "pw-123456"}},
        expect=201,
    )
    admin = await closed.login(f"n-{uid}", "pw-123456")
    status, body = await admin.call("GET", "/metrics")
    assert status == 403 and body["error"] == "forbidden"
    status, _ = await op.call("GET", "/metrics")
    assert status == 200


async def test_a_proxied_request_is_not_admitted_by_its_loopback_address(
    scraped: ApiClient,
) -> None:
    resp = await scraped.client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert resp.status == 401
    assert (await resp.json())["error"] == "unauthorized"
