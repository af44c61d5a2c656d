"""What a tenant creates can be changed and removed from the console, with a confirmation,
and a clear refusal (in Chinese) while something still uses it; operators reset a tenant
admin's password and close a tenant."""

from __future__ import annotations

import string
from typing import Any

from pages import missing_words, open_page, open_tab, sign_in, wait

from support import OPERATOR, ApiClient, browser_api

playwright_api = browser_api()
PASSWORD = "pw-12345678"
IVR = {
    "display_name": "主菜单",
    "entry": "main",
    "menus": {
        "main": {
            "prompt": "ss-noservice",
            "options": {"1": {"kind": "hangup", "target": ""}},
            "on_timeout": {"kind": "hangup", "target": ""},
            "on_invalid": {"kind": "hangup", "target": ""},
            "on_max_tries": {"kind": "hangup", "target": ""},
        }
    },
}
HOURS = {
    "display_name": "周末",
    "timezone": "Asia/Shanghai",
    "weekly": [{"weekday": 5, "start": "10:00", "end": "16:00"}],
    "closed_destination": {"kind": "hangup", "target": ""},
}


async def provision(api: ApiClient, uid: str, prefix: str) -> tuple[ApiClient, ApiClient, str, str]:
    op = await api.login(*OPERATOR)
    tid = prefix + "".join(c for c in uid if c in string.ascii_lowercase + string.digits)
    await op.call(
        "POST",
        "/api/v1/tenants",
        {"id": tid, "name": "对象公司", "admin": {"username": f"{tid}-adm", "password": PASSWORD}},
        expect=201,
    )
    admin = await api.login(f"{tid}-adm", PASSWORD)
    digits = "".join(str(int(c, 16) % 10) for c in uid[:4])
    number = f"07552{digits}777"
    await op.call("POST", f"/api/v1/tenants/{tid}/numbers", {"number": number}, expect=201)
    return op, admin, tid, number


async def test_an_ivr_in_use_is_refused_and_unused_objects_are_deleted_after_a_confirmation(
    api: ApiClient, browser: Any, uid: str
) -> None:
    _, admin, tid, number = await provision(api, uid, "ob")
    await admin.call("PUT", f"/api/v1/tenants/{tid}/ivrs/main", IVR, expect=200)
    await admin.call("PUT", f"/api/v1/tenants/{tid}/schedules/weekend", HOURS, expect=200)
    await admin.call(
        "PUT",
        f"/api/v1/tenants/{tid}/numbers/{number}/route",
        {"type": "ivr", "target": "main"},
        expect=200,
    )
    await admin.call(
        "POST", f"/api/v1/tenants/{tid}/seats", {"extension": "1001", "name": "Li"}, expect=201
    )
    page = await open_tab(browser, f"http://127.0.0.1:{api.client.port}")
    await sign_in(page, f"{tid}-adm", PASSWORD)
    await open_page(page, f"/t/{tid}/ivrs", "#ivrs-table")
    assert "主菜单" in (await page.text_content("#ivrs-table") or "")
    await page.click("#ivr-delete-main")
    await wait(page, "#ivr-delete-main-refused")
    refusal = await page.text_content("#ivr-delete-main-refused") or ""
    assert "仍在使用中" in refusal and number in refusal, refusal
    assert "主菜单" in page.dialogs[-1]
    await admin.call("GET", f"/api/v1/tenants/{tid}/ivrs/main", expect=200)

    await open_page(page, f"/t/{tid}/schedules", "#schedules-table")
    await page.click("#schedule-delete-weekend")
    await wait(page, "main >> text=还没有营业时间")
    assert "周末" in page.dialogs[-1]
    await admin.call("GET", f"/api/v1/tenants/{tid}/schedules/weekend", expect=404)

    # A seat's name can be changed, in any script.
    await open_page(page, f"/t/{tid}/seats", "#seats-table")
    await page.fill("#fwd-1001-name", "李雷")
    await page.click("#fwd-1001-submit")
    await wait(page, "#fwd-1001-notice:not(:empty)")
    _, seats = await admin.call("GET", f"/api/v1/tenants/{tid}/seats", expect=200)
    assert seats[0]["name"] == "李雷"
    assert await missing_words(page) == []


