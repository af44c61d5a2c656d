"""The console's server side: its pages, and the API calls it added (tenant status, number
inventory and release), with the role and tenant checks the pages rely on."""

from __future__ import annotations

import string
from typing import Any

from support import OPERATOR, ApiClient


def tenant_id(uid: str, prefix: str) -> str:
    return prefix + "".join(c for c in uid if c in string.ascii_lowercase + string.digits)


async def open_tenant(op: ApiClient, api: ApiClient, tid: str) -> ApiClient:
    await op.call(
        "POST",
        "/api/v1/tenants",
        {
            "id": tid,
            "name": tid.title(),
            "admin": {"username": f"{tid}-adm", "password": "pw-12345678"},
        },
        expect=201,
    )
    return await api.login(f"{tid}-adm", "pw-12345678")


def city_number(uid: str, tail: str) -> str:
    digits = "".join(str(int(c, 16) % 10) for c in uid[:4])
    return f"0755{digits}{tail}"


async def test_the_console_page_and_its_files_are_served_with_a_strict_policy(
    api: ApiClient,
) -> None:
    resp = await api.client.get("/console")
    assert resp.status == 200
    text = await resp.text()
    assert '<main id="main"' in text and 'lang="en"' in text
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    for name, kind in (
        ("admin.js", "javascript"),
        ("admin.css", "css"),
        ("qrcode.js", "javascript"),
    ):
        resp = await api.client.get(f"/console/static/{name}")
        assert resp.status == 200 and kind in resp.content_type
    for name in ("../app.py", "index.html", "nope.js"):
        resp = await api.client.get(f"/console/static/{name}")
        assert resp.status == 404
    resp = await api.client.get("/", allow_redirects=False)
    assert resp.status == 302 and resp.headers["Location"] == "/console"


async def test_an_operator_suspends_and_reactivates_a_tenant(api: ApiClient, uid: str) -> None:
    op = await api.login(*OPERATOR)
    tid = tenant_id(uid, "s")
    admin = await open_tenant(op, api, tid)
    _, body = await op.call(
        "PUT", f"/api/v1/tenants/{tid}/status", {"status": "suspended"}, expect=200
    )
    assert body["status"] == "suspended"
    _, body = await admin.call("GET", f"/api/v1/tenants/{tid}", expect=200)
    assert body["status"] == "suspended"
    # Refused: a tenant admin, a made-up status, an unknown tenant; nothing changes.
    status, body = await admin.call("PUT", f"/api/v1/tenants/{tid}/status", {"status": "active"})
    assert status == 403
    status, body = await op.call("PUT", f"/api/v1/tenants/{tid}/status", {"status": "closed"})
    assert status == 400 and body["details"]["field"] == "status"
    status, _ = await op.call("PUT", "/api/v1/tenants/zz404/status", {"status": "active"})
    assert status == 404
    _, body = await op.call("GET", f"/api/v1/tenants/{tid}", expect=200)
    assert body["status"] == "suspended"
    _, body = await op.call(
        "PUT", f"/api/v1/tenants/{tid}/status", {"status": "active"}, expect=200
    )
    assert body["status"] == "active"


async def test_the_number_inventory_and_release_are_for_operators(api: ApiClient, uid: str) -> None:
    op = await api.login(*OPERATOR)
    tid = tenant_id(uid, "n")
    admin = await open_tenant(op, api, tid)
    number = city_number(uid, "9001")
    await op.call("POST", f"/api/v1/tenants/{tid}/numbers", {"number": number}, expect=201)
    _, inventory = await op.call("GET", "/api/v1/numbers", expect=200)
    assert {"number": number, "tenant_id": tid} in [
        {"number": n["number"], "tenant_id": n["tenant_id"]} for n in inventory
    ]
    status, _ = await admin.call("GET", "/api/v1/numbers")
    assert status == 403
    status, _ = await admin.call("DELETE", f"/api/v1/tenants/{tid}/numbers/{number}")
    assert status == 403
    status, body = await op.call("DELETE", f"/api/v1/tenants/{tid}/numbers/075588889999")
    assert status == 404 and body["details"]["field"] == "number"
    await op.call("PUT", f"/api/v1/tenants/{tid}/limits", {"caller_number": number}, expect=200)
    status, _ = await op.call("DELETE", f"/api/v1/tenants/{tid}/numbers/{number}")
    assert status == 204
    _, tenant = await op.call("GET", f"/api/v1/tenants/{tid}", expect=200)
    assert tenant["limits"]["caller_number"] is None, "no longer shown on outside calls"
    _, numbers = await admin.call("GET", f"/api/v1/tenants/{tid}/numbers", expect=200)
    assert numbers == []
    _, inventory = await op.call("GET", "/api/v1/numbers", expect=200)
    assert next(n for n in inventory if n["number"] == number)["tenant_id"] is None
    # A released number can go to another tenant.
    other = tenant_id(uid, "m")
    await open_tenant(op, api, other)
    await op.call("POST", f"/api/v1/tenants/{other}/numbers", {"number": number}, expect=201)


