"""The supervisor board in Chromium, in Chinese (issue 19): a supervisor restricted to one
queue sees that queue's agents live — state, time in state, the caller and queue of a call
and its duration — forces a pause and a log-out with one click, sees a queue's alert when
it crosses the tenant's threshold, and never sees the other queue's agent. No serious axe
violation; no horizontal scroll on a phone. (The AMI events are fed to the workspace as the
AMI reader would; the e2e test drives the same board against Asterisk.)"""

from __future__ import annotations

import time
from typing import Any

from integration.test_agent_workspace_api import agent_called
from integration.test_supervisor_board_api import two_queues
from pages import missing_words, open_page, open_tab, serious_violations, shoot, sign_in, wait

from callcenter import keys
from callcenter.quality.live import BoardPush
from callcenter.workspace.lifecycle import WORKSPACE

from support import ApiClient, browser_api

playwright_api = browser_api()


async def test_a_supervisor_watches_and_steers_agents_on_the_board_in_chinese(
    api: ApiClient, browser: Any, uid: str, db: Any
) -> None:
    tid, admin, agent1, agent2 = await two_queues(api, uid)
    base_api = f"/api/v1/tenants/{tid}"
    await admin.call(
        "POST",
        f"{base_api}/supervisors",
        {"username": f"sup-{tid}", "password": "supervisor-pw", "queues": ["support"]},
        expect=201,
    )
    await admin.call(
        "PUT", f"{base_api}/board/thresholds/support", {"max_longest_wait_s": 30}, expect=200
    )
    await agent1.call("POST", "/api/v1/agent/login", expect=200)
    await agent2.call("POST", "/api/v1/agent/login", expect=200)

    base = f"http://127.0.0.1:{api.client.port}"
    page = await open_tab(browser, base, "zh-CN", timezone_id="Asia/Shanghai")
    await page.goto(f"{base}/board")
    await page.fill("#login [name=username]", f"sup-{tid}")
    await page.fill("#login [name=password]", "supervisor-pw")
    await page.click("#login button")
    await wait(page, "#status:text-is('实时')")
    await wait(page, "tr[data-agent='1001'][data-presence='available']")
    assert await page.locator("tr[data-agent='1002']").count() == 0  # not its queue
    assert await page.text_content("h1 span") == "班长监控台"

    # A call rings agent 1001 and is answered: the row shows the caller, queue and duration.
    workspace = api.client.app[WORKSPACE]
    linkedid = "1700000009.1"
    workspace.on_raw(agent_called(tid, linkedid, "13900000009"))
    await wait(page, "tr[data-agent='1001'][data-presence='ringing']")
    workspace.on_raw(
        {
            "Event": "AgentConnect",
            "Queue": f"{tid}-support",
            "MemberName": f"{tid}-1001",
            "DestChannel": f"PJSIP/{tid}-1001-00000009",
            "Linkedid": linkedid,
            "HoldTime": "3",
        }
    )
    row = "tr[data-agent='1001']"
    await wait(page, f"{row}[data-presence='on_call']")
    assert await page.text_content(f"{row} .caller") == "13900000009"
    assert await page.text_content(f"{row} .queue") == "support"
    assert await page.text_content(f"{row} .state") == "通话中"
    await page.wait_for_function(
        f"document.querySelector(\"{row} .duration\").textContent.includes('秒')"
    )
    assert await page.is_enabled(f"{row} button[data-action='barge']")
    # Another tenant-wide change the supervisor may not see never reaches its page.
    await agent2.call("POST", "/api/v1/agent/pause", {"reason": "lunch"}, expect=200)

    # The queue's longest wait crosses its threshold: an alert, in Chinese.
    figures = [
        {"queue": "support", "waiting": 1, "longest_wait_s": 45, "service_level_today": 1.0},
        {"queue": "sales", "waiting": 3, "longest_wait_s": 999, "service_level_today": 0.1},
    ]
    push = BoardPush(api.client.app[keys.POOL], workspace.hub, lambda _t, _now: figures)
    await push.tick()
    await wait(page, "#alerts li[data-queue='support'][data-kind='longest_wait']")
    alert = await page.text_content("#alerts li") or ""
    assert "support" in alert and "最长等待" in alert and "45秒" in alert, alert
    assert await page.locator("#alerts li").count() == 1  # sales is not its queue
    assert await page.locator("#queues tr[data-queue='sales']").count() == 0

    assert await missing_words(page) == []
    assert await serious_violations(page) == []
    await shoot(page, "supervisor-board")

    # Listen without a seat of one's own: the page asks for it first.
    await page.click(f"{row} button[data-action='listen']")
    await wait(page, "#action-result:text-is('请先填写您的班长分机。')")

    # The call ends; the supervisor forces a pause, then a log-out.
    workspace.on_raw(
        {
            "Event": "AgentComplete",
            "Queue": f"{tid}-support",
            "MemberName": f"{tid}-1001",
            "Linkedid": linkedid,
            "TalkTime": "5",
            "HoldTime": "3",
            "Reason": "caller",
        }
    )
    await wait(page, f"{row}:not([data-presence='on_call'])")
    started = time.monotonic()
    await page.click(f"{row} button[data-action='pause']")
    await wait(page, f"{row}[data-presence='paused']")
    assert "supervisor" in (await page.text_content(f"{row} .state") or "")
    await page.click(f"{row} button[data-action='logout']")
    await wait(page, f"{row}[data-presence='logged_out']")
    print(f"pause and log-out shown in {time.monotonic() - started:.2f} s")
    assert await page.text_content("#action-result") == "坐席 1001 已被签出"
    assert not await db.fetchval(
        "SELECT logged_in FROM agents WHERE tenant_id = $1 AND extension = '1001'", tid
    )
    assert await missing_words(page) == []
    await page.context.close()


