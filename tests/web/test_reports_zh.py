"""The report page words its figures for people: localised column names, percentages,
durations, local times (not UTC ISO strings) and agents by name next to their extension."""

from __future__ import annotations

import json
import string
from typing import Any

from pages import missing_words, open_page, open_tab, shoot, sign_in, wait

from support import OPERATOR, ApiClient, browser_api

playwright_api = browser_api()
PASSWORD = "pw-12345678"
QUEUE_ROW = {
    "queue": "sales",
    "interval_start": "2026-12-04T02:00:00+00:00",
    "offered": 20,
    "answered": 17,
    "abandoned": 3,
    "short_abandoned": 1,
    "overflowed": 0,
    "callbacks": 0,
    "answered_within_sl": 15,
    "service_level": 0.853,
    "sl_threshold_s": 20,
    "asa_s": 12.4,
    "aht_s": 185.0,
    "talk_s": 3145,
    "longest_wait_s": 75,
    "abandon_rate": 0.15,
}
AGENT_ROW = {
    "agent": "1001",
    "interval_start": "2026-12-04T02:00:00+00:00",
    "logged_in_s": 28800.0,
    "paused_s": {"lunch": 3600.0},
    "talk_s": 3145.0,
    "wrapup_s": 300,
    "handled": 17,
    "utilisation": 0.62,
    "occupancy": 0.7,
}

SS_ROW = {
    "ivr": "orders",
    "menu": "find",
    "lookups": 40,
    "found": 30,
    "not_found": 6,
    "failed": 4,
    "failure_rate": 0.1,
    "latency_p50_ms": 180,
    "latency_p95_ms": 1450,
    "calls": 40,
    "resolved": 28,
    "transferred": 12,
    "containment_rate": 0.7,
}
SURVEY_QUEUE_ROW = {
    "queue": "sales",
    "interval_start": "2026-12-04T02:00:00+00:00",
    "survey_answers": 3,
    "survey_average": 3.67,
}
SURVEY_AGENT_ROW = {
    "agent": "1001",
    "interval_start": "2026-12-04T02:00:00+00:00",
    "survey_answers": 2,
    "survey_average": 4.5,
}


async def test_report_figures_are_worded_in_chinese(api: ApiClient, browser: Any, uid: str) -> None:
    op = await api.login(*OPERATOR)
    tid = "rp" + "".join(c for c in uid if c in string.ascii_lowercase + string.digits)
    await op.call(
        "POST",
        "/api/v1/tenants",
        {"id": tid, "name": "报表公司", "admin": {"username": f"{tid}-adm", "password": PASSWORD}},
        expect=201,
    )
    admin = await api.login(f"{tid}-adm", PASSWORD)
    base = f"/api/v1/tenants/{tid}"
    await admin.call("POST", f"{base}/seats", {"extension": "1001", "name": "王芳"}, expect=201)
    await admin.call(
        "POST",
        f"{base}/queues",
        {"name": "sales", "extension": "600", "display_name": "销售"},
        expect=201,
    )
    page = await open_tab(
        browser, f"http://127.0.0.1:{api.client.port}", "zh-CN", timezone_id="Asia/Shanghai"
    )

    # The figures themselves come from the KPI engine (its own tests); here the page's words.
    async def fake(route: Any) -> None:
        rows = {
            "queues": [QUEUE_ROW],
            "agents": [AGENT_ROW],
            "numbers": [],
            "ivr-keys": [],
            "agent-states": [],
            "selfservice": [SS_ROW],
            "survey-queues": [SURVEY_QUEUE_ROW],
            "survey-agents": [SURVEY_AGENT_ROW],
        }
        kind = route.request.url.split("/reports/")[1].split("?")[0]
        await route.fulfill(
            status=200, content_type="application/json", body=json.dumps(rows[kind])
        )

    await page.route("**/reports/*", fake)
    await sign_in(page, f"{tid}-adm", PASSWORD)
    await open_page(page, f"/t/{tid}/reports", "#report-queues-title")
    await wait(page, "#report-queues tbody tr")
    head = await page.text_content("#report-queues thead") or ""
    assert "服务水平" in head and "平均应答时长" in head and "service_level" not in head
    row = await page.text_content("#report-queues tbody tr") or ""
    assert "销售 (sales)" in row
    assert "85.3%" in row and "15%" in row
    assert "2026/12/04 10:00" in row  # 02:00 UTC read in Beijing time
    assert "3分5秒" in row  # 185 s handling time
    agents = await page.text_content("#report-agents tbody tr") or ""
    assert "王芳 (1001)" in agents and "62%" in agents and "8小时" in agents
    assert "午餐\uff1a1小时" in agents  # full-width colon
    # Self-service (issue 20): containment and lookup figures per IVR node, and their chart.
    head = await page.text_content("#report-selfservice thead") or ""
    assert "自助解决率" in head and "失败率" in head and "查询耗时中位数" in head, head
    row = await page.text_content("#report-selfservice tbody tr") or ""
    assert "70%" in row and "10%" in row and "180 毫秒" in row, row
    await wait(page, "#chart-report-selfservice canvas")
    caption = await page.text_content("#report-charts") or ""
    assert "各查询节点的自助解决与转人工" in caption
    # After-call survey scores per queue and per agent (issue 18).
    head = await page.text_content("#report-survey-queues thead") or ""
    assert "评价数" in head and "平均满意度" in head, head
    row = await page.text_content("#report-survey-queues tbody tr") or ""
    assert "销售 (sales)" in row and "3.67" in row, row
    title = await page.text_content("#report-survey-agents-title") or ""
    assert title.startswith("满意度评价") and "按坐席" in title, title
    row = await page.text_content("#report-survey-agents tbody tr") or ""
    assert "王芳 (1001)" in row and "4.5" in row, row
    assert await missing_words(page) == []
    await shoot(page, "reports")
