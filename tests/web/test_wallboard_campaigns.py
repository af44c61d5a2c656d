"""The wallboard and the supervisor board show each live outbound campaign (issue 18):
dialled, reached, success, abandon rate and agents busy, pushed as the dialer's attempts
change them (no reload), in Chinese. The attempts are written as the dialer writes them
(its whole state is in PostgreSQL); the calls themselves are the dialer's e2e tests'
business."""

from __future__ import annotations

import string
from typing import Any

from pages import missing_words, open_tab, serious_violations, shoot, wait

from support import OPERATOR, ApiClient, browser_api

playwright_api = browser_api()
CONTACTS = ("13911180051", "13911180052", "13911180053")


async def test_campaign_figures_are_pushed_to_the_wallboard_as_they_change(
    api: ApiClient, browser: Any, uid: str, db: Any
) -> None:
    op = await api.login(*OPERATOR)
    tid = "wc" + "".join(c for c in uid if c in string.ascii_lowercase + string.digits)[:12]
    admin_user = {"username": f"adm-{tid}", "password": "secret-pass"}
    await op.call("POST", "/api/v1/tenants", {"id": tid, "name": tid, "admin": admin_user})
    admin = await api.login(f"adm-{tid}", "secret-pass")
    base = f"/api/v1/tenants/{tid}"
    number = "40081" + str(int(uid, 16) % 100000).zfill(5)
    await op.call("POST", f"{base}/numbers", {"number": number}, expect=201)
    await admin.call("POST", f"{base}/queues", {"name": "sales", "extension": "600"}, expect=201)
    await admin.call(
        "PUT",
        f"{base}/schedules/hours",
        {
            "timezone": "UTC",
            "weekly": [{"weekday": 0, "start": "09:00", "end": "18:00"}],
            "closed_destination": {"kind": "hangup", "target": ""},
        },
        expect=200,
    )
    _, c = await admin.call(
        "POST",
        f"{base}/campaigns",
        {
            "name": "续费回访",
            "mode": "progressive",
            "caller_number": number,
            "queue": "sales",
            "schedule": "hours",
            "dispositions": ["续费", "拒绝"],
            "success_dispositions": ["续费"],
        },
        expect=201,
    )
    resp = await admin.client.post(
        f"{base}/campaigns/{c['id']}/contacts.csv",
        data=("phone\n" + "\n".join(CONTACTS) + "\n").encode(),
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert resp.status == 200
    _, contacts = await admin.call("GET", f"{base}/campaigns/{c['id']}/contacts", expect=200)
    ids = [x["id"] for x in contacts]
    # A draft is not on the board; a started campaign is.
    await admin.call("POST", f"{base}/campaigns/{c['id']}/state", {"action": "start"}, expect=200)

    page = await open_tab(browser, f"http://127.0.0.1:{api.client.port}", "zh-CN")
    await page.goto(f"http://127.0.0.1:{api.client.port}/wallboard")
    await page.fill("#login [name=username]", f"adm-{tid}")
    await page.fill("#login [name=password]", "secret-pass")
    await page.click("#login button")
    await wait(page, "#status:text-is('实时')")
    row = f'tr[data-campaign="{c["id"]}"]'
    await wait(page, row)
    await page.evaluate("window.notReloaded = true")

    async def shown() -> list[str]:
        cells = await page.locator(f"{row} th, {row} td").all_text_contents()
        return [x.strip() for x in cells]

    async def until(expected: list[str]) -> None:
        try:
            await page.wait_for_function(
                "([sel, want]) => { const r = document.querySelector(sel); return r &&"
                " [...r.children].map(x => x.textContent.trim()).join('|') === want; }",
                arg=[row, "|".join(expected)],
                timeout=10_000,
            )
        except Exception:
            raise AssertionError(f"the board shows {await shown()}, not {expected}") from None

    # name, status, dialled, reached, success, abandon rate, agents busy
    await until(["续费回访", "进行中", "0", "0", "0", "0%", "0"])
    head = await page.text_content("#campaigns-section thead") or ""
    assert "已拨打" in head and "已接通" in head and "放弃率" in head and "忙碌坐席" in head

    async def attempt(contact: int, agent: str | None, outcome: str | None) -> int:
        return int(
            await db.fetchval(
                "INSERT INTO campaign_attempts (tenant_id, campaign_id, contact_id, phone,"
                " agent, outcome) VALUES ($1, $2, $3, '13911180051', $4, $5) RETURNING id",
                tid,
                c["id"],
                contact,
                agent,
                outcome,
            )
        )

    # The dialer dials the first contact and an agent takes it: dialled 1, one agent busy.
    first = await attempt(ids[0], f"{tid}-1001", None)
    await until(["续费回访", "进行中", "1", "0", "0", "0%", "1"])
    # The call ends answered and the agent saves a success.
    await db.execute("UPDATE campaign_attempts SET outcome = 'answered' WHERE id = $1", first)
    await admin.call(
        "PUT",
        f"{base}/campaigns/{c['id']}/contacts/{ids[0]}/disposition",
        {"disposition": "续费"},
        expect=200,
    )
    await until(["续费回访", "进行中", "1", "1", "1", "0%", "0"])
    # The second is busy (dialled, not reached), the third answered with no agent free
    # (abandoned): 1 of 2 people reached abandoned, 50 % over the 3 % cap.
    await attempt(ids[1], None, "busy")
    await attempt(ids[2], None, "abandoned")
    await until(["续费回访", "进行中", "3", "2", "1", "50%", "0"])
    assert await page.locator(f"{row} td.bad").count() == 1
    await admin.call("POST", f"{base}/campaigns/{c['id']}/state", {"action": "pause"}, expect=200)
    await until(["续费回访", "已暂停", "3", "2", "1", "50%", "0"])
    assert await page.evaluate("window.notReloaded") is True
    assert await missing_words(page) == []
    assert await serious_violations(page) == []

    # The supervisor board shows the same figures, pushed the same way.
    board = await open_tab(browser, f"http://127.0.0.1:{api.client.port}", "zh-CN")
    await board.goto(f"http://127.0.0.1:{api.client.port}/board")
    await board.fill("#login [name=username]", f"adm-{tid}")
    await board.fill("#login [name=password]", "secret-pass")
    await board.click("#login button")
    await wait(board, "#status:text-is('实时')")
    await wait(board, f"#campaign-table {row}")
    await db.execute("UPDATE campaigns SET status = 'running' WHERE id = $1", c["id"])
    await attempt(ids[1], f"{tid}-1002", None)  # the busy one, retried, taken by an agent
    for shown_on in (page, board):
        await shown_on.wait_for_function(
            "([sel, want]) => { const r = document.querySelector(sel); return r &&"
            " [...r.children].map(x => x.textContent.trim()).join('|') === want; }",
            arg=[row, "续费回访|进行中|4|2|1|50%|1"],
            timeout=10_000,
        )
    assert await missing_words(board) == []
    assert await serious_violations(board) == []
    await shoot(board, "board-campaigns")  # 1366 and 390 px, nothing wider than the phone
