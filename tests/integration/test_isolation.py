"""Tenant isolation over every API route, enumerated from the app's own router.

Tenant A is fully provisioned. Tenant B's admin (and A's own agent-less admin for operator
routes) then tries every route with A's ids, and A's object names under B's own tenant id.
Every attempt is refused (403/404 with the JSON error body) and A's rows are byte-for-byte
unchanged afterwards.
"""

from __future__ import annotations

import io
import re
import wave
from typing import Any

import asyncpg
from integration.test_provisioning_api import open_tenant

from callcenter.app import create_app

from support import OPERATOR, ApiClient, make_settings

PERIOD = "2026-11"


def query(path: str) -> str:
    """Valid query parameters for the route, so only the tenant check can refuse."""
    if "/reports/" in path:
        return "?from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z"
    if "/billing/" in path or "/invoices" in path:
        return f"?period={PERIOD}"
    return ""


def wav_bytes() -> bytes:
    """Half a second of 8 kHz 16-bit mono silence."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x00" * 4000)
    return buf.getvalue()


# A valid body per route, so that a refusal can only come from the tenant check.
BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/api/v1/tenants"): {
        "id": "tstolen",
        "name": "x",
        "admin": {"username": "stolen-admin", "password": "secret-pass"},
    },
    ("PUT", "/api/v1/tenants/{tenant_id}/limits"): {"max_calls": 1},
    ("POST", "/api/v1/tenants/{tenant_id}/numbers"): {"number": "4008999999"},
    ("PUT", "/api/v1/tenants/{tenant_id}/numbers/{number}/route"): {
        "type": "hangup",
        "target": "",
    },
    ("POST", "/api/v1/tenants/{tenant_id}/seats"): {"extension": "1999", "name": "Mallory"},
    ("PUT", "/api/v1/tenants/{tenant_id}/seats/{extension}"): {"name": "Mallory"},
    ("DELETE", "/api/v1/tenants/{tenant_id}/seats/{extension}"): None,
    ("POST", "/api/v1/tenants/{tenant_id}/queues"): {"name": "stolen", "extension": "699"},
    ("PUT", "/api/v1/tenants/{tenant_id}/queues/{name}"): {"strategy": "ringall"},
    ("PUT", "/api/v1/tenants/{tenant_id}/queues/{name}/members"): {"members": []},
    ("PUT", "/api/v1/tenants/{tenant_id}/mailboxes/{mailbox}"): {"name": "Mallory"},
    ("PUT", "/api/v1/tenants/{tenant_id}/schedules/{name}"): {
        "timezone": "UTC",
        "weekly": [{"weekday": 0, "start": "00:00", "end": "01:00"}],
        "closed_destination": {"kind": "hangup", "target": ""},
    },
    ("PUT", "/api/v1/tenants/{tenant_id}/ivrs/{name}"): {
        "entry": "main",
        "menus": {"main": {"prompt": "silence/1"}},
    },
    ("POST", "/api/v1/tenants/{tenant_id}/mailboxes"): {"mailbox": "666"},
    ("PUT", "/api/v1/tenants/{tenant_id}/billing/plan"): {
        "platform_fee": "0.00",
        "tax_rate": "0",
        "per_minute": {"price_per_minute": "0.01"},
    },
    ("POST", "/api/v1/billing/runs"): {"period": PERIOD},
    ("POST", "/api/v1/tenants/{tenant_id}/supervision"): {"supervisor": "1001", "agent": "1001"},
    ("PUT", "/api/v1/tenants/{tenant_id}/recording"): {"policy": "all"},
    ("POST", "/api/v1/tenants/{tenant_id}/recordings"): {"extension": "1001"},
    ("POST", "/api/v1/tenants/{tenant_id}/seats/{extension}/credentials"): None,
    ("PUT", "/api/v1/tenants/{tenant_id}/status"): {"status": "suspended"},
    ("POST", "/api/v1/tenants/{tenant_id}/agents"): {
        "username": "stolen-agent",
        "password": "0123456789ab",
        "extension": "1001",
    },
    ("POST", "/api/v1/tenants/{tenant_id}/contacts"): {"phone": "13800138000", "name": "Eve"},
    ("PUT", "/api/v1/tenants/{tenant_id}/contacts/{contact_id}"): {
        "phone": "13800138000",
        "name": "Eve",
    },
    ("POST", "/api/v1/tenants/{tenant_id}/contacts.csv"): "phone,name\n13800138000,Eve\n",
    ("POST", "/api/v1/tenants/{tenant_id}/prompts/{name}/speech"): {"text": "hello"},
    ("PUT", "/api/v1/tenants/{tenant_id}/prompts/{name}/display_name"): {"display_name": "偷"},
    ("PUT", "/api/v1/tenants/{tenant_id}/agents/{username}"): {
        "name": "Mallory",
        "extension": "1001",
    },
    ("PUT", "/api/v1/tenants/{tenant_id}/language"): {"language": "en"},
    ("POST", "/api/v1/tenants/{tenant_id}/close"): None,
    ("PUT", "/api/v1/tenants/{tenant_id}/voicemail/{message_id}/heard"): {"heard": True},
    ("PUT", "/api/v1/tenants/{tenant_id}/integrations"): {"crm_timeout_ms": 800},
    ("PUT", "/api/v1/tenants/{tenant_id}/selfservice/api"): {
        "host": "api.stolen.example",
        "secret": "stolen-secret-0123456789",
    },
    ("PUT", "/api/v1/tenants/{tenant_id}/users/{username}/status"): {"status": "disabled"},
    ("POST", "/api/v1/tenants/{tenant_id}/users/{username}/password"): {
        "password": "stolen-password-1"
    },
    ("POST", "/api/v1/auth/password"): {
        "current_password": "not-the-password",
        "new_password": "stolen-password-1",
    },
    ("POST", "/api/v1/platform/nodes"): {
        "name": "stolen-node",
        "sip_host": "127.0.0.9",
        "sip_port": 5099,
        "ami_host": "127.0.0.9",
        "ami_port": 5099,
        "capacity": 10,
    },
    ("PATCH", "/api/v1/platform/nodes/{node}"): {"state": "draining"},
    ("POST", "/api/v1/platform/tenants/{tenant_id}/move"): {"node": "isolation-node"},
    ("POST", "/api/v1/platform/trunks"): {"name": "stolen", "host": "127.0.0.9", "max_channels": 1},
    ("PATCH", "/api/v1/platform/trunks/{name}"): {"enabled": False},
    ("POST", "/api/v1/tenants/{tenant_id}/campaigns"): {
        "name": "stolen",
        "mode": "progressive",
        "caller_number": "4008000000",
        "queue": "support",
        "schedule": "office",
    },
    ("PUT", "/api/v1/tenants/{tenant_id}/campaigns/{campaign_id}"): {
        "name": "stolen",
        "mode": "progressive",
        "caller_number": "4008000000",
        "queue": "support",
        "schedule": "office",
    },
    ("POST", "/api/v1/tenants/{tenant_id}/campaigns/{campaign_id}/state"): {"action": "start"},
    ("POST", "/api/v1/tenants/{tenant_id}/campaigns/{campaign_id}/contacts.csv"): (
        "phone,name\n13800138000,Eve\n"
    ),
    (
        "PUT",
        "/api/v1/tenants/{tenant_id}/campaigns/{campaign_id}/contacts/{contact_id}/disposition",
    ): {"disposition": "sold"},
    ("POST", "/api/v1/tenants/{tenant_id}/dnc"): {"numbers": ["13800138000"]},
    ("POST", "/api/v1/platform/dnc"): {"numbers": ["19999999901"]},
    ("POST", "/api/v1/tenants/{tenant_id}/board/agents/{extension}/pause"): {"reason": "lunch"},
    ("POST", "/api/v1/tenants/{tenant_id}/board/agents/{extension}/unpause"): None,
    ("POST", "/api/v1/tenants/{tenant_id}/board/agents/{extension}/logout"): None,
    ("PUT", "/api/v1/tenants/{tenant_id}/board/thresholds"): {"min_service_level": 0.5},
    ("PUT", "/api/v1/tenants/{tenant_id}/board/thresholds/{queue}"): {"max_longest_wait_s": 5},
    ("POST", "/api/v1/tenants/{tenant_id}/supervisors"): {
        "username": "stolen-supervisor",
        "password": "0123456789ab",
    },
    ("PUT", "/api/v1/tenants/{tenant_id}/supervisors/{username}/queues"): {"queues": []},
    ("PUT", "/api/v1/tenants/{tenant_id}/quality/forms/{form}"): {
        "items": [{"key": "a", "label": "A", "weight": 1}]
    },
    ("PUT", "/api/v1/tenants/{tenant_id}/quality/sampling"): {"weekly_share": 0.5},
    ("POST", "/api/v1/tenants/{tenant_id}/quality/sampling/run"): {"form": "default"},
    ("PUT", "/api/v1/tenants/{tenant_id}/quality/reviews/{review_id}/score"): {
        "items": [{"key": "a", "score": 1}]
    },
    ("POST", "/api/v1/tenants/{tenant_id}/quality/reviews/{review_id}/appeal"): {"text": "unfair"},
    ("PUT", "/api/v1/tenants/{tenant_id}/quality/reviews/{review_id}/decision"): {
        "items": [{"key": "a", "score": 1}]
    },
}
# Routes anyone may call, or that carry no tenant data.
PUBLIC = {
    ("POST", "/api/v1/auth/token"),
    ("GET", "/healthz"),
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/api/v1/calendar/national"),  # the state's calendar: no tenant data
    ("GET", "/agent"),  # the agent console page; its data comes through the API
    ("GET", "/agent/static/{name}"),
    ("GET", "/api/v1/ws"),  # scoped by the token it opens with (agents' own tests)
    ("GET", "/wallboard"),  # the wallboard page; its data comes through the API
    ("GET", "/wallboard/static/wallboard.js"),
    ("GET", "/board"),  # the supervisor board page; its data comes through the API
    ("GET", "/board/static/{name}"),
    ("GET", "/quality"),  # the quality inspection page; its data comes through the API
}
# Routes that act only on the caller's own agent or user (no tenant or object of anyone else
# in the path): another tenant's admin gets a refusal, never a 5xx, and A's rows do not change.
SELF = ("/api/v1/agent/", "/api/v1/auth/password")
OPERATOR_ONLY = {
    ("POST", "/api/v1/tenants"),
    ("GET", "/api/v1/tenants"),
    ("PUT", "/api/v1/tenants/{tenant_id}/limits"),
    ("PUT", "/api/v1/tenants/{tenant_id}/status"),
    ("POST", "/api/v1/tenants/{tenant_id}/close"),
    ("POST", "/api/v1/tenants/{tenant_id}/numbers"),
    ("PUT", "/api/v1/tenants/{tenant_id}/billing/plan"),
    ("POST", "/api/v1/billing/runs"),
    ("GET", "/api/v1/billing/export"),
    ("GET", "/api/v1/security/sip-blocks"),
    ("DELETE", "/api/v1/security/sip-blocks/{address}"),
    ("GET", "/metrics"),  # every tenant's figures (or a scraper on an allowed address)
    ("POST", "/api/v1/platform/nodes"),
    ("GET", "/api/v1/platform/nodes"),
    ("PATCH", "/api/v1/platform/nodes/{node}"),
    ("POST", "/api/v1/platform/tenants/{tenant_id}/move"),
    ("POST", "/api/v1/platform/trunks"),
    ("GET", "/api/v1/platform/trunks"),
    ("GET", "/api/v1/platform/trunks/{name}"),
    ("PATCH", "/api/v1/platform/trunks/{name}"),
    ("DELETE", "/api/v1/platform/trunks/{name}"),
    ("GET", "/api/v1/platform/dnc"),
    ("POST", "/api/v1/platform/dnc"),
    ("DELETE", "/api/v1/platform/dnc/{number}"),
}
# Routes outside /api/ that still carry tenants' data.
NOT_PAGES = {("GET", "/metrics")}
# Routes only Asterisk nodes call, with the lookup gateway's token (selfservice/): any user's
# token, of any tenant, is refused.
NODE_ONLY = {("GET", "/internal/v1/selfservice/lookup")}


def routes() -> list[tuple[str, str]]:
    """Every (method, path template) the production factory registers."""
    app = create_app(make_settings("postgresql://unused"))
    out = set()
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("formatter") or info.get("path")
        if route.method in ("HEAD", "OPTIONS") or not path:
            continue
        out.add((route.method, path))
    return sorted(out)


async def snapshot(db: asyncpg.Connection, tid: str) -> dict[str, str]:
    """A digest of every row, in every table, that mentions tenant ``tid``."""
    tables = await db.fetch(
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
    )
    out = {}
    for (table,) in tables:
        out[table] = await db.fetchval(
            f"SELECT md5(coalesce(string_agg(t::text, chr(10) ORDER BY t::text), ''))"  # noqa: S608
            f' FROM "{table}" t WHERE t::text LIKE $1',
            f"%{tid}%",
        )
    return out


async def provision(api: ApiClient, uid: str) -> tuple[str, ApiClient, dict[str, str]]:
    """Tenant A with one object of every kind; returns its id, admin and object names."""
    op = await api.login(*OPERATOR)
    tid, admin = await open_tenant(api, uid)
    number = "40084" + str(int(uid, 16) % 100000).zfill(5)
    base = f"/api/v1/tenants/{tid}"
    await op.call("POST", f"{base}/numbers", {"number": number}, expect=201)
    await admin.call("POST", f"{base}/seats", {"extension": "1001", "name": "Ann"}, expect=201)
    await admin.call(
        "POST",
        f"{base}/queues",
        {"name": "support", "extension": "600", "members": [{"extension": "1001"}]},
        expect=201,
    )
    await admin.call(
        "PUT", f"{base}/numbers/{number}/route", {"type": "queue", "target": "support"}, expect=200
    )
    schedule = BODIES[("PUT", "/api/v1/tenants/{tenant_id}/schedules/{name}")]
    await admin.call("PUT", f"{base}/schedules/office", schedule, expect=200)
    await admin.call(
        "PUT",
        f"{base}/ivrs/main",
        {
            "entry": "main",
            "menus": {
                "main": {
                    "prompt": "silence/1",
                    "options": {"1": {"kind": "queue", "target": "support"}},
                }
            },
        },
        expect=200,
    )
    await admin.call("POST", f"{base}/mailboxes", {"mailbox": "100"}, expect=201)
    agent_user = f"agent-{uid}"
    await admin.call(
        "POST",
        f"{base}/agents",
        {"username": agent_user, "password": "agent-pass-123", "extension": "1001"},
        expect=201,
    )
    resp = await admin.client.put(
        f"{base}/prompts/welcome",
        data=wav_bytes(),
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert resp.status == 200, await resp.text()
    plan = BODIES[("PUT", "/api/v1/tenants/{tenant_id}/billing/plan")]
    await op.call("PUT", f"{base}/billing/plan", plan, expect=200)
    campaign = {
        **BODIES[("POST", "/api/v1/tenants/{tenant_id}/campaigns")],
        "name": "spring",
        "caller_number": number,
        "dispositions": ["sold"],
    }
    _, created = await admin.call("POST", f"{base}/campaigns", campaign, expect=201)
    resp = await admin.client.post(
        f"{base}/campaigns/{created['id']}/contacts.csv",
        data=b"phone,name,plan\n13800138000,Ann,gold\n",
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert resp.status == 200, await resp.text()
    await admin.call("POST", f"{base}/dnc", {"numbers": ["13900139000"]}, expect=200)
    names = {
        "number": number,
        "extension": "1001",
        "name": "support",
        "period": PERIOD,
        "address": "127.0.0.5",
        "node": "isolation-node",
        "id": "1",
        "linkedid": "1700000000.1",
        "queue": "support",
        "mailbox": "100",
        "username": agent_user,
        "contact_id": "1",
        "message_id": "1",
        "campaign_id": str(created["id"]),
        "form": "default",
        "review_id": "1",
        "recording_id": "1",
    }
    return tid, admin, names


def fill(template: str, tid: str, names: dict[str, str], route_name: str) -> str:
    """The concrete path: ``{tenant_id}`` -> tid, other parameters -> A's objects."""

    def one(match: re.Match[str]) -> str:
        key = match.group(1)
        if key == "tenant_id":
            return tid
        if key == "name":
            return route_name
        return names[key]

    return re.sub(r"\{(\w+)\}", one, template)