async def test_operators_reset_a_tenant_admins_password_and_close_a_tenant(
    api: ApiClient, browser: Any, uid: str
) -> None:
    op, _, tid, number = await provision(api, uid, "cl")
    page = await open_tab(browser, f"http://127.0.0.1:{api.client.port}")
    await sign_in(page, *OPERATOR)
    await open_page(page, "/op/tenants", "#tenants-table")
    page.answers.append("new-admin-pass-1")
    await page.click(f"#admin-password-{tid}")
    await page.wait_for_function("() => true")
    await wait(page, "#announce:has-text('密码已更改')")
    await api.login(f"{tid}-adm", "new-admin-pass-1")

    page.answers.append("not-the-id")
    await page.click(f"#close-{tid}")
    await wait(page, "#announce:not(:empty)")
    assert "未关闭" in page.dialogs[-1]
    _, tenant = await op.call("GET", f"/api/v1/tenants/{tid}", expect=200)
    assert tenant["status"] == "active"

    page.answers.append(tid)
    await page.click(f"#close-{tid}")
    await wait(page, f"#tenants-table tr[data-key='{tid}'] .badge.bad")
    _, tenant = await op.call("GET", f"/api/v1/tenants/{tid}", expect=200)
    assert tenant["status"] == "closed"
    _, numbers = await op.call("GET", "/api/v1/numbers", expect=200)
    assert not any(n["number"] == number and n["tenant_id"] for n in numbers)
    status, _ = await api.call(
        "POST", "/api/v1/auth/token", {"username": f"{tid}-adm", "password": "new-admin-pass-1"}
    )
    assert status in (401, 403)
    assert await missing_words(page) == []


async def test_queues_and_mailboxes_are_edited_and_deleted_unless_calls_still_go_there(
    api: ApiClient, browser: Any, uid: str
) -> None:
    _, admin, tid, number = await provision(api, uid, "qm")
    base = f"/api/v1/tenants/{tid}"
    await admin.call("POST", f"{base}/queues", {"name": "sales", "extension": "600"}, expect=201)
    await admin.call("POST", f"{base}/queues", {"name": "spare", "extension": "601"}, expect=201)
    await admin.call("POST", f"{base}/mailboxes", {"mailbox": "100"}, expect=201)
    await admin.call(
        "PUT", f"{base}/numbers/{number}/route", {"type": "queue", "target": "sales"}, expect=200
    )
    page = await open_tab(browser, f"http://127.0.0.1:{api.client.port}")
    await sign_in(page, f"{tid}-adm", PASSWORD)
    await open_page(page, f"/t/{tid}/queues", "#queue-delete-sales")
    await page.click("#queue-delete-sales")
    await wait(page, "#queue-delete-sales-refused")
    assert number in (await page.text_content("#queue-delete-sales-refused") or "")
    await page.click("#queue-delete-spare")
    await wait(page, "#queue-delete-sales")
    await page.wait_for_selector("#queue-delete-spare", state="detached")
    _, queues = await admin.call("GET", f"{base}/queues", expect=200)
    assert [q["name"] for q in queues] == ["sales"]

    await open_page(page, f"/t/{tid}/mailboxes", "#mailboxes-table")
    await page.fill("#mailbox-100-name", "前台留言")
    await page.fill("#mailbox-100-email", "desk@example.com")
    await page.click("#mailbox-100-submit")
    await wait(page, "#mailbox-100-notice:not(:empty)")
    _, boxes = await admin.call("GET", f"{base}/mailboxes", expect=200)
    assert boxes[0]["name"] == "前台留言" and boxes[0]["email"] == "desk@example.com"
    await page.click("#mailbox-delete-100")
    await wait(page, "main >> text=还没有语音信箱")
    assert "100" in page.dialogs[-1]
    assert await missing_words(page) == []


async def test_a_queue_named_in_chinese_gets_a_generated_id(
    api: ApiClient, browser: Any, uid: str
) -> None:
    _, admin, tid, _ = await provision(api, uid, "dn")
    page = await open_tab(browser, f"http://127.0.0.1:{api.client.port}")
    await sign_in(page, f"{tid}-adm", PASSWORD)
    await open_page(page, f"/t/{tid}/queues", "#queue-add")
    await wait(page, "#queue-add-display_name")
    await page.fill("#queue-add-display_name", "销售")
    await page.fill("#queue-add-extension", "610")
    await page.select_option("#queue-add-strategy", "ringall")
    assert await page.text_content("#queue-add-strategy option:checked") == "同时振铃所有空闲坐席"
    await page.click("#queue-add-submit")
    await wait(page, "main section[aria-label*='销售']")
    _, queues = await admin.call("GET", f"/api/v1/tenants/{tid}/queues", expect=200)
    (queue,) = queues
    assert queue["display_name"] == "销售" and queue["name"].startswith("queue_")
    assert "销售" in (await page.text_content("main") or "")
    assert await missing_words(page) == []
