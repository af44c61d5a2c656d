"""Billing over PostgreSQL with synthetic CDR rows: runs, idempotency, closed periods, late
CDRs, exports, cost figures and tenant isolation.

Each test bills its own month (far apart) so runs, which cover every tenant, never meet.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import string
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from callcenter.billing import export, service
from callcenter.billing.schemas import parse_period
from callcenter.db.pool import create_pool

from support import OPERATOR, ApiClient

_ids = itertools.count(1)

PLAN = {
    "platform_fee": "100.00",
    "tax_rate": "0.06",
    "per_minute": {
        "price_per_minute": "0.20",
        "outbound_price_per_minute": "0.30",
        "rounding": "per_minute",
    },
}


async def leg(
    db: Any,
    tenant: str,
    linkedid: str,
    at: datetime,
    billsec: int,
    *,
    disposition: str = "ANSWERED",
    direction: str = "inbound",
    ext: str = "1001",
    userfield: str = "",
) -> str:
    """Insert one CDR leg as cdr_pgsql would; returns its uniqueid."""
    uniqueid = f"{linkedid}.{next(_ids)}"
    agent = f"PJSIP/{tenant}-{ext}-0000{next(_ids):04x}"
    carrier = f"PJSIP/carrier-{next(_ids):08x}"
    outgoing = direction in ("outbound", "forward")
    await db.execute(
        'INSERT INTO cdr (start, answer, "end", channel, dstchannel, duration, billsec,'
        " disposition, uniqueid, linkedid, sequence, tenantid, did, direction, queue, userfield,"
        " accountcode) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,"
        " $16, $12)",
        at,
        at + timedelta(seconds=2) if disposition == "ANSWERED" else None,
        at + timedelta(seconds=2 + billsec),
        agent if outgoing else carrier,
        carrier if outgoing else agent,
        2 + billsec,
        billsec,
        disposition,
        uniqueid,
        linkedid,
        next(_ids),
        tenant,
        None if outgoing else "4008001234",
        direction,
        None if outgoing else f"{tenant}-support",
        userfield,
    )
    return uniqueid


async def traffic(db: Any, tenant: str, day: datetime) -> None:
    """A queue call rung on two seats (answered 61 s), an outbound call (30 s), a leg
    forwarded to a mobile (45 s), an unanswered call and an internal call."""
    await leg(db, tenant, f"{tenant}q1", day, 0, disposition="NO ANSWER", ext="1002")
    await leg(db, tenant, f"{tenant}q1", day, 61, ext="1001", userfield="sale")
    await leg(db, tenant, f"{tenant}o1", day + timedelta(hours=1), 30, direction="outbound")
    await leg(db, tenant, f"{tenant}f1", day + timedelta(hours=2), 0, disposition="NO ANSWER")
    await leg(db, tenant, f"{tenant}f1", day + timedelta(hours=2), 45, direction="forward")
    await leg(db, tenant, f"{tenant}n1", day + timedelta(hours=3), 0, disposition="NO ANSWER")
    await leg(db, tenant, f"{tenant}i1", day + timedelta(hours=4), 300, direction="internal")


async def open_tenant(api: ApiClient, uid: str) -> tuple[str, ApiClient]:
    """A new tenant (id from ``uid``) and a client logged in as its admin."""
    op = await api.login(*OPERATOR)
    tid = "b" + "".join(c for c in uid if c in string.ascii_lowercase + string.digits)
    await op.call(
        "POST",
        "/api/v1/tenants",
        {
            "id": tid,
            "name": f"Billed {uid}",
            "admin": {"username": f"b-{uid}", "password": "pw-123456"},
        },
        expect=201,
    )
    return tid, await api.login(f"b-{uid}", "pw-123456")


async def billed_tenant(api: ApiClient, uid: str, plan: dict[str, Any] = PLAN) -> tuple[str, Any]:
    tid, admin = await open_tenant(api, uid)
    op = await api.login(*OPERATOR)
    await op.call("PUT", f"/api/v1/tenants/{tid}/billing/plan", plan, expect=200)
    return tid, admin


async def test_a_run_bills_the_answered_legs_once_and_a_rerun_gives_the_same_invoice(
    api: ApiClient, uid: str, db: Any
) -> None:
    tid, admin = await billed_tenant(api, uid)
    await traffic(db, tid, datetime(2031, 3, 10, 9, 0, tzinfo=UTC))
    op = await api.login(*OPERATOR)
    _, first = await op.call("POST", "/api/v1/billing/runs", {"period": "2031-03"}, expect=200)
    _, invoice = await admin.call("GET", f"/api/v1/tenants/{tid}/invoices/2031-03", expect=200)
    amounts = {line["code"]: line["amount"] for line in invoice["lines"]}
    # 61 s inbound -> 2 started minutes x 0.20; 30 s outbound and 45 s forwarded -> 1 minute
    # each at the outbound price 0.30; internal and unanswered calls cost nothing.
    assert amounts == {
        "platform-fee": "100.00",
        "minutes-inbound": "0.40",
        "minutes-outbound": "0.30",
        "minutes-forwarded": "0.30",
    }
    assert (invoice["subtotal"], invoice["tax"], invoice["total"]) == ("101.00", "6.06", "107.06")
    assert invoice["rated_calls"] == 3 and not invoice["closed"]

    _, again = await op.call("POST", "/api/v1/billing/runs", {"period": "2031-03"}, expect=200)
    assert (again["calls"], again["total"]) == (first["calls"], first["total"])
    _, invoice_again = await admin.call(
        "GET", f"/api/v1/tenants/{tid}/invoices/2031-03", expect=200
    )
    assert invoice_again == invoice
    rated = await db.fetch(
        "SELECT call_id, direction, billsec, agent, disposition FROM billing_rated_calls"
        " WHERE tenant_id = $1 ORDER BY call_id",
        tid,
    )
    assert [(r["call_id"], r["direction"], r["billsec"]) for r in rated] == [
        (f"{tid}f1/forward", "forwarded", 45),
        (f"{tid}o1", "outbound", 30),
        (f"{tid}q1", "inbound", 61),
    ]
    assert rated[2]["agent"] == "1001" and rated[2]["disposition"] == "sale"

    # The month is still open: a re-run follows the CDRs. A new call, a longer answered leg
    # of the queue call (say after a transfer), then the new call's CDR withdrawn.
    new = await leg(db, tid, f"{tid}x1", datetime(2031, 3, 11, 9, 0, tzinfo=UTC), 10)
    await leg(db, tid, f"{tid}q1", datetime(2031, 3, 10, 9, 0, 5, tzinfo=UTC), 200, ext="1003")
    await op.call("POST", "/api/v1/billing/runs", {"period": "2031-03"}, expect=200)
    rated = await db.fetch(
        "SELECT call_id, billsec, agent FROM billing_rated_calls WHERE tenant_id = $1"
        " ORDER BY call_id",
        tid,
    )
    assert [(r["call_id"], r["billsec"]) for r in rated][2:] == [
        (f"{tid}q1", 200),
        (f"{tid}x1", 10),
    ]
    _, invoice = await admin.call("GET", f"/api/v1/tenants/{tid}/invoices/2031-03", expect=200)
    # Inbound: 200 s -> 4 minutes, 10 s -> 1 minute: 5 x 0.20.
    assert {ln["code"]: ln["amount"] for ln in invoice["lines"]}["minutes-inbound"] == "1.00"
    await db.execute("DELETE FROM cdr WHERE uniqueid = $1", new)
    await op.call("POST", "/api/v1/billing/runs", {"period": "2031-03"}, expect=200)
    _, invoice = await admin.call("GET", f"/api/v1/tenants/{tid}/invoices/2031-03", expect=200)
    assert invoice["rated_calls"] == 3
    assert {ln["code"]: ln["amount"] for ln in invoice["lines"]}["minutes-inbound"] == "0.80"


async def test_a_closed_period_is_immutable_and_a_late_cdr_is_adjusted_in_the_next_one(
    api: ApiClient, uid: str, db: Any
) -> None:
    tid, admin = await billed_tenant(api, uid)
    await traffic(db, tid, datetime(2032, 5, 20, 9, 0, tzinfo=UTC))
    op = await api.login(*OPERATOR)
    await op.call("POST", "/api/v1/billing/runs", {"period": "2032-05", "close": True}, expect=200)
    _, closed = await admin.call("GET", f"/api/v1/tenants/{tid}/invoices/2032-05", expect=200)
    assert closed["closed"] and closed["total"] == "107.06"

    # A CDR of May arrives after May was closed (PostgreSQL was down, the AMI path caught up).
    await leg(db, tid, f"{tid}late", datetime(2032, 5, 31, 23, 59, tzinfo=UTC), 90)
    _, rerun = await op.call("POST", "/api/v1/billing/runs", {"period": "2032-05"}, expect=200)
    assert rerun["closed"] and not rerun["rated"]
    _, may = await admin.call("GET", f"/api/v1/tenants/{tid}/invoices/2032-05", expect=200)
    assert may == closed, "a closed invoice never changes"

    await op.call("POST", "/api/v1/billing/runs", {"period": "2032-06"}, expect=200)
    _, june = await admin.call("GET", f"/api/v1/tenants/{tid}/invoices/2032-06", expect=200)
    amounts = {line["code"]: line["amount"] for line in june["lines"]}
    # 90 s inbound -> 2 started minutes x 0.20, re-rated into May's usage.
    assert amounts == {"platform-fee": "100.00", "adjustment-2032-05": "0.40"}
    assert june["total"] == "106.42" and june["rated_calls"] == 1
    late = await db.fetchrow(
        "SELECT invoice_period, call_period FROM billing_rated_calls WHERE call_id = $1",
        f"{tid}late",
    )
    assert (str(late["invoice_period"]), str(late["call_period"])) == ("2032-06-01", "2032-05-01")
    # Running June again does not bill the late call twice.
    await op.call("POST", "/api/v1/billing/runs", {"period": "2032-06"}, expect=200)
    _, june_again = await admin.call("GET", f"/api/v1/tenants/{tid}/invoices/2032-06", expect=200)
    assert june_again == june


async def test_package_overage_and_commission_from_cdrs(api: ApiClient, uid: str, db: Any) -> None:
    plan = {
        "package": {"base_fee": "500", "included_calls": 1, "price_per_extra_call": "2.50"},
        "commission": {"fee_per_success": "10", "success_dispositions": ["sale"]},
    }
    tid, admin = await billed_tenant(api, uid, plan)
    await traffic(db, tid, datetime(2033, 2, 3, 9, 0, tzinfo=UTC))
    op = await api.login(*OPERATOR)
    await op.call("POST", "/api/v1/billing/runs", {"period": "2033-02"}, expect=200)
    _, invoice = await admin.call("GET", f"/api/v1/tenants/{tid}/invoices/2033-02", expect=200)
    amounts = {line["code"]: line["amount"] for line in invoice["lines"]}
    assert amounts == {
        "package-base": "500.00",
        "package-extra-calls": "5.00",
        "commission": "10.00",
    }
    _, cost = await admin.call(
        "GET", f"/api/v1/tenants/{tid}/billing/cost?period=2033-02", expect=200
    )
    # 515.00 over 3 answered calls and 136 talk seconds; 136 / 43 standard calls.
    assert cost["answered_calls"] == 3 and cost["talk_seconds"] == 136
    assert cost["cost_per_answered_call"] == "171.67"
    assert cost["cost_per_talk_minute"] == "227.21"
    assert cost["standard_calls"] == "3.16"


async def test_plans_are_validated_and_name_the_field(api: ApiClient, uid: str) -> None:
    tid, admin = await open_tenant(api, uid)
    op = await api.login(*OPERATOR)
    path = f"/api/v1/tenants/{tid}/billing/plan"
    for body, field in [
        ({"per_minute": {"price_per_minute": 0.2}}, "per_minute.price_per_minute"),
        ({"per_minute": {"price_per_minute": "-1"}}, "per_minute.price_per_minute"),
        ({"per_minute": {"price_per_minute": "1", "rounding": "hourly"}}, "per_minute.rounding"),
        ({"per_seat": {"monthly_price": "99", "minimum_seats": -1}}, "per_seat.minimum_seats"),
        ({"package": {"base_fee": "1"}}, "package"),
        ({"tax_rate": "1.5"}, "plan.tax_rate"),
        ({"surprise": 1}, "surprise"),
    ]:
        _, err = await op.call("PUT", path, body, expect=400)
        assert err["details"]["field"] == field, (body, err)
    await op.call("GET", path, expect=404)
    await admin.call("PUT", path, PLAN, expect=403)
    await op.call("PUT", path, PLAN, expect=200)
    _, stored = await admin.call("GET", path, expect=200)
    assert stored["plan"]["per_minute"]["price_per_minute"] == "0.20"
    _, err = await op.call("POST", "/api/v1/billing/runs", {"period": "2031-13"}, expect=400)
    assert err["details"]["field"] == "period"


async def test_a_tenant_reads_only_its_own_invoices_and_exports(
    api: ApiClient, uid: str, db: Any
) -> None:
    tid, admin = await billed_tenant(api, uid)
    other, other_admin = await billed_tenant(api, uid[::-1])
    await traffic(db, tid, datetime(2034, 7, 1, 0, 0, 5, tzinfo=UTC))
    await traffic(db, other, datetime(2034, 7, 2, 9, 0, tzinfo=UTC))
    op = await api.login(*OPERATOR)
    await op.call("POST", "/api/v1/billing/runs", {"period": "2034-07"}, expect=200)
    await other_admin.call("GET", f"/api/v1/tenants/{tid}/invoices", expect=403)
    await other_admin.call("GET", f"/api/v1/tenants/{tid}/invoices/2034-07", expect=403)
    await other_admin.call("GET", f"/api/v1/tenants/{tid}/billing/cost?period=2034-07", expect=403)
    await other_admin.call("GET", f"/api/v1/tenants/{tid}/billing/export", expect=403)
    await other_admin.call("POST", "/api/v1/billing/runs", {"period": "2034-07"}, expect=403)
    await other_admin.call("GET", "/api/v1/billing/export", expect=403)
    _, own = await other_admin.call("GET", f"/api/v1/tenants/{other}/invoices", expect=200)
    assert [i["period"] for i in own] == ["2034-07"]

    resp = await admin.client.get(
        f"/api/v1/tenants/{tid}/billing/export?kind=calls&format=csv&period=2034-07",
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert resp.status == 200
    rows = list(csv.DictReader(io.StringIO(await resp.text())))
    assert {r["tenant_id"] for r in rows} == {tid} and len(rows) == 3


async def test_exports_stream_resume_after_a_cursor_and_are_safe_to_run_twice(
    api: ApiClient, uid: str, db: Any, dsn: str, tmp_path: Path
) -> None:
    tid, _ = await billed_tenant(api, uid)
    await traffic(db, tid, datetime(2035, 1, 15, 9, 0, tzinfo=UTC))
    op = await api.login(*OPERATOR)
    await op.call("POST", "/api/v1/billing/runs", {"period": "2035-01"}, expect=200)

    resp = await op.client.get(
        f"/api/v1/billing/export?kind=calls&format=json&period=2035-01&tenant={tid}",
        headers={"Authorization": f"Bearer {op.token}"},
    )
    assert resp.status == 200 and resp.content_type == "application/x-ndjson"
    calls = [json.loads(line) for line in (await resp.text()).splitlines()]
    assert [c["call_id"] for c in calls] == sorted(c["call_id"] for c in calls)
    assert len(calls) == 3 and calls[0]["tenant_id"] == tid

    resp = await op.client.get(
        f"/api/v1/billing/export?kind=calls&format=json&tenant={tid}&after={calls[0]['cursor']}",
        headers={"Authorization": f"Bearer {op.token}"},
    )
    rest = [json.loads(line) for line in (await resp.text()).splitlines()]
    assert rest == calls[1:]

    resp = await op.client.get(
        "/api/v1/billing/export?kind=calls&after=bad%20cursor",
        headers={"Authorization": f"Bearer {op.token}"},
    )
    assert resp.status == 400 and (await resp.json())["details"]["field"] == "after"

    pool = await create_pool(dsn, max_size=2)
    try:
        out = tmp_path / "invoices.json"
        q = export.parse_query("invoices", "json", "2035-01", tid, None)
        await export.export_to_file(pool, q, out)
        first = out.read_bytes()
        await export.export_to_file(pool, q, out)
        assert out.read_bytes() == first and not (tmp_path / "invoices.json.part").exists()
        invoice = json.loads(first)
        assert invoice["total"] == "107.06" and len(invoice["lines"]) == 4

        lines = tmp_path / "lines.csv"
        await export.export_to_file(
            pool, export.parse_query("invoices", "csv", None, tid, None), lines
        )
        rows = list(csv.DictReader(io.StringIO(lines.read_text())))
        assert rows[0]["code"] == "platform-fee" and rows[0]["total"] == "107.06"
        summary = await service.run_period(pool, service.SYSTEM, parse_period("2035-01"))
        assert summary["calls"] >= 3
    finally:
        await pool.close()


async def test_seat_days_and_peaks_are_metered(api: ApiClient, uid: str, db: Any) -> None:
    tid, admin = await open_tenant(api, uid)
    for ext in ("1001", "1002"):
        await admin.call("POST", f"/api/v1/tenants/{tid}/seats", {"extension": ext}, expect=201)
    # Two seats registered (Asterisk writes ps_contacts), one of them twice, then one leaves
    # and its seat is removed.
    for n, ep in enumerate([f"{tid}-1001", f"{tid}-1001", f"{tid}-1002"]):
        await db.execute(
            "INSERT INTO ps_contacts (id, uri, endpoint, expiration_time) VALUES ($1, $2, $3, 0)",
            f"{ep};@{n}",
            f"sip:{ep}@127.0.0.1:{5000 + n}",
            ep,
        )
    await db.execute("DELETE FROM ps_contacts WHERE endpoint = $1", f"{tid}-1002")
    await admin.call("DELETE", f"/api/v1/tenants/{tid}/seats/1002", expect=204)
    history = await db.fetch(
        "SELECT extension, removed_at FROM billing_seat_history WHERE tenant_id = $1"
        " ORDER BY extension",
        tid,
    )
    assert [(r["extension"], r["removed_at"] is None) for r in history] == [
        ("1001", True),
        ("1002", False),
    ]
    regs = await db.fetch(
        "SELECT endpoint, ended_at FROM billing_registrations WHERE tenant_id = $1"
        " ORDER BY endpoint",
        tid,
    )
    assert [(r["endpoint"], r["ended_at"] is None) for r in regs] == [
        (f"{tid}-1001", True),
        (f"{tid}-1002", False),
    ]
    # Three overlapping calls of which two are up at the same time at most.
    now = datetime.now(UTC).replace(microsecond=0)
    await leg(db, tid, f"{tid}p1", now - timedelta(seconds=100), 50)
    await leg(db, tid, f"{tid}p2", now - timedelta(seconds=80), 50)
    await leg(db, tid, f"{tid}p3", now - timedelta(seconds=20), 10)
    period = now.strftime("%Y-%m")
    _, usage = await admin.call(
        "GET", f"/api/v1/tenants/{tid}/billing/usage?period={period}", expect=200
    )
    assert usage["peak_concurrent_calls"] == 2
    assert usage["peak_registered_agents"] == 2
    assert usage["answered_calls"] == {"inbound": 3}
    assert usage["seat_days"] >= 1
    await db.execute("DELETE FROM ps_contacts WHERE endpoint = $1", f"{tid}-1001")


async def test_a_callback_is_one_outbound_call_and_a_forwarded_seat_is_the_agent(
    api: ApiClient, uid: str, db: Any
) -> None:
    tid, admin = await billed_tenant(api, uid)
    day = datetime(2036, 4, 8, 9, 0, tzinfo=UTC)
    # Callback: the stand-in waiting in the queue, and the call to the customer (same call).
    await leg(db, tid, f"{tid}cb", day, 40, direction="callback", ext="1003")
    await leg(db, tid, f"{tid}cb", day, 38, direction="callback")
    # A seat forwarded to a mobile: the queue rang Local/<seat>@cc-forward, which dialled out.
    fw = await leg(db, tid, f"{tid}fw", day + timedelta(hours=1), 20, ext="1004")
    await db.execute(
        "UPDATE cdr SET dstchannel = $2 WHERE uniqueid = $1",
        fw,
        f"Local/{tid}-1004@cc-forward-00000001;1",
    )
    await leg(db, tid, f"{tid}fw", day + timedelta(hours=1), 19, direction="forward", ext="1004")
    op = await api.login(*OPERATOR)
    await op.call("POST", "/api/v1/billing/runs", {"period": "2036-04"}, expect=200)
    rated = await db.fetch(
        "SELECT call_id, direction, billsec, agent FROM billing_rated_calls"
        " WHERE tenant_id = $1 ORDER BY call_id",
        tid,
    )
    assert [(r["call_id"], r["direction"], r["billsec"], r["agent"]) for r in rated] == [
        (f"{tid}cb", "outbound", 40, "1003"),
        (f"{tid}fw", "inbound", 20, "1004"),
        (f"{tid}fw/forward", "forwarded", 19, "1004"),
    ]
    _, invoice = await admin.call("GET", f"/api/v1/tenants/{tid}/invoices/2036-04", expect=200)
    amounts = {line["code"]: line["amount"] for line in invoice["lines"]}
    assert amounts == {
        "platform-fee": "100.00",
        "minutes-inbound": "0.20",
        "minutes-outbound": "0.30",
        "minutes-forwarded": "0.30",
    }


async def test_commission_follows_the_disposition_an_agent_saved_on_the_call(
    api: ApiClient, uid: str, db: Any
) -> None:
    plan = {"commission": {"fee_per_success": "10", "success_dispositions": ["sale"]}}
    tid, admin = await billed_tenant(api, uid, plan)
    day = datetime(2033, 3, 3, 9, 0, tzinfo=UTC)
    for n, billsec in enumerate((60, 30, 45)):
        await leg(db, tid, f"{tid}d{n}", day + timedelta(hours=n), billsec)
    # The agent's console saved "sale" on two calls and "no-interest" on the third.
    for n, disposition in enumerate(("sale", "no-interest", "sale")):
        await db.execute(
            "INSERT INTO call_notes (tenant_id, linkedid, agent_extension, disposition)"
            " VALUES ($1, $2, '1001', $3)",
            tid,
            f"{tid}d{n}",
            disposition,
        )
    op = await api.login(*OPERATOR)
    await op.call("POST", "/api/v1/billing/runs", {"period": "2033-03"}, expect=200)
    _, invoice = await admin.call("GET", f"/api/v1/tenants/{tid}/invoices/2033-03", expect=200)
    amounts = {line["code"]: line["amount"] for line in invoice["lines"]}
    assert amounts["commission"] == "20.00"
