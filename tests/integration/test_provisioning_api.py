"""Provisioning through the HTTP API: what operators and tenant admins can and cannot do."""

from __future__ import annotations

import string
from typing import Any

from support import OPERATOR, ApiClient


def tenant_id(uid: str) -> str:
    return "t" + "".join(c for c in uid if c in string.ascii_lowercase + string.digits)


async def open_tenant(api: ApiClient, uid: str) -> tuple[str, ApiClient]:
    op = await api.login(*OPERATOR)
    tid = tenant_id(uid)
    await op.call(
        "POST",
        "/api/v1/tenants",
        {
            "id": tid,
            "name": f"Tenant {uid}",
            "admin": {"username": f"admin-{uid}", "password": "secret-pass"},
        },
        expect=201,
    )
    return tid, await api.login(f"admin-{uid}", "secret-pass")


async def test_operator_opens_a_tenant_whose_admin_builds_seats_and_a_queue(
    api: ApiClient, uid: str, db: Any
) -> None:
    op = await api.login(*OPERATOR)
    tid, admin = await open_tenant(api, uid)
    _, number = await op.call(
        "POST",
        f"/api/v1/tenants/{tid}/numbers",
        {"number": f"400-8{uid[:2].translate(str.maketrans('abcdef', '123456'))}-1234"},
        expect=201,
    )
    assert number["kind"] == "400"
    _, seat = await admin.call(
        "POST", f"/api/v1/tenants/{tid}/seats", {"extension": "1001", "name": "Li Lei"}, expect=201
    )
    assert seat["sip"]["username"] == f"{tid}-1001" and len(seat["sip"]["password"]) >= 20
    await admin.call(
        "POST",
        f"/api/v1/tenants/{tid}/queues",
        {"name": "support", "extension": "600", "members": [{"extension": "1001"}]},
        expect=201,
    )
    await admin.call(
        "PUT",
        f"/api/v1/tenants/{tid}/numbers/{number['number']}/route",
        {"type": "queue", "target": "support"},
        expect=200,
    )
    # What Asterisk will read, written in the same transactions:
    assert tuple(
        await db.fetchrow("SELECT context, set_var FROM ps_endpoints WHERE id = $1", f"{tid}-1001")
    ) == ("cc-phone-entry", f"TRANSFER_CONTEXT=cc-phone-entry;__TENANT={tid}")
    assert (
        await db.fetchval("SELECT password FROM ps_auths WHERE id = $1", f"{tid}-1001")
        == seat["sip"]["password"]
    )
    assert (
        await db.fetchval(
            "SELECT state_interface FROM queue_members WHERE queue_name = $1", f"{tid}-support"
        )
        == f"Custom:{tid}-1001"
    )
    row = await db.fetchrow("SELECT * FROM cc_dids WHERE number = $1", number["number"])
    assert (row["tenant_id"], row["destination_type"], row["destination"]) == (
        tid,
        "queue",
        "support",
    )
    # Removing the seat removes what lets it register and be rung.
    await admin.call("DELETE", f"/api/v1/tenants/{tid}/seats/1001", expect=204)
    assert await db.fetchval("SELECT count(*) FROM ps_auths WHERE id = $1", f"{tid}-1001") == 0
    assert (
        await db.fetchval(
            "SELECT count(*) FROM queue_members WHERE queue_name = $1", f"{tid}-support"
        )
        == 0
    )


