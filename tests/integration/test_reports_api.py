"""Agent reports from the presence the workspace records: logged-in and pause time."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from integration.test_agent_workspace_api import agent_setup
from integration.test_provisioning_api import open_tenant

from support import ApiClient


async def test_login_and_pauses_become_logged_in_and_pause_time(
    api: ApiClient, uid: str, db: Any
) -> None:
    tid, admin, agent = await agent_setup(api, uid)
    start = datetime.now(UTC) - timedelta(minutes=1)
    await agent.call("POST", "/api/v1/agent/login", expect=200)
    await agent.call("POST", "/api/v1/agent/pause", {"reason": "lunch"}, expect=200)
    await asyncio.sleep(1.2)
    await agent.call("POST", "/api/v1/agent/unpause", expect=200)
    await asyncio.sleep(0.3)
    # One call of 1 s talk ends now, as app_queue writes it (holdtime, calltime, position).
    await db.execute(
        "INSERT INTO queue_log (callid, queuename, agent, event, data1, data2, data3)"
        " VALUES ('1.1', $1, $2, 'COMPLETECALLER', '0', '1', '1')",
        f"{tid}-support",
        f"{tid}-1001",
    )
    await agent.call("POST", "/api/v1/agent/logout", expect=200)
    end = datetime.now(UTC) + timedelta(minutes=1)
    _, rows = await admin.call(
        "GET",
        f"/api/v1/tenants/{tid}/reports/agents?from={start.isoformat().replace('+', '%2B')}"
        f"&to={end.isoformat().replace('+', '%2B')}&interval=day&tz=UTC",
        expect=200,
    )
    (row,) = rows
    assert row["agent"] == "1001"
    assert 1.4 <= row["logged_in_s"] < 10, row
    assert 1.1 <= row["paused_s"]["lunch"] < row["logged_in_s"], row
    assert (row["handled"], row["talk_s"], row["wrapup_s"]) == (1, 1.0, 5), row
    assert abs(row["utilisation"] - 1.0 / row["logged_in_s"]) < 0.04, row


async def test_peak_logged_in_agents_are_metered_from_workspace_sessions(
    api: ApiClient, uid: str
) -> None:
    tid, admin, agent = await agent_setup(api, uid, tag="p")
    await agent.call("POST", "/api/v1/agent/login", expect=200)
    await asyncio.sleep(1.1)
    await agent.call("POST", "/api/v1/agent/logout", expect=200)
    period = datetime.now(UTC).strftime("%Y-%m")
    _, usage = await admin.call(
        "GET", f"/api/v1/tenants/{tid}/billing/usage?period={period}", expect=200
    )
    assert usage["peak_logged_in_agents"] == 1
    assert 1 <= usage["logged_in_seconds"] < 10


async def test_survey_scores_are_reported_per_queue_and_per_agent_by_hand_count(
    api: ApiClient, uid: str, db: Any
) -> None:
    """The after-call survey (a queue with ``survey`` on) stores the caller's key on the
    caller's leg after the bridge; the reports find the call's queue and the seat that took
    it (a seat forwarded to a mobile included), one answer per call."""
    tid, admin = await open_tenant(api, uid)
    day = datetime(2034, 3, 2, 9, 0, tzinfo=UTC)
    n = 0

    async def leg(tenant: str, linkedid: str, queue: str, dst: str, disp: str, survey: Any) -> None:
        nonlocal n
        n += 1
        await db.execute(
            'INSERT INTO cdr (start, answer, "end", src, dst, channel, dstchannel, disposition,'
            " billsec, uniqueid, linkedid, tenantid, direction, queue, survey)"
            " VALUES ($1::timestamptz, $1, $1 + interval '40 seconds', '13911180041', '600',"
            " $2, $3, $4, $5, $6, $7, $8, 'inbound', $9, $10)",
            day + timedelta(minutes=n),
            f"PJSIP/carrier-{n:08d}",
            dst,
            disp,
            30 if disp == "ANSWERED" else 0,
            f"{linkedid}.{n}",
            linkedid,
            tenant,
            f"{tenant}-{queue}",
            survey,
        )

    async def call(
        key: str, queue: str, agent_leg: str, score: str | None, tenant: str = tid
    ) -> None:
        linkedid = f"{tid}{key}"
        await leg(tenant, linkedid, queue, agent_leg, "ANSWERED", None)
        if score is not None:  # back from the agent: the caller's key, on a leg of its own
            await leg(tenant, linkedid, queue, "", "ANSWERED", score)

    seat = f"PJSIP/{tid}-1001-00000001"
    await call("a", "sales", seat, "4")
    await call("b", "sales", seat, "5")
    # The queue rang 1002 first (no answer): that ring is not who took the call.
    await leg(tid, f"{tid}b", "sales", f"PJSIP/{tid}-1002-00000002", "NO ANSWER", None)
    # 1002 is forwarded to a mobile: app_queue rang Local/<seat>@cc-forward.
    await call("c", "sales", f"Local/{tid}-1002@cc-forward-00000003;1", "2")
    await call("d", "support", seat, "3")
    await call("e", "sales", f"PJSIP/{tid}-1002-00000004", None)  # no answer to the survey
    await call("f", "sales", "PJSIP/zz{tid}-1001-00000005", "1", tenant=f"zz{tid}"[:16])
    q = "from=2034-03-02T00:00:00Z&to=2034-03-03T00:00:00Z&interval=day&tz=UTC"
    _, queues = await admin.call("GET", f"/api/v1/tenants/{tid}/reports/survey-queues?{q}")
    # sales: 4, 5, 2 -> 3 answers, 11 / 3 = 3.67; support: 3.
    assert [(r["queue"], r["survey_answers"], r["survey_average"]) for r in queues] == [
        ("sales", 3, 3.67),
        ("support", 1, 3.0),
    ], queues
    assert {r["interval_start"] for r in queues} == {"2034-03-02T00:00:00+00:00"}
    _, agents = await admin.call("GET", f"/api/v1/tenants/{tid}/reports/survey-agents?{q}")
    # 1001: 4, 5, 3 -> 4.0; 1002 (forwarded): 2.
    assert [(r["agent"], r["survey_answers"], r["survey_average"]) for r in agents] == [
        ("1001", 3, 4.0),
        ("1002", 1, 2.0),
    ], agents
    resp = await admin.client.get(
        f"/api/v1/tenants/{tid}/reports/survey-agents?{q}&format=csv",
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert (await resp.text()).splitlines()[0] == (
        "agent,interval_start,survey_answers,survey_average"
    )
    _, err = await admin.call(
        "GET", f"/api/v1/tenants/{tid}/reports/survey-queues?from=x&to=y", expect=400
    )
    assert err["details"]["field"] == "from"
