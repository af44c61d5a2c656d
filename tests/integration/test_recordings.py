"""Recordings: kept for the tenant's retention period, then deleted; only the tenant's
users may list or fetch them."""

from __future__ import annotations

from typing import Any

from integration.test_provisioning_api import open_tenant

from callcenter import keys
from callcenter.recordings.service import purge_expired

from support import ApiClient


async def test_recordings_past_retention_are_purged_and_others_kept(
    api: ApiClient, uid: str, db: Any
) -> None:
    tid, admin = await open_tenant(api, uid)
    other, _ = await open_tenant(api, uid[::-1] + "r")
    await admin.call(
        "PUT",
        f"/api/v1/tenants/{tid}/recording",
        {"policy": "all", "retention_days": 7},
        expect=200,
    )
    for uniqueid, age_days, tenant in (
        (f"old-{uid}.1", 8, tid),
        (f"new-{uid}.2", 6, tid),
        (f"keep-{uid}.3", 8, other),  # the other tenant keeps the default 90 days
    ):
        await db.execute(
            "INSERT INTO recordings (tenant_id, uniqueid, linkedid, audio, created_at)"
            " VALUES ($1, $2, $2, 'RIFF', now() - make_interval(days => $3))",
            tenant,
            uniqueid,
            age_days,
        )
    await purge_expired(api.client.app[keys.POOL])
    left = {
        r["uniqueid"]
        for r in await db.fetch(
            "SELECT uniqueid FROM recordings WHERE uniqueid LIKE ANY($1::text[])",
            [f"%-{uid}.%"],
        )
    }
    assert left == {f"new-{uid}.2", f"keep-{uid}.3"}
    _, listed = await admin.call("GET", f"/api/v1/tenants/{tid}/recordings", expect=200)
    assert [r["uniqueid"] for r in listed] == [f"new-{uid}.2"]
    status, body = await admin.call(
        "PUT", f"/api/v1/tenants/{tid}/recording", {"policy": "sometimes"}
    )
    assert status == 400 and body["details"]["field"] == "policy"
