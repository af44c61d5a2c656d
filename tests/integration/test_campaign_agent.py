"""The agent's side of campaigns without Asterisk: a campaign call pops its contact with the
custom columns and the script; preview hands each agent its own next contact, skips give it
back, dialling needs Asterisk and another tenant's agent gets nothing."""

from __future__ import annotations

from typing import Any

from integration.test_agent_workspace_api import agent_called, agent_setup, live

from callcenter.workspace.lifecycle import WORKSPACE

from support import OPERATOR, ApiClient

OPEN = {
    "timezone": "Asia/Shanghai",
    "weekly": [{"weekday": d, "start": "00:00", "end": "24:00"} for d in range(7)],
    "closed_destination": {"kind": "hangup", "target": ""},
}


async def campaign_of(
    api: ApiClient, admin: ApiClient, tid: str, mode: str, name: str = "催缴"
) -> int:
    """A running campaign of the tenant's queue ``support`` with two contacts."""
    op = await api.login(*OPERATOR)
    number = "40086" + str(abs(hash(tid)) % 100000).zfill(5)
    status, _ = await op.call("POST", f"/api/v1/tenants/{tid}/numbers", {"number": number})
    assert status in (201, 409)
    await admin.call("PUT", f"/api/v1/tenants/{tid}/schedules/open", OPEN, expect=200)
    _, c = await admin.call(
        "POST",
        f"/api/v1/tenants/{tid}/campaigns",
        {
            "name": name,
            "mode": mode,
            "caller_number": number,
            "queue": "support",
            "schedule": "open",
            "script": "您好,您的账单将于月底到期。",
            "dispositions": ["已承诺", "拒绝"],
            "success_dispositions": ["已承诺"],
        },
        expect=201,
    )
    resp = await admin.client.post(
        f"/api/v1/tenants/{tid}/campaigns/{c['id']}/contacts.csv",
        data="手机,姓名,欠费金额\n13800138000,韩梅梅,120.50\n13800138001,李雷,80\n".encode(),
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert resp.status == 200, await resp.text()
    await admin.call(
        "POST", f"/api/v1/tenants/{tid}/campaigns/{c['id']}/state", {"action": "start"}, expect=200
    )
    return int(c["id"])


async def test_a_campaign_call_pops_its_contact_columns_and_script(
    api: ApiClient, uid: str, db: Any
) -> None:
    tid, admin, agent = await agent_setup(api, uid, "p")
    cid = await campaign_of(api, admin, tid, "progressive")
    contact = await db.fetchrow(
        "SELECT id FROM campaign_contacts WHERE campaign_id = $1 AND phone = '13800138000'", cid
    )
    # The dialer's attempt in flight (what claim_due writes), then the queue rings the agent.
    await db.execute(
        "INSERT INTO campaign_attempts (tenant_id, campaign_id, contact_id, phone)"
        " VALUES ($1, $2, $3, '13800138000')",
        tid,
        cid,
        contact["id"],
    )
    socket = await live(agent)
    api.client.app[WORKSPACE].on_raw(agent_called(tid, "1700000003.1", "13800138000"))
    pop = await socket.next("call.contact")
    shown = pop["contact"]
    assert shown["source"] == "campaign" and shown["name"] == "韩梅梅"
    assert shown["fields"] == {"欠费金额": "120.50"}
    assert shown["campaign"] == {
        "id": cid,
        "name": "催缴",
        "script": "您好,您的账单将于月底到期。",
        "dispositions": ["已承诺", "拒绝"],
    }
    # The agent saves the disposition: the contact is a success.
    _, saved = await agent.call(
        "PUT",
        f"/api/v1/tenants/{tid}/campaigns/{cid}/contacts/{contact['id']}/disposition",
        {"disposition": "已承诺"},
        expect=200,
    )
    assert saved["success"] is True
    await socket.ws.close()


async def test_preview_holds_a_contact_per_agent_and_skips_give_it_back(
    api: ApiClient, uid: str
) -> None:
    tid, admin, agent = await agent_setup(api, uid, "v")
    cid = await campaign_of(api, admin, tid, "preview")
    base = f"/api/v1/agent/campaigns/{cid}"
    _, first = await agent.call("POST", f"{base}/next", expect=200)
    assert first["phone"] == "13800138000" and first["campaign"]["script"].startswith("您好")
    assert first["fields"] == {"欠费金额": "120.50"}
    # Asking again returns the contact already held, not another one.
    _, again = await agent.call("POST", f"{base}/next", expect=200)
    assert again["id"] == first["id"]
    await agent.call("POST", f"{base}/contacts/{first['id']}/skip", expect=200)
    status, reply = await agent.call("POST", f"{base}/contacts/{first['id']}/skip")
    assert status == 404
    # Dialling needs Asterisk (none here): refused, nothing recorded.
    _, held = await agent.call("POST", f"{base}/next", expect=200)
    status, reply = await agent.call("POST", f"{base}/contacts/{held['id']}/dial")
    assert status == 503, reply
    # Admins are not agents; another tenant's agent sees no such campaign.
    status, _ = await admin.call("POST", f"{base}/next")
    assert status == 403
    _, _, other = await agent_setup(api, uid[::-1], "o")
    status, reply = await other.call("POST", f"{base}/next")
    assert status == 404, reply
    # A paused campaign hands out nothing.
    await admin.call(
        "POST", f"/api/v1/tenants/{tid}/campaigns/{cid}/state", {"action": "pause"}, expect=200
    )
    status, reply = await agent.call("POST", f"{base}/next")
    assert (status, reply.get("reason")) == (409, "campaign-state")
