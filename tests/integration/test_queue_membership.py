"""An admin editing a queue's members does not undo an agent's logout from that queue."""

from __future__ import annotations

from typing import Any

from integration.test_agent_workspace_api import agent_setup

from support import ApiClient


async def test_member_edits_keep_an_agents_queue_logout(api: ApiClient, uid: str, db: Any) -> None:
    tid, admin, agent = await agent_setup(api, uid, tag="m")
    await agent.call("POST", "/api/v1/agent/queues/support/logout", expect=200)

    async def in_queue() -> bool:
        return bool(
            await db.fetchval("SELECT 1 FROM queue_members WHERE membername = $1", f"{tid}-1001")
        )

    await admin.call(
        "PUT",
        f"/api/v1/tenants/{tid}/queues/support/members",
        {"members": [{"extension": "1001", "penalty": 3}]},
        expect=204,
    )
    assert not await in_queue(), "still logged out after the admin's edit"
    await agent.call("POST", "/api/v1/agent/queues/support/login", expect=200)
    assert await in_queue()
    penalty = await db.fetchval(
        "SELECT penalty FROM queue_members WHERE membername = $1", f"{tid}-1001"
    )
    assert penalty == 3