async def test_a_tenant_admin_reaches_no_other_tenants_objects_by_changing_ids(
    api: ApiClient, uid: str
) -> None:
    """Every call a console page makes, with the other tenant's id put in the URL."""
    op = await api.login(*OPERATOR)
    mine, theirs = tenant_id(uid, "a"), tenant_id(uid, "b")
    admin = await open_tenant(op, api, mine)
    other = await open_tenant(op, api, theirs)
    await other.call("POST", f"/api/v1/tenants/{theirs}/seats", {"extension": "1001"}, expect=201)
    await other.call(
        "POST",
        f"/api/v1/tenants/{theirs}/queues",
        {"name": "sales", "extension": "600"},
        expect=201,
    )
    day = "from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z"
    reads = [
        "",
        "/seats",
        "/numbers",
        "/queues",
        "/schedules",
        "/ivrs",
        "/mailboxes",
        "/prompts",
        f"/reports/queues?{day}",
        f"/reports/agents?{day}",
        f"/reports/numbers?{day}",
        "/billing/plan",
        "/billing/usage?period=2026-11",
        "/invoices",
        "/billing/export?kind=calls&format=csv&period=2026-11",
        "/cdrs",
    ]
    for path in reads:
        status, _ = await admin.call("GET", f"/api/v1/tenants/{theirs}{path}")
        assert status == 403, path
    writes: list[tuple[str, str, Any]] = [
        ("POST", "/seats", {"extension": "1002"}),
        ("PUT", "/seats/1001", {"forward_to": "13800138000"}),
        ("DELETE", "/seats/1001", None),
        ("PUT", "/queues/sales/members", {"members": []}),
        ("PUT", "/schedules/office", {"timezone": "UTC", "weekly": []}),
        ("PUT", "/ivrs/main", {"entry": "m", "menus": {"m": {"prompt": "beep"}}}),
        ("POST", "/mailboxes", {"mailbox": "100"}),
        ("PUT", "/status", {"status": "suspended"}),
    ]
    for method, path, body in writes:
        status, _ = await admin.call(method, f"/api/v1/tenants/{theirs}{path}", body)
        assert status == 403, (method, path)
    _, seats = await other.call("GET", f"/api/v1/tenants/{theirs}/seats", expect=200)
    assert [(s["extension"], s["forward_to"]) for s in seats] == [("1001", None)]
    _, tenant = await other.call("GET", f"/api/v1/tenants/{theirs}", expect=200)
    assert tenant["status"] == "active"


async def test_calls_now_is_for_operators_and_honest_without_asterisk(
    api: ApiClient, uid: str
) -> None:
    op = await api.login(*OPERATOR)
    admin = await open_tenant(op, api, tenant_id(uid, "h"))
    status, _ = await admin.call("GET", "/api/v1/platform/calls")
    assert status == 403
    status, body = await op.call("GET", "/api/v1/platform/calls")
    assert status == 503 and body["error"] == "unavailable"


async def test_a_seat_gets_new_sip_credentials_and_the_old_ones_stop_working(
    api: ApiClient, uid: str, db: Any
) -> None:
    op = await api.login(*OPERATOR)
    tid = tenant_id(uid, "r")
    admin = await open_tenant(op, api, tid)
    other = await open_tenant(op, api, tenant_id(uid, "q"))
    _, seat = await admin.call(
        "POST", f"/api/v1/tenants/{tid}/seats", {"extension": "1001"}, expect=201
    )
    _, fresh = await admin.call("POST", f"/api/v1/tenants/{tid}/seats/1001/credentials", expect=200)
    assert fresh["sip"]["username"] == seat["sip"]["username"] == f"{tid}-1001"
    assert fresh["sip"]["password"] != seat["sip"]["password"]
    stored = await db.fetchval("SELECT password FROM ps_auths WHERE id = $1", f"{tid}-1001")
    assert stored == fresh["sip"]["password"]
    status, body = await admin.call("POST", f"/api/v1/tenants/{tid}/seats/1009/credentials")
    assert status == 404 and body["details"]["field"] == "extension"
    status, _ = await other.call("POST", f"/api/v1/tenants/{tid}/seats/1001/credentials")
    assert status == 403
    assert await db.fetchval("SELECT password FROM ps_auths WHERE id = $1", f"{tid}-1001") == stored