def object_name(template: str) -> str:
    """The name of A's object of the kind the route addresses."""
    for kind, name in (("/schedules/", "office"), ("/ivrs/", "main"), ("/prompts/", "welcome")):
        if kind in template:
            return name
    return "support"


async def attempt(client: ApiClient, method: str, path: str, body: Any) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {client.token}"}
    if "/prompts/" in path and method == "PUT" and not path.endswith("/display_name"):
        resp = await client.client.put(path + query(path), data=wav_bytes(), headers=headers)
    else:
        resp = await client.client.request(method, path + query(path), json=body, headers=headers)
    assert resp.content_type == "application/json", (method, path, resp.status)
    return resp.status, await resp.json()


async def test_every_route_is_listed_here_so_new_routes_get_an_isolation_check() -> None:
    for method, template in routes():
        if (
            method in ("POST", "PUT", "PATCH")
            and (method, template) not in PUBLIC
            and template.startswith("/api/")
            and not template.startswith(SELF)
        ):
            uploads = "/prompts/" in template and not template.endswith("/display_name")
            assert (method, template) in BODIES or uploads, (method, template)


async def test_another_tenants_admin_is_refused_on_every_route_and_nothing_changes(
    api: ApiClient, uid: str, db: asyncpg.Connection
) -> None:
    tid_a, admin_a, names = await provision(api, uid)
    tid_b, admin_b = await open_tenant(api, uid[::-1] + "z")
    before = await snapshot(db, tid_a)
    tried = 0
    for method, template in routes():
        if (method, template) in NODE_ONLY:
            path = f"{template}?tenant={tid_a}&ivr=main&menu=main&digits=1"
            status, reply = await attempt(admin_b, method, path, None)
            assert status == 401 and reply["error"] == "unauthorized", (path, status, reply)
            continue
        if (method, template) in PUBLIC or not (
            template.startswith("/api/") or (method, template) in NOT_PAGES
        ):
            continue  # pages and their static files carry no tenant data
        body = BODIES.get((method, template))
        # 1. A's tenant id (and A's objects) with B's token.
        path = fill(template, tid_a, names, object_name(template))
        status, reply = await attempt(admin_b, method, path, body)
        if template.startswith(SELF):
            assert 400 <= status < 500, (method, path, status, reply)
            continue
        assert status in (403, 404), (method, path, status, reply)
        assert reply["error"] in ("forbidden", "not-found"), reply
        tried += 1
        # 2. Operator routes with a tenant admin's token (A's own admin).
        if (method, template) in OPERATOR_ONLY:
            status, reply = await attempt(admin_a, method, path, body)
            assert status == 403, (method, path, status, reply)
        # 3. B's own tenant id with A's object names: B sees nothing of A's.
        if "{tenant_id}" in template and template.count("{") > 1:
            path_b = fill(template, tid_b, names, object_name(template))
            status, reply = await attempt(admin_b, method, path_b, body)
            assert status < 500, (method, path_b, status, reply)
        # 4. No token at all.
        status, reply = await attempt(admin_b.as_("not-a-jwt"), method, path, body)
        assert status == 401 and reply["error"] == "invalid-token", (method, path, status)
    assert tried >= 30, tried
    assert await snapshot(db, tid_a) == before
    # B's reads of its own lists never show A's objects.
    for what in ("seats", "queues", "numbers", "mailboxes", "prompts", "cdrs", "campaigns", "dnc"):
        _, listed = await admin_b.call("GET", f"/api/v1/tenants/{tid_b}/{what}", expect=200)
        assert tid_a not in str(listed) and "support" not in str(listed), (what, listed)
