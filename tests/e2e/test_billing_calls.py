"""Billing acceptance with real calls: carrier calls through the platform Asterisk to baresip
agents, CDRs by both paths (cdr_pgsql and AMI ``Cdr`` events), then a billing run whose calls,
minutes and amounts are what the calls were."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from test_inbound_call import account, provision_tenant

from callcenter import keys
from callcenter.cdr.records import COLUMNS, cdr_row

from stack import Stack, running
from support import OPERATOR, ApiClient, wait_for

pytestmark = pytest.mark.e2e

TENANT = "billco"
DID = "4008005555"


async def test_real_calls_are_metered_once_and_billed_as_they_were(
    stack: Stack, platform_api: ApiClient, db: Any
) -> None:
    app = platform_api.client.app
    events: list[Mapping[str, str]] = []
    app[keys.AMI].on_raw(lambda e: events.append(e) if e.get("Event") == "Cdr" else None)
    admin, seats = await provision_tenant(
        platform_api, TENANT, ["400-800-5555"], ["3001", "3002"], "630"
    )
    op = await platform_api.login(*OPERATOR)
    await admin.call(
        "PUT",
        f"/api/v1/tenants/{TENANT}/numbers/{DID}/route",
        {"type": "queue", "target": "support"},
        expect=200,
    )
    await op.call(
        "PUT",
        f"/api/v1/tenants/{TENANT}/billing/plan",
        {
            "platform_fee": "10.00",
            "tax_rate": "0.06",
            "per_call": {"price_per_inbound_call": "0.50"},
            "per_minute": {"price_per_minute": "0.20", "rounding": "per_minute"},
        },
        expect=200,
    )
    sync = app[keys.SYNC]
    phones = [stack.phone(f"bill-{e}", account(seats[e])) for e in ("3001", "3002")]
    async with running(*phones):
        await wait_for(
            lambda: all(sync.state_of(f"{TENANT}-{e}") == "NOT_INUSE" for e in ("3001", "3002"))
        )
        # Two calls the caller ends after 3 s and 5 s: one started minute each.
        for seconds, caller in ((3, "13900000001"), (5, "13900000002")):
            await stack.carrier_ami.originate(
                Channel=f"PJSIP/{DID}@platform",
                Application="Wait",
                Data=str(seconds),
                CallerID=f'"{caller}" <{caller}>',
                Timeout=20000,
                timeout=30,
            )
            await wait_for(
                lambda c=caller: db.fetchval(
                    "SELECT count(*) FROM cdr WHERE tenantid = $1 AND src = $2"
                    " AND disposition = 'ANSWERED'",
                    TENANT,
                    c,
                ),
                timeout=20,
            )
    await app[keys.CDR_SINK].wait_idle(10)

    rows = await db.fetch("SELECT * FROM cdr WHERE tenantid = $1", TENANT)
    answered = [r for r in rows if r["disposition"] == "ANSWERED"]
    assert len(answered) == 2, [dict(r) for r in rows]
    short, long = sorted(r["billsec"] for r in answered)
    assert 2 <= short <= 4 and 4 <= long <= 6, (short, long)
    # Both paths describe every leg with the same key and the same billable fields.
    ours = {
        (r[COLUMNS.index("uniqueid")], r[COLUMNS.index("sequence")]): dict(
            zip(COLUMNS, r, strict=True)
        )
        for r in (cdr_row(e) for e in events)
        if r[COLUMNS.index("tenantid")] == TENANT
    }
    assert set(ours) == {(r["uniqueid"], r["sequence"]) for r in rows}
    for r in rows:
        via_ami = ours[r["uniqueid"], r["sequence"]]
        for column in (
            "linkedid",
            "billsec",
            "disposition",
            "did",
            "direction",
            "queue",
            "dstchannel",
        ):
            assert via_ami[column] == r[column], (column, via_ami, dict(r))

    period = datetime.now(UTC).strftime("%Y-%m")
    # Metering from what Asterisk itself wrote: registrations (ps_contacts trigger) and CDRs.
    _, usage = await admin.call(
        "GET", f"/api/v1/tenants/{TENANT}/billing/usage?period={period}", expect=200
    )
    assert usage["peak_registered_agents"] == 2 and usage["registered_seconds"] > 0
    assert usage["peak_concurrent_calls"] == 1 and usage["answered_calls"] == {"inbound": 2}
    assert usage["seat_days"] >= 2 and usage["seat_days"] % 2 == 0
    await op.call("POST", "/api/v1/billing/runs", {"period": period}, expect=200)
    _, invoice = await admin.call("GET", f"/api/v1/tenants/{TENANT}/invoices/{period}", expect=200)
    amounts = {line["code"]: line["amount"] for line in invoice["lines"]}
    assert amounts == {
        "platform-fee": "10.00",
        "calls-inbound": "1.00",
        "minutes-inbound": "0.40",
    }
    assert (invoice["subtotal"], invoice["tax"], invoice["total"]) == ("11.40", "0.68", "12.08")
    assert invoice["rated_calls"] == 2
    rated = await db.fetch(
        "SELECT agent, did, queue FROM billing_rated_calls WHERE tenant_id = $1", TENANT
    )
    assert {r["agent"] for r in rated} <= {"3001", "3002"}
    assert {(r["did"], r["queue"]) for r in rated} == {(DID, f"{TENANT}-support")}


async def test_a_leg_forwarded_to_a_mobile_is_billed_as_outbound_minutes(
    stack: Stack, platform_api: ApiClient, db: Any
) -> None:
    tenant, number, mobile = "billfw", "4008205555", "13900139055"
    op = await platform_api.login(*OPERATOR)
    await op.call(
        "POST",
        "/api/v1/tenants",
        {
            "id": tenant,
            "name": "Forwarding",
            "admin": {"username": f"{tenant}-admin", "password": "admin-password"},
        },
        expect=201,
    )
    await op.call("POST", f"/api/v1/tenants/{tenant}/numbers", {"number": number}, expect=201)
    admin = await platform_api.login(f"{tenant}-admin", "admin-password")
    await admin.call("POST", f"/api/v1/tenants/{tenant}/seats", {"extension": "2001"}, expect=201)
    await admin.call(
        "PUT", f"/api/v1/tenants/{tenant}/seats/2001", {"forward_to": mobile}, expect=200
    )
    await admin.call(
        "POST",
        f"/api/v1/tenants/{tenant}/queues",
        {"name": "mobiles", "extension": "602", "members": [{"extension": "2001"}]},
        expect=201,
    )
    await admin.call(
        "PUT",
        f"/api/v1/tenants/{tenant}/numbers/{number}/route",
        {"type": "queue", "target": "mobiles"},
        expect=200,
    )
    await op.call(
        "PUT",
        f"/api/v1/tenants/{tenant}/billing/plan",
        {
            "per_minute": {
                "price_per_minute": "0.20",
                "outbound_price_per_minute": "0.30",
                "rounding": "per_minute",
            }
        },
        expect=200,
    )
    sync = platform_api.client.app[keys.SYNC]
    await wait_for(lambda: sync.state_of(f"{tenant}-2001") == "NOT_INUSE")
    # The mobile (the carrier's side) answers; the caller hangs up after 4 s.
    await stack.carrier_ami.originate(
        Channel=f"PJSIP/{number}@platform",
        Application="Wait",
        Data="4",
        CallerID='"13800138055" <13800138055>',
        Timeout=20000,
        timeout=30,
    )
    await wait_for(
        lambda: db.fetchval(
            "SELECT count(*) FROM cdr WHERE tenantid = $1 AND disposition = 'ANSWERED'"
            " AND direction = 'forward'",
            tenant,
        ),
        timeout=20,
    )
    await asyncio.sleep(1)  # the inbound leg is written when the caller's channel ends
    period = datetime.now(UTC).strftime("%Y-%m")
    await op.call("POST", "/api/v1/billing/runs", {"period": period}, expect=200)
    rated = await db.fetch(
        "SELECT call_id, direction, billsec, agent FROM billing_rated_calls"
        " WHERE tenant_id = $1 ORDER BY call_id",
        tenant,
    )
    assert [(r["direction"], r["agent"]) for r in rated] == [
        ("inbound", "2001"),
        ("forwarded", "2001"),
    ], [dict(r) for r in rated]
    assert rated[1]["call_id"] == rated[0]["call_id"] + "/forward"
    assert all(2 <= r["billsec"] <= 6 for r in rated)
    _, invoice = await admin.call("GET", f"/api/v1/tenants/{tenant}/invoices/{period}", expect=200)
    amounts = {line["code"]: line["amount"] for line in invoice["lines"]}
    assert amounts == {"minutes-inbound": "0.20", "minutes-forwarded": "0.30"}
    # The agent's figures count the call too (app_queue logs the member by its seat name,
    # Local/<seat>@cc-forward or not), so per-agent figures and commissions see it.
    day = datetime.now(UTC).date()
    q = f"from={day}T00:00:00Z&to={day + timedelta(days=1)}T00:00:00Z&interval=day&tz=UTC"
    _, agents = await admin.call("GET", f"/api/v1/tenants/{tenant}/reports/agents?{q}", expect=200)
    assert [(r["agent"], r["handled"]) for r in agents] == [("2001", 1)], agents
    assert 2 <= agents[0]["talk_s"] <= 6, agents
