"""The report page draws its figures (issue 17): calls offered and answered per interval,
the service level and abandon trend, and how agents spent their time; in Chinese, labelled for
screen readers, saved at 1366 and 390 px."""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from pages import missing_words, open_page, open_tab, serious_violations, shoot, sign_in

from support import OPERATOR, ApiClient, browser_api

playwright_api = browser_api()


async def test_the_report_page_draws_calls_service_level_and_agent_time(
    api: ApiClient, browser: Any, uid: str, db: Any
) -> None:
    op = await api.login(*OPERATOR)
    tid = "r" + "".join(c for c in uid if c in string.ascii_lowercase + string.digits)[:12]
    admin_user = {"username": f"{tid}-adm", "password": "secret-pass-1"}
    await op.call("POST", "/api/v1/tenants", {"id": tid, "name": tid, "admin": admin_user})
    admin = await api.login(f"{tid}-adm", "secret-pass-1")
    await admin.call("POST", f"/api/v1/tenants/{tid}/seats", {"extension": "1001"}, expect=201)
    queue = {"name": "support", "extension": "600", "members": [{"extension": "1001"}]}
    await admin.call("POST", f"/api/v1/tenants/{tid}/queues", queue, expect=201)
    rows = [
        ("1.1", "ENTERQUEUE", "", "", ""),
        ("1.1", "CONNECT", "3", "1.1", "1"),
        ("1.1", "COMPLETECALLER", "3", "60", "1"),
        ("1.2", "ENTERQUEUE", "", "", ""),
        ("1.2", "ABANDON", "1", "1", "30"),
    ]
    for callid, event, d1, d2, d3 in rows:
        await db.execute(
            "INSERT INTO queue_log (callid, queuename, agent, event, data1, data2, data3)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7)",
            f"{tid}{callid}",
            f"{tid}-support",
            f"{tid}-1001",
            event,
            d1,
            d2,
            d3,
        )
    page = await open_tab(browser, f"http://127.0.0.1:{api.client.port}", "zh-CN")
    await sign_in(page, f"{tid}-adm", "secret-pass-1")
    await open_page(page, f"/t/{tid}/reports", "#report-queues")
    await page.wait_for_selector("#chart-report-offered canvas")
    await page.wait_for_selector("#chart-report-agents canvas")
    sums = await page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('chart-report-offered')).getOption()"
        ".series.map(s => [s.name, s.data.reduce((a, b) => a + b, 0)])"
    )
    assert sums == [["来电", 2], ["接听", 1]], sums
    trend = await page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('chart-report-sl')).getOption()"
        ".series.map(s => s.data.filter(v => v !== null))"
    )
    assert trend == [[0.5], [0.5]], trend
    assert await page.get_attribute("#chart-report-sl", "aria-label") == "服务水平与放弃率趋势"
    assert await missing_words(page) == []
    assert await serious_violations(page) == []
    await shoot(page, "report-charts")
    await page.context.close()


