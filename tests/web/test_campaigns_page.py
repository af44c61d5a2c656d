"""The campaigns page of the tenant console in a Chinese browser: create a campaign from the
form, import a contact list (bad rows named by line), start and pause it, add a number to the
do-not-call list; every word from the catalogue, no serious axe violation, 390 px fits.
Screenshots ``artifacts/zh/console-campaigns-{1366,390}.png``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pages import missing_words, open_page, open_tab, serious_violations, shoot, sign_in
from web.test_pages_zh import PASSWORD, provision

from support import ApiClient


async def test_a_tenant_admin_runs_a_campaign_from_the_console(
    api: ApiClient, browser: Any, uid: str, db: Any, tmp_path: Path
) -> None:
    admin, tid = await provision(api, uid)
    await admin.call(
        "PUT",
        f"/api/v1/tenants/{tid}/schedules/office",
        {
            "timezone": "Asia/Shanghai",
            "weekly": [{"weekday": d, "start": "09:00", "end": "18:00"} for d in range(5)],
            "closed_destination": {"kind": "hangup", "target": ""},
        },
        expect=200,
    )
    page = await open_tab(browser, f"http://127.0.0.1:{api.client.port}")
    await sign_in(page, f"{tid}-adm", PASSWORD)
    await open_page(page, f"/t/{tid}/campaigns", "#campaign-add")
    await page.fill("#campaign-add-name", "春季回访")
    await page.select_option("#campaign-add-mode", "predictive")
    await page.fill("#campaign-add-script", "您好。这里是深圳示例科技。")
    await page.fill("#campaign-add-dispositions", "满意\n不满意")
    await page.fill("#campaign-add-success_dispositions", "不存在")
    await page.click("#campaign-add-submit")
    # The server names the bad field; the form says which one.
    await page.wait_for_selector("#campaign-add-success_dispositions[aria-invalid=true]")
    await page.fill("#campaign-add-success_dispositions", "满意")
    await page.click("#campaign-add-submit")
    await page.wait_for_selector("section[id^=campaign-] h2:has-text('春季回访')")
    cid = await db.fetchval("SELECT id FROM campaigns WHERE tenant_id = $1", tid)
    row = await db.fetchrow(
        "SELECT mode, abandon_cap, dispositions::text AS d FROM campaigns WHERE id = $1", cid
    )
    assert row["mode"] == "predictive" and float(row["abandon_cap"]) == 3.0

    sheet = tmp_path / "list.csv"
    sheet.write_text("电话,姓名,城市\n13800138000,韩梅梅,北京\n12345,坏,上海\n", encoding="utf-8")
    await page.set_input_files(f"#campaign-upload-{cid}", str(sheet))
    await page.wait_for_selector(f"#campaign-status-{cid}:has-text('第 3 行')")
    assert "新增 1 位" in (await page.text_content(f"#campaign-status-{cid}") or "")

    await page.click(f"#campaign-start-{cid}")
    await page.wait_for_selector(".campaign-state[data-status=running]")
    assert await page.text_content(".campaign-state") == "进行中"
    await page.click(f"#campaign-pause-{cid}")
    await page.wait_for_selector(".campaign-state[data-status=paused]")

    await page.fill("#dnc-add-numbers", "139 0013 9000")
    await page.click("#dnc-add-submit")
    await page.wait_for_selector("#dnc-table td:has-text('13900139000')")
    assert await missing_words(page) == []
    assert await serious_violations(page) == []
    await shoot(page, "console-campaigns")
    await page.context.close()
