"""Refusals name the field and the specific reason, with the family's status and slug."""

from __future__ import annotations

from typing import Any

from test_provisioning_api import open_tenant, tenant_id

from support import OPERATOR, ApiClient


def refused(reply: tuple[int, Any], status: int, error: str, reason: str, field: str) -> None:
    got, body = reply
    assert (got, body["error"], body.get("reason"), body["details"]["field"]) == (
        status,
        error,
        reason,
        field,
    ), body


async def test_taken_names_are_refused_with_the_field_and_reason(api: ApiClient, uid: str) -> None:
    op = await api.login(*OPERATOR)
    tid, admin = await open_tenant(api, uid)
    base = f"/api/v1/tenants/{tid}"
    again = {"id": tid, "name": "again", "admin": {"username": f"x-{uid}", "password": "pw-12345"}}
    refused(await op.call("POST", "/api/v1/tenants", again), 409, "conflict", "tenant-exists", "id")
    other = {
        "id": tenant_id(uid[::-1]) + "u",
        "name": "other",
        "admin": {"username": f"admin-{uid}", "password": "pw-12345"},
    }
    refused(
        await op.call("POST", "/api/v1/tenants", other),
        409,
        "conflict",
        "username-taken",
        "admin.username",
    )
    _, tenants = await op.call("GET", "/api/v1/tenants", expect=200)
    assert other["id"] not in {t["id"] for t in tenants}, "nothing half-saved"

    await admin.call("POST", f"{base}/seats", {"extension": "1001", "name": "A"}, expect=201)
    seat = {"extension": "1001", "name": "B"}
    refused(
        await admin.call("POST", f"{base}/seats", seat),
        409,
        "conflict",
        "extension-taken",
        "extension",
    )
    queue = {"name": "support", "extension": "600", "members": [{"extension": "1001"}]}
    await admin.call("POST", f"{base}/queues", queue, expect=201)
    refused(
        await admin.call("POST", f"{base}/queues", {**queue, "extension": "601"}),
        409,
        "conflict",
        "queue-exists",
        "name",
    )
    refused(
        await admin.call("POST", f"{base}/queues", {**queue, "name": "sales"}),
        409,
        "conflict",
        "extension-taken",
        "extension",
    )
    refused(
        await admin.call(
            "POST",
            f"{base}/queues",
            {"name": "sales", "extension": "602", "members": [{"extension": "1999"}]},
        ),
        404,
        "not-found",
        "no-such-seat",
        "members[0].extension",
    )
    await admin.call("POST", f"{base}/mailboxes", {"mailbox": "800"}, expect=201)
    refused(
        await admin.call("POST", f"{base}/mailboxes", {"mailbox": "800"}),
        409,
        "conflict",
        "mailbox-exists",
        "mailbox",
    )


async def test_a_family_error_has_no_reason(api: ApiClient, uid: str) -> None:
    _, admin = await open_tenant(api, uid)
    status, body = await admin.call("GET", f"/api/v1/tenants/{tenant_id(uid)}/ivrs/nope")
    assert (status, body["error"], body["details"]["field"]) == (404, "not-found", "name")
    assert "reason" not in body
