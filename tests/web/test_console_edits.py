"""The operator and tenant-admin console in a Chinese browser: numbers go to the tenant the
operator chose (and confirmed), and saving a form keeps what the form does not show."""

from __future__ import annotations

import string
from typing import Any

from pages import missing_words, open_page, open_tab, shoot, sign_in, wait

from support import OPERATOR, ApiClient, browser_api

playwright_api = browser_api()
PASSWORD = "pw-12345678"


def tid_of(uid: str, prefix: str) -> str:
    return prefix + "".join(c for c in uid if c in string.ascii_lowercase + string.digits)


def city_number(uid: str, tail: str) -> str:
    digits = "".join(str(int(c, 16) % 10) for c in uid[:4])
    return f"07552{digits}{tail:0>3}"


def full_width(digits: str) -> str:
    """Digits as a Chinese input method may type them (U+FF10..U+FF19)."""
    return "".join(chr(ord(c) + 0xFEE0) for c in digits)


async def open_tenant(op: ApiClient, tid: str, name: str) -> ApiClient:
    await op.call(
        "POST",
        "/api/v1/tenants",
        {"id": tid, "name": name, "admin": {"username": f"{tid}-adm", "password": PASSWORD}},
        expect=201,
    )
    return await op.login(f"{tid}-adm", PASSWORD)


async def test_assigned_numbers_go_to_the_chosen_tenant_after_a_confirmation(
    api: ApiClient, browser: Any, uid: str
) -> None:
    op = await api.login(*OPERATOR)
    first, second = tid_of(uid, "aa"), tid_of(uid, "zz")
    await open_tenant(op, first, "甲公司")
    await open_tenant(op, second, "乙公司")
    page = await open_tab(browser, f"http://127.0.0.1:{api.client.port}")
    await sign_in(page, *OPERATOR)
    await open_page(page, "/op/numbers", "#number-assign")
    await page.select_option("#number-assign-tenant", second)
    # Written the way people write it: +86, spaces, full-width digits.
    one = city_number(uid, "01")
    await page.fill("#number-assign-number", f"+86 {one[1:4]} {full_width(one[4:])}")
    await page.click("#number-assign-submit")
    await wait(page, "#number-assign-notice:not(:empty)")
    assert "乙公司" in page.dialogs[-1] and "乙公司" in (
        await page.text_content("#number-assign-notice") or ""
    )
    # The page redrew: the selector still names the second tenant, so does the next number.
    assert await page.input_value("#number-assign-tenant") == second
    two = city_number(uid, "02")
    await page.fill("#number-assign-number", two)
    await page.click("#number-assign-submit")
    await wait(page, f"#numbers-table tr[data-key='{two}']")
    _, numbers = await op.call("GET", f"/api/v1/tenants/{second}/numbers", expect=200)
    assert {n["number"] for n in numbers} >= {one, two}
    _, numbers = await op.call("GET", f"/api/v1/tenants/{first}/numbers", expect=200)
    assert numbers == []
    assert await missing_words(page) == []
    await shoot(page, "op-numbers")


async def test_a_wrong_number_is_refused_in_chinese(api: ApiClient, browser: Any, uid: str) -> None:
    op = await api.login(*OPERATOR)
    tid = tid_of(uid, "wn")
    await open_tenant(op, tid, "号码公司")
    page = await open_tab(browser, f"http://127.0.0.1:{api.client.port}")
    await sign_in(page, *OPERATOR)
    await open_page(page, "/op/numbers", "#number-assign")
    await page.select_option("#number-assign-tenant", tid)
    await page.fill("#number-assign-number", "12345")
    await page.click("#number-assign-submit")
    await wait(page, "#number-assign-number-error:not(:empty)")
    text = await page.text_content("#number-assign-number-error") or ""
    assert "号码格式不正确" in text, text
    assert await page.get_attribute("#number-assign-number", "aria-invalid") == "true"


