"""The wallboard draws pictures (issue 17): calls offered and answered per hour, the service
level and abandon trend from today's queue report, callers waiting over time from the live
pushes, agents by state; ECharts is bundled at setup (deploy/charts.sh). Readable on a TV
(1920 px), a laptop and a phone, in Chinese, with no serious axe violation."""

from __future__ import annotations

import string
from typing import Any

from pages import ARTIFACTS, missing_words, open_tab, serious_violations, wait

from support import OPERATOR, ApiClient, browser_api

playwright_api = browser_api()

TV = {"width": 1920, "height": 1080}


async def test_the_wallboard_draws_todays_calls_service_level_waiting_and_agents(
    api: ApiClient, browser: Any, uid: str, db: Any
) -> None:
    op = await api.login(*OPERATOR)
    tid = "w" + "".join(c for c in uid if c in string.ascii_lowercase + string.digits)[:12]
    admin_user = {"username": f"adm-{tid}", "password": "secret-pass"}
    await op.call("POST", "/api/v1/tenants", {"id": tid, "name": tid, "admin": admin_user})
    admin = await api.login(f"adm-{tid}", "secret-pass")
    await admin.call("POST", f"/api/v1/tenants/{tid}/seats", {"extension": "1001"}, expect=201)
    queue = {"name": "support", "extension": "600", "members": [{"extension": "1001"}]}
    await admin.call("POST", f"/api/v1/tenants/{tid}/queues", queue, expect=201)
    # Three calls this hour, as app_queue logs them: answered in 3 s, answered in 40 s
    # (outside the 20 s service level), abandoned after 30 s.
    rows = [
        ("1.1", "ENTERQUEUE", "", "", ""),
        ("1.1", "CONNECT", "3", "1.1", "1"),
        ("1.1", "COMPLETECALLER", "3", "60", "1"),
        ("1.2", "ENTERQUEUE", "", "", ""),
        ("1.2", "CONNECT", "40", "1.2", "1"),
        ("1.3", "ENTERQUEUE", "", "", ""),
        ("1.3", "ABANDON", "1", "1", "30"),
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

    base = f"http://127.0.0.1:{api.client.port}"
    board = await open_tab(browser, base, "zh-CN", timezone_id="Asia/Shanghai")
    await board.set_viewport_size(TV)
    await board.goto(f"{base}/wallboard")
    await board.fill("#login [name=username]", f"adm-{tid}")
    await board.fill("#login [name=password]", "secret-pass")
    await board.click("#login button")
    await wait(board, "#status:text-is('实时')")
    # (agents by state come with the live board, which needs Asterisk: not in this test)
    for chart in ("chart-offered", "chart-sl", "chart-waiting"):
        await wait(board, f"#{chart} canvas")

    option = await board.evaluate(
        "(() => { const o = wbCharts['chart-offered'].getOption();"
        " return o.series.map(s => [s.name, s.data.reduce((a, b) => a + b, 0)]); })()"
    )
    assert option == [["来电", 3], ["接听", 2]], option
    trend = await board.evaluate(
        "wbCharts['chart-sl'].getOption().series.map(s => [s.name, s.data[s.data.length - 1]])"
    )
    assert trend[0][0] == "服务水平" and abs(trend[0][1] - 1 / 3) < 0.01, trend
    assert trend[1][0] == "放弃率" and abs(trend[1][1] - 1 / 3) < 0.01, trend
    waiting = await board.evaluate("wbCharts['chart-waiting'].getOption().series[0].data")
    assert waiting and waiting[-1][1] == 0, waiting
    assert await missing_words(board) == []
    assert await serious_violations(board) == []

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # The TV: large type, charts side by side.
    size = await board.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('table')).fontSize)"
    )
    assert size >= 32, size
    await board.screenshot(path=str(ARTIFACTS / "wallboard-charts-tv.png"), full_page=True)
    for name, viewport in (
        ("1366", {"width": 1366, "height": 860}),
        ("390", {"width": 390, "height": 844}),
    ):
        await board.set_viewport_size(viewport)
        await board.wait_for_timeout(300)
        overflow = await board.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (name, overflow)
        await board.screenshot(path=str(ARTIFACTS / f"wallboard-charts-{name}.png"), full_page=True)
    await board.context.close()
