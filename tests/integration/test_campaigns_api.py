"""Campaigns through the API: create with checked references, upload a contact list with
per-row errors and custom columns, do-not-call lists (tenant and platform), start / pause /
resume / stop, dispositions deciding success, progress and the results export."""

from __future__ import annotations

import csv
import io
from typing import Any

from integration.test_provisioning_api import open_tenant

from support import OPERATOR, ApiClient

FULL_WIDTH = str.maketrans("0123456789", "".join(chr(0xFF10 + i) for i in range(10)))


async def _tenant_with_queue(api: ApiClient, uid: str) -> tuple[str, ApiClient, str]:
    op = await api.login(*OPERATOR)
    tid, admin = await open_tenant(api, uid)
    number = "40085" + str(int(uid[:8], 16) % 100000).zfill(5)
    base = f"/api/v1/tenants/{tid}"
    await op.call("POST", f"{base}/numbers", {"number": number}, expect=201)
    await admin.call("POST", f"{base}/seats", {"extension": "1001", "name": "Ann"}, expect=201)
    await admin.call(
        "POST",
        f"{base}/queues",
        {"name": "sales", "extension": "600", "members": [{"extension": "1001"}]},
        expect=201,
    )
    await admin.call(
        "PUT",
        f"{base}/schedules/office",
        {
            "timezone": "Asia/Shanghai",
            "weekly": [{"weekday": d, "start": "09:00", "end": "18:00"} for d in range(5)],
            "closed_destination": {"kind": "hangup", "target": ""},
        },
        expect=200,
    )
    return tid, admin, number


def _campaign(number: str, **over: Any) -> dict[str, Any]:
    return {
        "name": "春季回访",
        "mode": "progressive",
        "caller_number": number,
        "queue": "sales",
        "schedule": "office",
        "script": "您好,我是{name}的客服。",
        "dispositions": ["成交", "再联系", "拒绝"],
        "success_dispositions": ["成交"],
        "retry_delays": {"busy": 60, "no_answer": 120},
        **over,
    }


async def _upload(admin: ApiClient, path: str, text: str, encoding: str = "utf-8") -> Any:
    resp = await admin.client.post(
        path, data=text.encode(encoding), headers={"Authorization": f"Bearer {admin.token}"}
    )
    return resp.status, await resp.json()


async def test_a_campaign_is_created_with_checked_references_and_refuses_bad_input(
    api: ApiClient, uid: str, db: Any
) -> None:
    tid, admin, number = await _tenant_with_queue(api, uid)
    base = f"/api/v1/tenants/{tid}/campaigns"
    _, created = await admin.call("POST", base, _campaign(number), expect=201)
    assert created["status"] == "draft" and created["abandon_cap_percent"] == 3.0
    assert created["retry_delays"] == {
        "busy": 60,
        "no_answer": 120,
        "failed": 1800,
        "machine": 7200,
        "abandoned": 3600,
    }
    # Bad input: 4xx naming the field, nothing stored.
    for body, status, field in (
        (_campaign(number, name="x", queue="nosuch"), 404, "queue"),
        (_campaign(number, name="x", schedule="nosuch"), 404, "schedule"),
        (_campaign("4008000001", name="x"), 404, "caller_number"),
        (
            _campaign(number, name="x", success_dispositions=["卖出"]),
            400,
            "success_dispositions[0]",
        ),
        (_campaign(number, name="x", mode="robocall"), 400, "mode"),
        (_campaign(number, name="x", abandon_cap_percent=101), 400, "abandon_cap_percent"),
        (_campaign(number, name="x", retry_delays={"busy": -1}), 400, "retry_delays.busy"),
        (_campaign(number, name="x", dispositions=["a,b"]), 400, "dispositions[0]"),
        (_campaign(number, name="x", mode="agentless"), 400, "notice"),
        (_campaign(number, name="x", notice="../../etc"), 400, "notice"),
        (_campaign(number), 409, "name"),
    ):
        status_got, reply = await admin.call("POST", base, body)
        assert (status_got, reply["details"]["field"]) == (status, field), reply
    assert await db.fetchval("SELECT count(*) FROM campaigns WHERE tenant_id = $1", tid) == 1

    # Edit; the other tenant's admin cannot see it; supervisors read, agents do not.
    _, edited = await admin.call(
        "PUT", f"{base}/{created['id']}", _campaign(number, abandon_cap_percent=2.5), expect=200
    )
    assert edited["abandon_cap_percent"] == 2.5
    status, reply = await admin.call("GET", f"{base}/999999999")
    assert (status, reply["error"], reply["reason"]) == (404, "not-found", "no-such-campaign")