async def test_bad_input_names_the_field_and_changes_nothing(
    api: ApiClient, uid: str, db: Any
) -> None:
    tid, admin = await open_tenant(api, uid)
    cases = [
        ("POST", f"/api/v1/tenants/{tid}/seats", {"extension": "12"}, "extension"),
        (
            "POST",
            f"/api/v1/tenants/{tid}/seats",
            {"extension": "1001", "name": "x\r\nAction: Originate"},
            "name",
        ),
        ("POST", f"/api/v1/tenants/{tid}/seats", {"extension": "1001;x"}, "extension"),
        (
            "POST",
            f"/api/v1/tenants/{tid}/queues",
            {"name": "q", "extension": "600", "strategy": "loudest"},
            "strategy",
        ),
        (
            "POST",
            f"/api/v1/tenants/{tid}/queues",
            {"name": "q", "extension": "600", "members": [{"extension": "9999"}]},
            "members[0].extension",
        ),
        (
            "POST",
            f"/api/v1/tenants/{tid}/queues",
            {"name": "Q${EXTEN}", "extension": "600"},
            "name",
        ),
    ]
    for method, path, body, field in cases:
        status, err = await admin.call(method, path, body)
        assert 400 <= status < 500, (body, status)
        assert err["details"]["field"] == field, (body, err)
        assert {"error", "message", "details"} <= err.keys()
    assert await db.fetchval("SELECT count(*) FROM acd_queues WHERE tenant_id = $1", tid) == 0
    assert await db.fetchval("SELECT count(*) FROM seats WHERE tenant_id = $1", tid) == 0
    status, err = await admin.call("POST", f"/api/v1/tenants/{tid}/seats", None)
    assert status == 400 and err["details"]["field"] == "body"


async def test_operator_number_input_is_parsed_and_bad_numbers_refused(
    api: ApiClient, uid: str
) -> None:
    op = await api.login(*OPERATOR)
    tid, _ = await open_tenant(api, uid)
    for bad in ["12345", "400-800-12", "0755-2345-6789\r\n", "+1 650 253 0000", "13800138000"]:
        status, err = await op.call("POST", f"/api/v1/tenants/{tid}/numbers", {"number": bad})
        assert status == 400 and err["details"]["field"] == "number", (bad, err)


async def test_a_tenant_admin_cannot_reach_another_tenant(api: ApiClient, uid: str) -> None:
    tid_a, admin_a = await open_tenant(api, uid + "a")
    tid_b, admin_b = await open_tenant(api, uid + "b")
    await admin_a.call("POST", f"/api/v1/tenants/{tid_a}/seats", {"extension": "1001"}, expect=201)
    for method, path, body in [
        ("GET", f"/api/v1/tenants/{tid_a}", None),
        ("GET", f"/api/v1/tenants/{tid_a}/seats", None),
        ("POST", f"/api/v1/tenants/{tid_a}/seats", {"extension": "1002"}),
        ("DELETE", f"/api/v1/tenants/{tid_a}/seats/1001", None),
        ("GET", f"/api/v1/tenants/{tid_a}/cdrs", None),
        ("GET", f"/api/v1/tenants/{tid_a}/queues", None),
        ("POST", f"/api/v1/tenants/{tid_a}/numbers", {"number": "4008001234"}),
        ("GET", "/api/v1/tenants", None),
    ]:
        status, _ = await admin_b.call(method, path, body)
        assert status == 403, (method, path, status)
    _, seats = await admin_a.call("GET", f"/api/v1/tenants/{tid_a}/seats", expect=200)
    assert [s["extension"] for s in seats] == ["1001"]
    assert tid_b != tid_a


async def test_tokens_are_required_valid_and_pinned_to_hs256(api: ApiClient, uid: str) -> None:
    import jwt

    tid, admin = await open_tenant(api, uid)
    assert (await api.call("GET", f"/api/v1/tenants/{tid}/seats"))[0] == 401
    forged = jwt.encode(
        {"sub": "1", "role": "operator", "tid": None, "iat": 0, "exp": 2**31, "iss": "callcenter"},
        "wrong-secret" * 4,
    )
    assert (await api.as_(forged).call("GET", "/api/v1/tenants"))[0] == 401
    unsigned = jwt.encode(
        {"sub": "1", "role": "operator", "tid": None, "iat": 0, "exp": 2**31, "iss": "callcenter"},
        None,
        algorithm="none",
    )
    assert (await api.as_(unsigned).call("GET", "/api/v1/tenants"))[0] == 401
    status, err = await api.call(
        "POST", "/api/v1/auth/token", {"username": f"admin-{uid}", "password": "wrong"}
    )
    assert status == 401 and err["error"] == "bad-credentials"
    assert (await admin.call("GET", f"/api/v1/tenants/{tid}/seats"))[0] == 200
