"""Quality inspection in Chromium, in Chinese (issue 19): sampling picks a long recorded call;
a reviewer plays its recording, scores the form's items at moments of the recording and
comments; the agent sees the result and appeals once; the same reviewer may not decide the
appeal, a second one does; the report shows the agent's final QA score. Bad input is refused
naming the field. No serious axe violation. (The call's recording, CDR and talk figures are
written as Asterisk and the media agent write them; the e2e talk test makes real ones.)"""

from __future__ import annotations

import io
import json
import math
import struct
import wave
from typing import Any

from integration.test_agent_workspace_api import agent_setup
from pages import missing_words, open_tab, serious_violations, shoot, wait

from support import ApiClient, browser_api

playwright_api = browser_api()
COLON, COMMA, DASH = "\uff1a", "\uff0c", "\u2013"  # the catalogue's full-width punctuation

FORM = {
    "title": "标准服务",
    "items": [
        {"key": "greeting", "label": "标准问候", "weight": 1.0},
        {"key": "solution", "label": "解决问题", "weight": 3.0},
        {"key": "privacy", "label": "核实身份", "weight": 1.0, "critical": True},
    ],
}


def tone_wav(seconds: float = 3.0) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        n = int(8000 * seconds)
        w.writeframes(
            struct.pack(
                f"<{n}h", *(int(8000 * math.sin(2 * math.pi * 440 * i / 8000)) for i in range(n))
            )
        )
    return buf.getvalue()


async def a_recorded_call(db: Any, tid: str, linkedid: str, billsec: int) -> None:
    await db.execute(
        "INSERT INTO recordings (tenant_id, uniqueid, linkedid, audio, seconds)"
        " VALUES ($1, $2, $3, $4, 3)",
        tid,
        linkedid + "-rec",
        linkedid,
        tone_wav(),
    )
    await db.execute(
        'INSERT INTO cdr (start, answer, "end", src, dst, channel, dstchannel, billsec,'
        " duration, disposition, uniqueid, linkedid, tenantid, queue)"
        " VALUES (now(), now(), now(), '13800000001', '600', 'PJSIP/carrier-00000001',"
        " $1, $2, $2, 'ANSWERED', $3, $4, $5, $6)",
        f"PJSIP/{tid}-1001-00000002",
        billsec,
        linkedid + "-leg",
        linkedid,
        tid,
        f"{tid}-support",
    )
    segments = [
        {"side": "agent", "start": 0.0, "end": 9.0},
        {"side": "customer", "start": 5.0, "end": 9.0},
    ]
    await db.execute(
        "INSERT INTO call_talk (tenant_id, linkedid, agent_extension, seconds, agent_talk_s,"
        " customer_talk_s, agent_share, customer_share, longest_silence_s, overtalk_s, flags,"
        " segments) VALUES ($1, $2, '1001', 26, 9, 7, 0.346, 0.269, 12, 4,"
        " '{long_silence,overtalk}', $3::jsonb)",
        tid,
        linkedid,
        json.dumps(segments),
    )


async def sign_in_quality(page: Any, username: str, password: str) -> None:
    await page.goto(f"{page.base}/quality")
    await page.fill("#login [name=username]", username)
    await page.fill("#login [name=password]", password)
    await page.click("#login button")
    await wait(page, "#status:text-is('已加载')")