async def test_contact_list_upload_reports_each_bad_row_and_keeps_custom_columns(
    api: ApiClient, uid: str, db: Any
) -> None:
    tid, admin, number = await _tenant_with_queue(api, uid)
    base = f"/api/v1/tenants/{tid}/campaigns"
    _, c = await admin.call("POST", base, _campaign(number), expect=201)
    await admin.call(
        "POST", f"/api/v1/tenants/{tid}/dnc", {"numbers": ["139 0000 2222"]}, expect=200
    )
    text = (
        "姓名,手机,套餐,到期日\n"
        "韩梅梅,+86 138 0013 8000,金卡,2027-01-31\n"
        "李雷," + "13912345678".translate(FULL_WIDTH) + ",银卡,2027-02-28\n"
        "坏号码,12345,铜卡,\n"
        "韩梅梅2,13800138000,金卡,\n"  # duplicate of line 2
        "\n"
        "王芳,13900002222,金卡,\n"  # on the tenant's DNC list
        "张三,010-6552-9988,=cmd|' /C calc'!A0,\n"
    )
    status, reply = await _upload(admin, f"{base}/{c['id']}/contacts.csv", text, "gb18030")
    assert status == 200, reply
    assert reply["added"] == 4
    assert reply["do_not_call"] == ["13900002222"]
    assert reply["errors"] == [
        {"line": 4, "error": "bad-number", "field": "手机", "value": "12345"},
        {"line": 5, "error": "duplicate", "field": "手机", "value": "13800138000"},
    ]
    # Uploading again: every row is now a duplicate of the list.
    status, again = await _upload(admin, f"{base}/{c['id']}/contacts.csv", text)
    assert again["added"] == 0 and [e["error"] for e in again["errors"]].count("duplicate") == 5

    _, contacts = await admin.call("GET", f"{base}/{c['id']}/contacts", expect=200)
    by_phone = {x["phone"]: x for x in contacts}
    assert set(by_phone) == {"13800138000", "13912345678", "13900002222", "01065529988"}
    assert by_phone["13800138000"]["fields"] == {"套餐": "金卡", "到期日": "2027-01-31"}
    assert by_phone["13800138000"]["name"] == "韩梅梅"
    assert by_phone["13900002222"]["status"] == "dnc"

    # A file without a phone column, or not text, is refused whole.
    status, reply = await _upload(admin, f"{base}/{c['id']}/contacts.csv", "name,x\nA,1\n")
    assert (status, reply["details"]["field"]) == (400, "csv.phone")
    before = await db.fetchval("SELECT count(*) FROM campaign_contacts WHERE tenant_id = $1", tid)
    assert before == 4

    # The platform's DNC list (operators only) takes a pending contact off every campaign.
    op = await api.login(*OPERATOR)
    status, reply = await admin.call("POST", "/api/v1/platform/dnc", {"numbers": ["13912345678"]})
    assert status == 403
    await op.call("POST", "/api/v1/platform/dnc", {"numbers": ["+86 139 1234 5678"]}, expect=200)
    _, listed = await op.call("GET", "/api/v1/platform/dnc", expect=200)
    assert "13912345678" in [x["number"] for x in listed]
    _, contacts = await admin.call("GET", f"{base}/{c['id']}/contacts", expect=200)
    assert {x["phone"]: x["status"] for x in contacts}["13912345678"] == "dnc"
    status, reply = await admin.call("POST", f"/api/v1/tenants/{tid}/dnc", {"numbers": ["12"]})
    assert (status, reply["details"]["field"]) == (400, "numbers[0]")
    await op.call("DELETE", "/api/v1/platform/dnc/13912345678", expect=204)
    _, mine = await admin.call("GET", f"/api/v1/tenants/{tid}/dnc", expect=200)
    assert [x["number"] for x in mine] == ["13900002222"]


async def test_state_changes_dispositions_progress_and_results_export(
    api: ApiClient, uid: str, db: Any
) -> None:
    tid, admin, number = await _tenant_with_queue(api, uid)
    base = f"/api/v1/tenants/{tid}/campaigns"
    _, c = await admin.call("POST", base, _campaign(number), expect=201)
    one = f"{base}/{c['id']}"
    await _upload(
        admin, f"{one}/contacts.csv", "phone,name,城市\n13800138000,A,北京\n13800138001,B,上海\n"
    )

    status, reply = await admin.call("POST", f"{one}/state", {"action": "resume"})
    assert (status, reply["reason"]) == (409, "campaign-state")
    for action, expected in (("start", "running"), ("pause", "paused"), ("resume", "running")):
        _, state = await admin.call("POST", f"{one}/state", {"action": action}, expect=200)
        assert state["status"] == expected
    status, reply = await admin.call("DELETE", one)
    assert (status, reply["reason"]) == (409, "campaign-state")

    _, contacts = await admin.call("GET", f"{one}/contacts", expect=200)
    first = contacts[0]["id"]
    status, reply = await admin.call(
        "PUT", f"{one}/contacts/{first}/disposition", {"disposition": "卖出"}
    )
    assert (status, reply["details"]["field"]) == (400, "disposition")
    _, saved = await admin.call(
        "PUT", f"{one}/contacts/{first}/disposition", {"disposition": "成交"}, expect=200
    )
    assert saved["success"] is True
    _, shown = await admin.call("GET", one, expect=200)
    assert shown["progress"]["contacts"] == 2 and shown["progress"]["success"] == 1
    assert shown["progress"]["pending"] == 2 and shown["progress"]["abandon_rate_percent"] == 0

    resp = await admin.client.get(
        f"{one}/results.csv", headers={"Authorization": f"Bearer {admin.token}"}
    )
    assert resp.status == 200 and resp.content_type == "text/csv"
    rows = list(csv.reader(io.StringIO((await resp.text()).removeprefix("\ufeff"))))
    assert rows[0][:3] == ["phone", "name", "status"] and rows[0][-1] == "城市"
    assert [r[0] for r in rows[1:]] == ["13800138000", "13800138001"]
    assert rows[1][5:7] == ["成交", "yes"] and rows[1][-1] == "北京"

    _, state = await admin.call("POST", f"{one}/state", {"action": "stop"}, expect=200)
    assert state["status"] == "stopped" and state["finished_at"]
    status, reply = await _upload(admin, f"{one}/contacts.csv", "phone\n13800138002\n")
    assert (status, reply["reason"]) == (409, "campaign-state")
    await admin.call("DELETE", one, expect=204)
    assert (
        await db.fetchval("SELECT count(*) FROM campaign_contacts WHERE tenant_id = $1", tid) == 0
    )
