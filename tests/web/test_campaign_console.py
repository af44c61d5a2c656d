"""The agent console in headless Chromium (zh-CN), campaigns without Asterisk: a campaign call
pops its contact's own columns and the script, and the result the agent saves makes it a
success; preview dialling shows the next contact and skips it. Screenshot under
``artifacts/zh/agent-campaign-1366.png``."""

from __future__ import annotations

from typing import Any

from integration.test_campaign_agent import campaign_of
from web.test_agent_desk import ARTIFACTS, LAPTOP, agent_called, agent_tenant, sign_in

from callcenter.workspace.lifecycle import WORKSPACE

from support import ApiClient, wait_for


async def test_the_agent_sees_the_campaign_contact_and_script_and_saves_the_result(
    api: ApiClient, browser: Any, uid: str, db: Any
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tid = await agent_tenant(api, uid)
    admin = await api.login(f"adm-{tid}", "secret-pass")
    cid = await campaign_of(api, admin, tid, "progressive")
    contact = await db.fetchrow(
        "SELECT id FROM campaign_contacts WHERE campaign_id = $1 AND phone = '13800138000'", cid
    )
    await db.execute(
        "INSERT INTO campaign_attempts (tenant_id, campaign_id, contact_id, phone)"
        " VALUES ($1, $2, $3, '13800138000')",
        tid,
        cid,
        contact["id"],
    )
    context = await browser.new_context(viewport=LAPTOP, locale="zh-CN")
    page = await context.new_page()
    try:
        await page.goto(f"http://127.0.0.1:{api.client.port}/agent")
        await sign_in(page, tid)
        await page.click("#login")
        await page.wait_for_selector("#presence[data-presence='available']")
        api.client.app[WORKSPACE].on_raw(agent_called(tid, "1700000005.1", "13800138000"))
        await page.wait_for_selector("#pop-campaign", state="visible")
        assert await page.text_content("#pop-campaign-name") == "催缴"
        assert await page.text_content("#pop-campaign-contact") == "韩梅梅"
        assert await page.text_content("#pop-campaign-fields") == "欠费金额120.50"
        assert await page.text_content("#pop-campaign-script") == "您好,您的账单将于月底到期。"
        assert not await page.is_visible("#new-contact")
        await page.screenshot(path=str(ARTIFACTS / "agent-campaign-1366.png"), full_page=True)
        await page.select_option("#campaign-result", "已承诺")
        await page.click("#campaign-result-form button")
        await page.wait_for_selector("#campaign-result-status:text('计为成功')")
        assert await db.fetchval(
            "SELECT success FROM campaign_contacts WHERE id = $1", contact["id"]
        )

        # Preview: the next contact of a running preview campaign of the agent's queue.
        preview_cid = await campaign_of(api, admin, tid, "preview", "预览回访")
        await page.reload()
        await page.wait_for_selector("#desk", state="visible")
        await page.wait_for_selector(
            f"#preview-campaign option[value='{preview_cid}']", state="attached"
        )
        await page.click("#preview-form button")
        await page.wait_for_selector("#preview-contact", state="visible")
        assert await page.text_content("#preview-campaign-phone") == "13800138000"
        assert await page.text_content("#preview-campaign-fields") == "欠费金额120.50"
        await page.click("#preview-skip")
        await page.wait_for_selector("#preview-contact", state="hidden")
        await wait_for(
            lambda: db.fetchval(
                "SELECT count(*) = 0 FROM campaign_contacts WHERE campaign_id = $1"
                " AND reserved_by IS NOT NULL",
                preview_cid,
            )
        )
        assert await page.evaluate("[...window.ccI18n.missing]") == []
    finally:
        await context.close()
