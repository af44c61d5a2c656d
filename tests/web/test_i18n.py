"""The pages speak Chinese to a Chinese browser and English to an English one; the choice
sticks; server errors are told in the page's language from their slug; dates, durations and
money follow the language; no word is missing from either catalogue."""

from __future__ import annotations

from typing import Any

from pages import missing_words, open_tab, sign_in, wait

from support import OPERATOR, ApiClient, browser_api

playwright_api = browser_api()


async def test_a_chinese_browser_gets_chinese_and_an_error_in_chinese(
    api: ApiClient, browser: Any
) -> None:
    base = f"http://127.0.0.1:{api.client.port}"
    page = await open_tab(browser, base, "zh-CN")
    await page.goto(f"{base}/console")
    await page.wait_for_selector("#login-submit")
    assert await page.get_attribute("html", "lang") == "zh-CN"
    assert await page.text_content("#login-submit") == "登录"
    assert await page.text_content("#signout") == "退出登录"
    await page.fill("#login-username", "nobody")
    await page.fill("#login-password", "wrong-password")
    await page.click("#login-submit")
    await page.wait_for_selector("#login-error:not(:empty)")
    assert "用户名或密码错误" in (await page.text_content("#login-error") or "")
    assert await missing_words(page) == []


async def test_an_english_browser_gets_english_and_a_chosen_language_sticks(
    api: ApiClient, browser: Any
) -> None:
    base = f"http://127.0.0.1:{api.client.port}"
    page = await open_tab(browser, base, "en-US")
    await page.goto(f"{base}/console")
    await page.wait_for_selector("#login-submit")
    assert await page.text_content("#login-submit") == "Sign in"
    await page.select_option("#locale-switch", "zh-CN")
    await page.wait_for_selector("#login-submit:text-is('登录')")
    await page.reload()
    await page.wait_for_selector("#login-submit")
    assert await page.text_content("#login-submit") == "登录"
    assert await page.get_attribute("html", "lang") == "zh-CN"
    await sign_in(page, *OPERATOR)
    assert await missing_words(page) == []


async def test_dates_durations_and_money_follow_the_language(api: ApiClient, browser: Any) -> None:
    base = f"http://127.0.0.1:{api.client.port}"
    zh = await open_tab(browser, base, "zh-CN", timezone_id="Asia/Shanghai")
    await zh.goto(f"{base}/console")
    await zh.wait_for_selector("#login-submit")
    got = await zh.evaluate(
        """() => { const I = window.ccI18n; return {
            money: I.money("1234.5"), words: I.money("1234.5", "CNY", {words: true}),
            duration: I.duration(3723), pct: I.percent(0.853),
            at: I.dateTime("2026-12-04T02:05:00Z"), month: I.month("2026-12"),
            error: I.errorText({error: "invalid-input", details: {field: "number"}}, 400),
        }; }"""
    )
    assert got["money"] == "¥1,234.50"
    assert got["words"] == "1,234.50 元"
    assert got["duration"] == "1小时2分3秒"
    assert got["pct"] == "85.3%"
    assert got["at"] == "2026/12/04 10:05"  # UTC+8, the reader's clock
    assert got["month"] == "2026年12月"
    assert "号码" in got["error"]
    en = await open_tab(browser, base, "en-GB", timezone_id="Asia/Shanghai")
    await en.goto(f"{base}/console")
    await en.wait_for_selector("#login-submit")
    got = await en.evaluate(
        "() => [ccI18n.money('1234.5'), ccI18n.duration(3723), ccI18n.month('2026-12')]"
    )
    assert got == ["¥1,234.50", "1 h 2 min 3 s", "December 2026"]


async def test_a_page_left_before_its_data_arrived_does_not_draw_over_the_next_one(
    api: ApiClient, browser: Any
) -> None:
    base = f"http://127.0.0.1:{api.client.port}"
    page = await open_tab(browser, base, "zh-CN")
    await sign_in(page, *OPERATOR)
    for _ in range(3):
        await page.evaluate("location.hash = '#/op/health'")
        await page.evaluate("location.hash = '#/op/plans'")
        await wait(page, "#plan-tenant")
        await page.wait_for_timeout(300)
        assert await page.locator("#health-database").count() == 0
        assert await page.locator("#plan-tenant").count() == 1