async def test_saving_hours_unchanged_keeps_lunch_breaks_special_days_and_the_national_calendar(
    api: ApiClient, browser: Any, uid: str
) -> None:
    op = await api.login(*OPERATOR)
    tid = tid_of(uid, "hr")
    admin = await open_tenant(op, tid, "营业时间公司")
    weekly = [
        {"weekday": d, "start": s, "end": e}
        for d in range(5)
        for s, e in (("09:00", "12:00"), ("13:30", "18:00"))
    ]
    saved = {
        "display_name": "总部营业时间",
        "timezone": "Asia/Shanghai",
        "weekly": weekly,
        "holidays": ["2026-12-31"],
        "special_open": {"2026-12-26": [{"start": "10:00", "end": "15:00"}]},
        "follow_national_calendar": True,
        "closed_destination": {"kind": "hangup", "target": ""},
    }
    await admin.call("PUT", f"/api/v1/tenants/{tid}/schedules/office", saved, expect=200)
    page = await open_tab(browser, f"http://127.0.0.1:{api.client.port}")
    await sign_in(page, f"{tid}-adm", PASSWORD)
    await open_page(page, f"/t/{tid}/schedules", "#schedules-table")
    assert "总部营业时间" in (await page.text_content("#schedules-table") or "")
    await page.click("#schedule-edit-office")
    await wait(page, "#schedule-title:has-text('总部营业时间')")
    # Two spans on Monday, the special day and the 调休 days of the national calendar shown.
    assert await page.locator("fieldset.day[data-weekday='0'] .span").count() == 2
    await wait(page, "#schedule-national-days li[data-kind='makeup']")
    assert "调休" in (await page.text_content("#schedule-national-days") or "")
    await shoot(page, "schedules")
    await page.click("#schedule-submit")
    await wait(page, "#schedule-notice:not(:empty)")
    _, got = await admin.call("GET", f"/api/v1/tenants/{tid}/schedules/office", expect=200)
    got.pop("updated_at")
    assert got == {"name": "office", **saved}
    # A third span added in the browser on Friday is saved next to the other two.
    await page.click("fieldset.day[data-weekday='4'] .add-span")
    spans = page.locator("fieldset.day[data-weekday='4'] .span")
    await spans.nth(2).locator("[name=start]").fill("19:00")
    await spans.nth(2).locator("[name=end]").fill("21:00")
    await page.click("#schedule-submit")
    await wait(page, "#schedule-notice:not(:empty)")
    _, got = await admin.call("GET", f"/api/v1/tenants/{tid}/schedules/office", expect=200)
    assert [w for w in got["weekly"] if w["weekday"] == 4] == [
        {"weekday": 4, "start": "09:00", "end": "12:00"},
        {"weekday": 4, "start": "13:30", "end": "18:00"},
        {"weekday": 4, "start": "19:00", "end": "21:00"},
    ]
    assert got["special_open"] == saved["special_open"] and got["follow_national_calendar"]
    assert await missing_words(page) == []


async def test_saving_a_plan_keeps_package_and_commission(
    api: ApiClient, browser: Any, uid: str
) -> None:
    op = await api.login(*OPERATOR)
    tid = tid_of(uid, "pl")
    await open_tenant(op, tid, "套餐公司")
    plan = {
        "per_seat": {"monthly_price": "199", "minimum_seats": 5},
        "package": {
            "base_fee": "500",
            "included_minutes": 1000,
            "price_per_extra_minute": "0.12",
        },
        "commission": {"fee_per_success": "3.5", "success_dispositions": ["sale"]},
        "platform_fee": "100",
        "tax_rate": "0.06",
    }
    status, body = await op.call("PUT", f"/api/v1/tenants/{tid}/billing/plan", plan)
    assert status == 200, body
    _, before = await op.call("GET", f"/api/v1/tenants/{tid}/billing/plan", expect=200)
    page = await open_tab(browser, f"http://127.0.0.1:{api.client.port}")
    await sign_in(page, *OPERATOR)
    await open_page(page, "/op/plans", "#plan-tenant")
    await page.select_option("#plan-tenant", tid)
    await wait(page, f"#plan-title:has-text('{tid}')")
    await page.fill("#plan-per_seat-monthly_price", "219")
    await page.click("#plan-submit")
    await wait(page, "#plan-notice:not(:empty)")
    _, after = await op.call("GET", f"/api/v1/tenants/{tid}/billing/plan", expect=200)
    assert after["plan"]["package"] == before["plan"]["package"]
    assert after["plan"]["commission"] == before["plan"]["commission"]
    assert after["plan"]["per_seat"]["monthly_price"] == "219"
    assert "¥" in (await page.text_content("#plan-editor") or "")
    assert await missing_words(page) == []


async def test_integration_settings_come_back_after_reload_and_saving_one_keeps_the_other(
    api: ApiClient, browser: Any, uid: str
) -> None:
    op = await api.login(*OPERATOR)
    tid = tid_of(uid, "in")
    admin = await open_tenant(op, tid, "集成公司")
    page = await open_tab(browser, f"http://127.0.0.1:{api.client.port}")
    await sign_in(page, f"{tid}-adm", PASSWORD)
    await open_page(page, f"/t/{tid}/agents", "#integrations")
    await page.fill("#integrations-webhook_url", "https://hooks.example.com/cc")
    await page.fill("#integrations-webhook_secret", "s" * 20)
    await page.click("#integrations-submit")
    await wait(page, "#integrations-notice:not(:empty)")
    await open_page(page, f"/t/{tid}/agents", "#integrations")
    assert await page.input_value("#integrations-webhook_url") == "https://hooks.example.com/cc"
    # Now only the CRM lookup: the webhook and its secret stay.
    await page.fill("#integrations-crm_lookup_url", "https://crm.example.com/lookup")
    await page.click("#integrations-submit")
    await wait(page, "#integrations-notice:not(:empty)")
    _, got = await admin.call("GET", f"/api/v1/tenants/{tid}/integrations", expect=200)
    assert got == {
        "crm_lookup_url": "https://crm.example.com/lookup",
        "crm_timeout_ms": 800,
        "webhook_url": "https://hooks.example.com/cc",
        "webhook_secret_set": True,
    }
    await open_page(page, f"/t/{tid}/agents", "#integrations")
    assert (
        await page.input_value("#integrations-crm_lookup_url") == "https://crm.example.com/lookup"
    )
    assert await missing_words(page) == []