async def test_the_console_leads_a_tenant_admin_to_the_board_and_to_quality_inspection(
    api: ApiClient, browser: Any, uid: str
) -> None:
    tid, _admin, agent1, _agent2 = await two_queues(api, uid)
    await agent1.call("POST", "/api/v1/agent/login", expect=200)
    base = f"http://127.0.0.1:{api.client.port}"
    page = await open_tab(browser, base, "zh-CN", timezone_id="Asia/Shanghai")
    await sign_in(page, f"adm-{tid}", "secret-pass")
    await open_page(page, f"/t/{tid}/wallboard", "#board-open")
    assert await page.text_content("#board-open") == "打开班长监控台"
    await page.click("#board-open")
    # The same tab's session: the tenant admin sees every agent of the tenant.
    await wait(page, "tr[data-agent='1001'][data-presence='available']")
    await wait(page, "tr[data-agent='1002'][data-presence='logged_out']")
    # The tenant admin sets the tenant's default alert thresholds on the board.
    await page.click("#thresholds summary")
    assert await page.input_value("#threshold-queue") == ""
    await page.fill("#threshold-sl", "80")
    await page.fill("#threshold-wait", "30")
    await page.click("#save-threshold")
    await wait(page, "#threshold-result:text-is('阈值已保存')")
    _, got = await _admin.call("GET", f"/api/v1/tenants/{tid}/board/thresholds", expect=200)
    assert got["default"] == {"min_service_level": 0.8, "max_longest_wait_s": 30}
    await page.fill("#threshold-wait", "0")  # the browser lets it through; the API refuses
    await page.evaluate("document.getElementById('threshold-form').noValidate = true")
    await page.click("#save-threshold")
    await wait(page, "#threshold-result:has-text('最长等待')")
    assert await serious_violations(page) == []
    assert await missing_words(page) == []
    await page.go_back()
    await wait(page, "#quality-open")
    await page.click("#quality-open")
    await wait(page, "#status:text-is('已加载')")
    assert await page.is_visible("#run-sampling")
    assert await missing_words(page) == []
    await page.context.close()