async def test_a_reviewer_scores_a_sampled_call_the_agent_appeals_and_a_second_reviewer_decides(
    api: ApiClient, browser: Any, uid: str, db: Any
) -> None:
    tid, admin, _agent = await agent_setup(api, uid, tag="qa")
    base_api = f"/api/v1/tenants/{tid}/quality"
    # Bad input names the field and stores nothing.
    bad = {**FORM, "items": [*FORM["items"], {"key": "greeting", "label": "x", "weight": 1}]}
    status, body = await admin.call("PUT", f"{base_api}/forms/standard", bad)
    assert status == 400 and body["details"]["field"] == "items[3].key", body
    status, body = await admin.call(
        "PUT", f"{base_api}/forms/standard", {"items": [{"key": "a", "label": "A", "weight": 0}]}
    )
    assert status == 400 and body["details"]["field"] == "items[0].weight", body
    status, body = await admin.call("PUT", f"{base_api}/sampling", {"talk_flags": ["loud"]})
    assert status == 400 and body["details"]["field"] == "talk_flags[0]", body
    assert await db.fetchval("SELECT count(*) FROM qa_forms WHERE tenant_id = $1", tid) == 0
    for name in ("reva", "revb"):
        await admin.call(
            "POST",
            f"/api/v1/tenants/{tid}/supervisors",
            {"username": f"{name}-{tid}", "password": "reviewer-pw1"},
            expect=201,
        )
    linkedid = f"{tid}.1700000000.1"
    await a_recorded_call(db, tid, linkedid, billsec=900)  # long: picked
    await a_recorded_call(db, tid, f"{tid}.1700000000.2", billsec=60)  # short: not picked

    base = f"http://127.0.0.1:{api.client.port}"
    # The tenant admin defines the form and the sampling rules in the page.
    setup = await open_tab(browser, base, "zh-CN", timezone_id="Asia/Shanghai")
    await sign_in_quality(setup, f"adm-{tid}", "secret-pass")
    await setup.click("#setup summary")
    await setup.fill("#form-name", "standard")
    await setup.fill("#form-title", FORM["title"])
    for n, item in enumerate(FORM["items"]):
        if n:
            await setup.click("#add-item")
        await setup.fill(f"#item-key-{n}", item["key"])
        await setup.fill(f"#item-label-{n}", item["label"])
        await setup.fill(f"#item-weight-{n}", str(item["weight"]))
        if item.get("critical"):
            await setup.check(f"#item-critical-{n}")
    await setup.click("#save-form")
    await wait(setup, "#setup-result:text-is('质检表 standard 已保存')")
    await setup.fill("#long-call", "10")
    await setup.click("#save-sampling")
    await wait(setup, "#setup-result:text-is('抽样规则已保存')")
    assert await missing_words(setup) == []
    assert await serious_violations(setup) == []
    await shoot(setup, "quality-setup")
    await setup.context.close()
    _, forms = await admin.call("GET", f"{base_api}/forms", expect=200)
    assert forms == [
        {
            "name": "standard",
            "title": FORM["title"],
            "items": [{"critical": False, **i} for i in FORM["items"]],
        }
    ]
    _, rules = await admin.call("GET", f"{base_api}/sampling", expect=200)
    assert rules["long_call_s"] == 600 and rules["talk_flags"] == []

    page = await open_tab(browser, base, "zh-CN", timezone_id="Asia/Shanghai")
    await sign_in_quality(page, f"reva-{tid}", "reviewer-pw1")
    assert await page.locator("#setup").is_hidden()  # reviewers do not set rules
    await page.click("#run-sampling")
    await wait(page, "#qa-result:text-is('已抽取 1 通通话')")
    row = "#reviews tr[data-status='pending']"
    await wait(page, row)
    assert await page.locator("#reviews tr").count() == 1
    assert "长通话" in (await page.text_content(row) or "")
    await page.click(f"{row} button[data-open]")
    await wait(page, "#review:not([hidden]) #score-greeting")
    # The recording plays in the page; the talk timeline is shown.
    await page.wait_for_function("document.getElementById('audio').duration > 2.5")
    assert f"客户{COLON}5{DASH}9 秒" in (await page.text_content("#timeline") or "")
    await page.evaluate("document.getElementById('audio').currentTime = 1.5")
    await page.click("#mark-solution")
    assert await page.input_value("#moment-solution") == "1.5"
    await page.select_option("#score-solution", "0.5")
    await page.fill("#note-solution", "没有确认客户的问题已解决")
    await page.fill("#comment", "整体礼貌 解决方案不完整")
    await page.click("#submit-score")
    await wait(page, "#review[data-status='scored']")
    assert "得分 70" in (await page.text_content("#result") or "")
    assert await missing_words(page) == []
    assert await serious_violations(page) == []
    await shoot(page, "quality-review")

    # The agent sees the result, with the moment, and appeals once.
    agent_page = await open_tab(browser, base, "zh-CN", timezone_id="Asia/Shanghai")
    await sign_in_quality(agent_page, f"agent-{tid}", "agent-password")
    await wait(agent_page, "#reviews tr[data-status='scored']")
    assert await agent_page.locator("#reviewer-tools").is_hidden()
    await agent_page.click("#reviews button[data-open]")
    await wait(agent_page, "#appeal-form:not([hidden])")
    result = await agent_page.text_content("#result") or ""
    assert f"解决问题{COLON}50%{COMMA}时间点 1.5 秒" in result, result
    await agent_page.fill("#appeal-text", "客户在通话结束后确认问题已解决")
    await agent_page.click("#submit-appeal")
    await wait(agent_page, "#review[data-status='appealed']")
    assert await agent_page.locator("#appeal-form").is_hidden()  # once only
    assert await missing_words(agent_page) == []
    assert await serious_violations(agent_page) == []
    review_id = await agent_page.evaluate("document.querySelector('#reviews tr').dataset.review")
    agent_api = await api.login(f"agent-{tid}", "agent-password")
    status, body = await agent_api.call(
        "POST", f"{base_api}/reviews/{review_id}/appeal", {"text": "again"}
    )
    assert status == 409 and body["reason"] == "wrong-review-state", body

    # The first reviewer may not decide the appeal; the page says so in Chinese.
    await page.reload()
    await wait(page, "#status:text-is('已加载')")
    await page.click("#reviews tr[data-status='appealed'] button[data-open]")
    await wait(page, "#submit-score:text-is('复核裁定')")
    await page.click("#submit-score")
    await wait(page, "#review-error:has-text('另一位质检员')")

    # The second reviewer decides: every item met.
    second = await open_tab(browser, base, "zh-CN", timezone_id="Asia/Shanghai")
    await sign_in_quality(second, f"revb-{tid}", "reviewer-pw1")
    await second.click("#reviews tr[data-status='appealed'] button[data-open]")
    await wait(second, "#submit-score:text-is('复核裁定')")
    assert "客户在通话结束后确认问题已解决" in (await second.text_content("#result") or "")
    # The form starts from the first reviewer's scores; the second reviewer changes one.
    assert await second.input_value("#score-solution") == "0.5"
    await second.select_option("#score-solution", "1")
    await second.fill("#comment", "申诉成立")
    await second.click("#submit-score")
    await wait(second, "#review[data-status='final']")
    assert "复核得分 100" in (await second.text_content("#result") or "")
    # The report shows the agent's final score, and the items'.
    await wait(second, "#report tr[data-key='1001']")
    assert "100" in (await second.text_content("#report tr[data-key='1001']") or "")
    await second.select_option("#report-by", "item")
    await wait(second, "#report tr[data-key='solution']")
    assert await missing_words(second) == []
    await shoot(second, "quality-report")
    for p in (page, agent_page, second):
        await p.context.close()
