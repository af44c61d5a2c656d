"""Bad input and forged credentials: every string field of every write route gets CR/LF with
AMI keywords, dialplan metacharacters and SQL metacharacters; tokens are expired, forged,
unsigned, of another tenant or of a lesser role. Nothing takes effect, nothing answers 5xx."""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator
from typing import Any

import asyncpg
import jwt
import pytest
from integration.test_isolation import BODIES, OPERATOR_ONLY, fill, object_name, provision
from integration.test_provisioning_api import open_tenant

from callcenter.auth.principal import Principal
from callcenter.auth.tokens import TokenService

from support import OPERATOR, ApiClient, make_settings

PAYLOADS = [
    "x\r\nAction: Originate\r\nChannel: Local/1@default\r\nApplication: System\r\n\r\n",
    "1001\nAction: Command",
    "${SHELL(id)}",
    "1001&PJSIP/evil",
    "1001,30,tTL(1)",
    "1001|Local/x",
    "'; DROP TABLE tenants; --",
    '" OR 1=1 --',
    "a\x00b",
    "$[1+1]",
]
# What must never appear in a row that Asterisk reads.
MARKERS = ["\r", "\n", "\x00", "${", "$[", "Action", "DROP", "&PJSIP", "|Local", "OR 1=1", "tTL"]
ASTERISK_TABLES = [
    "ps_endpoints",
    "ps_auths",
    "ps_aors",
    "queues",
    "queue_members",
    "cc_dids",
    "cc_extens",
    "cc_tenants",
    "cc_ivrs",
    "ivr_menus",
    "ivr_keys",
    "cc_queue_opts",
    "cc_seats",
    "cc_voicemail",
]


def ok(status: int, reply: Any) -> bool:
    """No 5xx, except the clear 503 'unavailable' of features that need AMI (off here)."""
    return status < 500 or (status == 503 and (reply or {}).get("error") == "unavailable")


def string_leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths to every string (and every dict key) inside a JSON body."""
    if isinstance(value, str):
        yield path
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from string_leaves(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from string_leaves(v, (*path, i))


def replaced(value: Any, path: tuple[Any, ...], new: str) -> Any:
    if not path:
        return new
    if isinstance(value, dict):
        return {k: replaced(v, path[1:], new) if k == path[0] else v for k, v in value.items()}
    return [replaced(v, path[1:], new) if i == path[0] else v for i, v in enumerate(value)]


async def test_metacharacters_in_every_string_field_take_no_effect(
    api: ApiClient, uid: str, db: asyncpg.Connection
) -> None:
    tid, admin, names = await provision(api, uid)
    op = await api.login(*OPERATOR)
    tenants_before = await db.fetchval("SELECT count(*) FROM tenants")
    sent = 0
    for (method, template), body in BODIES.items():
        if body is None:
            continue
        who = op if (method, template) in OPERATOR_ONLY else admin
        base = fill(template, tid, names, object_name(template))
        for leaf in string_leaves(body):
            for payload in PAYLOADS:
                status, reply = await who.call(method, base, replaced(body, leaf, payload))
                assert ok(status, reply), (method, base, leaf, payload, status, reply)
                sent += 1
        # Metacharacters in the path's own parameters too.
        for payload in ("a&b", "1,2", "x|y", "${X}", "'--", "%0d%0aAction:x"):
            path = fill(template, tid, {**names, "number": payload, "extension": payload}, payload)
            status, reply = await who.call(method, path.replace(" ", "%20"), body)
            assert ok(status, reply), (method, path, status)
    assert sent > 200, sent
    assert await db.fetchval("SELECT count(*) FROM tenants") >= tenants_before
    for table in ASTERISK_TABLES:
        rows = await db.fetch(f'SELECT t::text AS row FROM "{table}" t')  # noqa: S608
        for row in rows:
            for marker in MARKERS:
                assert marker not in row["row"], (table, marker, row["row"])


@pytest.fixture
def tokens() -> TokenService:
    settings = make_settings("postgresql://unused")
    return TokenService(settings.jwt_secret, settings.token_ttl_s)


def forged(
    claims: dict[str, Any], key: str = "wrong-secret-" + "y" * 32, alg: str = "HS256"
) -> str:
    now = int(time.time())
    full = {"iat": now, "exp": now + 600, "iss": "callcenter", **claims}
    if alg == "none":
        return jwt.encode(full, None, algorithm="none")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a short key for HS512 is the point of that case
        return jwt.encode(full, key, algorithm=alg)


async def test_forged_expired_unsigned_and_misdirected_tokens_are_refused(
    api: ApiClient, uid: str, db: asyncpg.Connection, tokens: TokenService
) -> None:
    tid, admin, names = await provision(api, uid)
    _, other_admin = await open_tenant(api, uid[::-1] + "q")
    agent = await api.login(names["username"], "agent-pass-123")
    agent_id = (await agent.call("GET", "/api/v1/agent/me", expect=200))[1]["user_id"]
    secret = make_settings("x").jwt_secret
    operator = {"sub": "1", "usr": "operator", "role": "operator", "tid": None}
    cases = {
        "expired": (
            tokens.issue(Principal(1, "operator", "operator", None), now=time.time() - 10**5),
            401,
            "token-expired",
        ),
        "wrong signature": (forged(operator), 401, "invalid-token"),
        "alg none": (forged(operator, alg="none"), 401, "invalid-token"),
        "HS512 with the right key": (
            forged(operator, key=secret, alg="HS512"),
            401,
            "invalid-token",
        ),
        "no expiry": (
            jwt.encode({**operator, "iat": int(time.time()), "iss": "callcenter"}, secret),
            401,
            "invalid-token",
        ),
        "other issuer": (
            forged({**operator, "iss": "evil"}, key=secret),
            401,
            "invalid-token",
        ),
        "operator claiming a tenant": (
            forged({**operator, "tid": tid}, key=secret),
            401,
            "invalid-token",
        ),
        "unknown role": (
            forged({"sub": "9", "role": "root", "tid": tid}, key=secret),
            401,
            "invalid-token",
        ),
        "tenant admin of another tenant": (other_admin.token, 403, "forbidden"),
        "agent of the tenant": (agent.token, 403, "forbidden"),
        # Rightly signed, but for no user that exists (or for another user's id and role).
        "signed for a user that does not exist": (
            tokens.issue(Principal(10**9, "x", "tenant_admin", tid)),
            401,
            "token-revoked",
        ),
        "signed with another user's id": (
            tokens.issue(Principal(agent_id, "x", "tenant_admin", tid)),
            401,
            "invalid-token",
        ),
        "garbage": ("a.b.c", 401, "invalid-token"),
    }
    before = await db.fetchval("SELECT count(*) FROM seats WHERE tenant_id = $1", tid)
    for name, (token, status, slug) in cases.items():
        client = admin.as_(token)
        got, reply = await client.call(
            "POST", f"/api/v1/tenants/{tid}/seats", {"extension": "1777", "name": "Eve"}
        )
        assert (got, reply["error"]) == (status, slug), name
        got, reply = await client.call("GET", "/api/v1/tenants")
        assert got in (401, 403), name
    assert await db.fetchval("SELECT count(*) FROM seats WHERE tenant_id = $1", tid) == before
    # Not bearer, or an empty bearer.
    for header in ("Basic b3A6b3A=", "Bearer ", "Bearer"):
        resp = await admin.client.get("/api/v1/tenants", headers={"Authorization": header})
        assert resp.status == 401 and (await resp.json())["error"] in (
            "unauthorized",
            "invalid-token",
        )
