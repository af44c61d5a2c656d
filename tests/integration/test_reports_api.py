"""Agent reports from the presence the workspace records: logged-in and pause time."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from integration.test_agent_workspace_api import agent_setup

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
