"""A click-to-call the tenant's dial policy refuses (issue 17, "a blocked click-to-call
counts as answered"): the agent's own leg is answered by the page, the outside number is
refused by the dialplan, and the agent console's figures count no answered call (nor a
missed one) while the events list says the call failed."""

from __future__ import annotations

from typing import Any

import pytest
from e2e.test_agent_console import open_console, provision

from stack import Stack
from support import ApiClient, wait_for

pytestmark = pytest.mark.e2e
BLOCKED = "0012025550123"  # abroad: not in the default outbound patterns


async def test_a_blocked_click_to_call_is_not_counted_as_answered(
    stack: Stack, console_api: ApiClient, browser: Any, db: Any, uid: str
) -> None:
    tenant = f"blk{uid}"[:16]
    await provision(console_api, tenant, "4008002190", wrapup=0)
    agent = await console_api.login(f"{tenant}-agent", "agent-password")
    ctx, page = await open_console(browser, console_api, f"{tenant}-agent")
    try:
        await page.click("#login")
        await page.wait_for_selector("#presence[data-presence='available']")
        await page.fill("#dial-number", BLOCKED)
        await page.click("#dial-form button")
        # The agent's leg was set up and ended: its record is written.
        await wait_for(
            lambda: db.fetchval(
                "SELECT count(*) FROM cdr WHERE tenantid = $1 AND channel LIKE $2",
                tenant,
                f"PJSIP/{tenant}-1001-%",
            ),
            timeout=20,
        )
        await page.wait_for_selector("#presence[data-presence='available']", timeout=10_000)
        assert BLOCKED not in [c.get("Exten", "") for c in await stack.carrier_channels()]
        _, me = await agent.call("GET", "/api/v1/agent/me", expect=200)
        assert me["figures"]["answered"] == 0 and me["figures"]["missed"] == 0, me["figures"]
        await page.reload()
        await page.wait_for_selector("#phone-status:text-is('registered')", timeout=10_000)
        assert await page.text_content("#fig-answered") == "0"
    finally:
        await ctx.close()