async def test_the_report_page_draws_each_agents_state_timeline_and_the_ivr_keys_pressed(
    api: ApiClient, browser: Any, uid: str, db: Any
) -> None:
    op = await api.login(*OPERATOR)
    tid = "s" + "".join(c for c in uid if c in string.ascii_lowercase + string.digits)[:12]
    admin_user = {"username": f"{tid}-adm", "password": "secret-pass-1"}
    await op.call("POST", "/api/v1/tenants", {"id": tid, "name": tid, "admin": admin_user})
    admin = await api.login(f"{tid}-adm", "secret-pass-1")
    for ext, name in (("1001", "李雷"), ("1002", "韩梅梅")):
        await admin.call(
            "POST", f"/api/v1/tenants/{tid}/seats", {"extension": ext, "name": name}, expect=201
        )
    queue = {"name": "support", "extension": "600", "members": [{"extension": "1001"}]}
    await admin.call("POST", f"/api/v1/tenants/{tid}/queues", queue, expect=201)
    # 1001: signed in 40 min ago, lunch 30..20 min ago, a 5-minute call ending 10 min ago,
    # signed out 5 min ago. 1002: signed in 15 min ago, still in.
    log = [
        (40, "1001", "NONE", "AGENTLOGIN", ""),
        (30, "1001", "NONE", "PAUSE", "lunch"),
        (20, "1001", "NONE", "UNPAUSE", ""),
        (10, "1001", "support", "COMPLETECALLER", "3"),
        (5, "1001", "NONE", "AGENTLOGOFF", ""),
        (15, "1002", "NONE", "AGENTLOGIN", ""),
    ]
    for ago, ext, queue_name, event, d1 in log:
        await db.execute(
            "INSERT INTO queue_log (time, callid, queuename, agent, event, data1, data2)"
            " VALUES ((now() AT TIME ZONE 'UTC') - make_interval(mins => $1), 'x', $2, $3, $4,"
            " $5, $6)",
            ago,
            queue_name if queue_name == "NONE" else f"{tid}-{queue_name}",
            f"{tid}-{ext}",
            event,
            d1,
            "300" if event == "COMPLETECALLER" else "",
        )
    # Calls through the IVR with the keys their callers pressed (two legs of one call count
    # once, by its longest path).
    for i, (linkedid, keys) in enumerate(
        [("k1", "1"), ("k2", "1"), ("k2", "1-2"), ("k3", "2"), ("k4", None)]
    ):
        await db.execute(
            "INSERT INTO cdr (tenantid, linkedid, uniqueid, sequence, start, ivr_keys)"
            " VALUES ($1, $2, $3, 0, now() - interval '1 minute', $4)",
            tid,
            linkedid,
            f"{tid}.{i}",
            keys,
        )
    now = datetime.now(UTC)
    period = urlencode({"from": (now - timedelta(days=1)).isoformat(), "to": now.isoformat()})
    _, breakdown = await admin.call(
        "GET", f"/api/v1/tenants/{tid}/reports/ivr-keys?{period}", expect=200
    )
    assert breakdown == [
        {"ivr_keys": "1", "calls": 1},
        {"ivr_keys": "1-2", "calls": 1},
        {"ivr_keys": "2", "calls": 1},
    ], breakdown

    # The timeline shows the browser's today, and the log above reaches 40 minutes back: open
    # the page in a zone where that is still today (just after midnight UTC it is not in UTC,
    # in Shanghai it is; just after midnight in Shanghai, the other way round).
    zone = "UTC" if datetime.now(UTC).hour >= 1 else "Asia/Shanghai"
    base = f"http://127.0.0.1:{api.client.port}"
    page = await open_tab(browser, base, "zh-CN", timezone_id=zone)
    await sign_in(page, f"{tid}-adm", "secret-pass-1")
    await open_page(page, f"/t/{tid}/reports", "#report-agent-states")
    await page.wait_for_selector("#chart-report-timeline canvas")
    timeline = await page.evaluate(
        "(() => { const o = echarts.getInstanceByDom("
        "document.getElementById('chart-report-timeline')).getOption();"
        " return { agents: o.yAxis[0].data, series: o.series.map(s => [s.name,"
        " s.data.map(d => [d[0], Math.round((d[2] - d[1]) / 60000), d[3]])]) }; })()"
    )
    assert timeline["agents"] == ["李雷 (1001)", "韩梅梅 (1002)"], timeline
    series = dict(timeline["series"])
    assert series["通话"] == [[0, 5, ""]], series
    assert series["话后处理"] == [], series  # the queue has no wrap-up time
    assert series["暂停"] == [[0, 10, "lunch"]], series
    # 40..30 and 20..15 min ago, then after the call 10..5; 1002 for the last 15 minutes.
    assert sorted(series["空闲可接听"]) == [[0, 5, ""], [0, 5, ""], [0, 10, ""], [1, 15, ""]]
    keys = await page.evaluate(
        "(() => { const o = echarts.getInstanceByDom("
        "document.getElementById('chart-report-ivr-keys')).getOption();"
        " return [o.yAxis[0].data, o.series[0].data]; })()"
    )
    assert keys == [["1", "1 \u203a 2", "2"], [1, 1, 1]], keys
    table = await page.text_content("#report-agent-states") or ""
    assert "午餐" in table and "暂停" in table, table
    assert await page.get_attribute("#chart-report-timeline", "aria-label") == "坐席状态时间线"
    assert await missing_words(page) == []
    assert await serious_violations(page) == []
    await shoot(page, "report-timeline")
    await page.context.close()
