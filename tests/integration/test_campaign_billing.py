"""Billing of campaign calls: each campaign call's CDR leg names its contact; the contact's
disposition (one of the campaign's success dispositions) makes it a success for the
commission and the campaign commission, whatever the plan lists; per-call pricing with its
minimum applies to them, and the invoice prices each campaign's calls and successes on
lines of its own. Figures by hand."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

from integration.test_billing import billed_tenant

from support import OPERATOR, ApiClient


async def campaign_leg(
    db: Any, tenant: str, linkedid: str, at: datetime, billsec: int, campaign: int, contact: int
) -> None:
    """The customer leg of a campaign call as cdr_pgsql writes it (cc-campaign-dial)."""
    answered = billsec > 0
    await db.execute(
        'INSERT INTO cdr (start, answer, "end", channel, dstchannel, duration, billsec,'
        " disposition, uniqueid, linkedid, sequence, tenantid, direction, campaign,"
        " campaign_contact, accountcode) VALUES ($1, $2, $3, $4, 'PJSIP/carrier-00000001', $5,"
        " $6, $7, $8, $8, 1, $9, 'outbound', $10, $11, $9)",
        at,
        at + timedelta(seconds=2) if answered else None,
        at + timedelta(seconds=2 + billsec),
        f"Local/ca{linkedid}@cc-campaign-dial-00000001;2",
        2 + billsec,
        billsec,
        "ANSWERED" if answered else "NO ANSWER",
        linkedid,
        tenant,
        str(campaign),
        str(contact),
    )


async def test_campaign_dispositions_decide_commission_and_calls_are_priced_with_the_minimum(
    api: ApiClient, uid: str, db: Any
) -> None:
    plan = {
        "per_call": {"price_per_outbound_call": "0.10", "minimum_outbound_charge": "0.50"},
        "commission": {"fee_per_success": "10", "success_dispositions": ["sale"]},
        "campaign_commission": {
            "base_amount": "1000",
            "rate_percent": "5",
            "threshold_percent": "50",
            "success_dispositions": ["sale"],
        },
    }
    tid, admin = await billed_tenant(api, uid, plan)
    op = await api.login(*OPERATOR)
    number = "40087" + str(abs(hash(tid)) % 100000).zfill(5)
    base = f"/api/v1/tenants/{tid}"
    await op.call("POST", f"{base}/numbers", {"number": number}, expect=201)
    await admin.call("POST", f"{base}/queues", {"name": "sales", "extension": "600"}, expect=201)
    await admin.call(
        "PUT",
        f"{base}/schedules/hours",
        {
            "timezone": "UTC",
            "weekly": [{"weekday": 0, "start": "09:00", "end": "18:00"}],
            "closed_destination": {"kind": "hangup", "target": ""},
        },
        expect=200,
    )
    _, c = await admin.call(
        "POST",
        f"{base}/campaigns",
        {
            "name": "续费",
            "mode": "progressive",
            "caller_number": number,
            "queue": "sales",
            "schedule": "hours",
            "dispositions": ["续费", "考虑", "拒绝"],
            "success_dispositions": ["续费"],
        },
        expect=201,
    )
    _, c2 = await admin.call(
        "POST",
        f"{base}/campaigns",
        {
            "name": "回访",
            "mode": "progressive",
            "caller_number": number,
            "queue": "sales",
            "schedule": "hours",
            "dispositions": ["满意", "不满意"],
            "success_dispositions": ["满意"],
        },
        expect=201,
    )
    resp = await admin.client.post(
        f"{base}/campaigns/{c['id']}/contacts.csv",
        data=b"phone\n13800138000\n13800138001\n13800138002\n13800138003\n",
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert resp.status == 200
    resp = await admin.client.post(
        f"{base}/campaigns/{c2['id']}/contacts.csv",
        data=b"phone\n13911180031\n13911180032\n",
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert resp.status == 200
    _, contacts = await admin.call("GET", f"{base}/campaigns/{c['id']}/contacts", expect=200)
    ids = [x["id"] for x in contacts]
    _, contacts2 = await admin.call("GET", f"{base}/campaigns/{c2['id']}/contacts", expect=200)
    ids2 = [x["id"] for x in contacts2]
    for campaign, contact_id, disposition in (
        (c, ids[0], "续费"),
        (c, ids[1], "续费"),
        (c, ids[2], "拒绝"),
        (c2, ids2[0], "满意"),
        (c2, ids2[1], "不满意"),
    ):
        await admin.call(
            "PUT",
            f"{base}/campaigns/{campaign['id']}/contacts/{contact_id}/disposition",
            {"disposition": disposition},
            expect=200,
        )
    day = datetime(2034, 5, 7, 10, 0, tzinfo=UTC)
    # 续费: three answered calls (two successes, one refusal) and one not answered.
    for n, (contact_id, billsec) in enumerate(zip(ids, (40, 25, 12, 0), strict=True)):
        await campaign_leg(
            db, tid, f"{tid}c{n}", day + timedelta(minutes=n), billsec, c["id"], contact_id
        )
    # 回访: two answered calls, one satisfied.
    for n, (contact_id, billsec) in enumerate(zip(ids2, (30, 8), strict=True)):
        await campaign_leg(
            db,
            tid,
            f"{tid}d{n}",
            day + timedelta(hours=1, minutes=n),
            billsec,
            c2["id"],
            contact_id,
        )
    await op.call("POST", "/api/v1/billing/runs", {"period": "2034-05"}, expect=200)
    _, invoice = await admin.call("GET", f"{base}/invoices/2034-05", expect=200)
    lines = [(x["code"], x["description"], x["quantity"], x["amount"]) for x in invoice["lines"]]
    # Each campaign's calls at max(0.10, 0.50) and its successes x 10 on lines of their own
    # (no call of no campaign: no calls-outbound or commission line); the success rate over
    # all answered calls, 3/5 >= 50 %, gives 5 % of 1000.
    a, b = c["id"], c2["id"]
    assert lines == [
        (f"campaign-{a}-calls", "Campaign 续费: answered calls", "3.0000", "1.50"),
        (f"campaign-{b}-calls", "Campaign 回访: answered calls", "2.0000", "1.00"),
        (f"campaign-{a}-commission", "Campaign 续费: successful calls", "2.0000", "20.00"),
        (f"campaign-{b}-commission", "Campaign 回访: successful calls", "1.0000", "10.00"),
        ("campaign-commission", "5% of 1000 (3/5 successful)", "1.0000", "50.00"),
    ], lines
    assert invoice["subtotal"] == "82.50"
    # The invoice shows each campaign's calls: answered, billed seconds, successes.
    assert invoice["campaigns"] == [
        {"campaign": a, "name": "续费", "calls": 3, "seconds": 77, "successes": 2},
        {"campaign": b, "name": "回访", "calls": 2, "seconds": 38, "successes": 1},
    ]
    # The CSV export carries the same lines.
    resp = await admin.client.get(
        f"{base}/billing/export?kind=invoices&format=csv&period=2034-05",
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert resp.status == 200
    exported = [
        (r["code"], r["description"], r["quantity"], r["amount"])
        for r in csv.DictReader(io.StringIO(await resp.text()))
    ]
    assert exported == lines
    # A re-run gives the same invoice (the campaign is part of what is compared).
    await op.call("POST", "/api/v1/billing/runs", {"period": "2034-05"}, expect=200)
    _, again = await admin.call("GET", f"{base}/invoices/2034-05", expect=200)
    assert again["campaigns"] == invoice["campaigns"] and again["lines"] == invoice["lines"]
    rated = await db.fetch(
        "SELECT disposition FROM billing_rated_calls WHERE tenant_id = $1 ORDER BY call_id", tid
    )
    assert [r["disposition"] for r in rated] == [
        "campaign-success",
        "campaign-success",
        "拒绝",
        "campaign-success",
        "不满意",
    ]
