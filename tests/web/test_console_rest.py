"""The rest of issue 17 in the browser, in Chinese: agent users edited (name, seat, device
and mobile) and deleted after a confirmation; prompts and mailboxes named in any script next
to their Latin ids (one line: control characters refused); the tenant's caller language; the
wallboard saying clearly when its figures cannot be fetched; a closed tenant (关闭) that
refuses sign-ins and changes but keeps its billing history."""

from __future__ import annotations

import io
import string
import wave
from typing import Any

from pages import missing_words, open_page, open_tab, serious_violations, shoot, sign_in, wait

from support import OPERATOR, ApiClient, browser_api

playwright_api = browser_api()
PASSWORD = "pw-12345678"


async def provision(api: ApiClient, uid: str, prefix: str) -> tuple[ApiClient, ApiClient, str, str]:
    op = await api.login(*OPERATOR)
    tid = prefix + "".join(c for c in uid if c in string.ascii_lowercase + string.digits)[:12]
    await op.call(
        "POST",
        "/api/v1/tenants",
        {"id": tid, "name": "华南客服", "admin": {"username": f"{tid}-adm", "password": PASSWORD}},
        expect=201,
    )
    admin = await api.login(f"{tid}-adm", PASSWORD)
    digits = "".join(str(int(c, 16) % 10) for c in uid[:5])
    number = f"4008{digits}1"
    await op.call("POST", f"/api/v1/tenants/{tid}/numbers", {"number": number}, expect=201)
    return op, admin, tid, number


def wav_bytes(seconds: float = 0.5) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x00" * int(8000 * seconds))
    return buf.getvalue()


async def test_an_agent_users_name_seat_and_mobile_are_edited_and_deleted_after_a_confirmation(
    api: ApiClient, browser: Any, uid: str
) -> None:
    _, admin, tid, _ = await provision(api, uid, "ag")
    base = f"/api/v1/tenants/{tid}"
    for ext in ("1001", "1002"):
        await admin.call("POST", f"{base}/seats", {"extension": ext}, expect=201)
    user = f"{tid}-li"
    agent = {"username": user, "password": "agent-pass-123", "extension": "1001", "name": "Li"}
    await admin.call("POST", f"{base}/agents", agent, expect=201)

    page = await open_tab(browser, f"http://127.0.0.1:{api.client.port}")
    await sign_in(page, f"{tid}-adm", PASSWORD)
    await open_page(page, f"/t/{tid}/agents", "#agents-table")
    await page.click(f"#agent-edit-{user}")
    form = f"#agent-{user}"
    await wait(page, form)
    await page.fill(f"{form}-name", "王芳")
    await page.select_option(f"{form}-extension", "1002")
    await page.select_option(f"{form}-device", "mobile")
    # A mobile agent without a number is refused, in Chinese, and nothing changes.
    await page.click(f"{form}-submit")
    await wait(page, f"{form}-mobile_number[aria-invalid=true]")
    said = await page.text_content(f"{form}-error") or ""
    assert "未保存" in said, said
    _, agents = await admin.call("GET", f"{base}/agents", expect=200)
    assert (agents[0]["extension"], agents[0]["name"], agents[0]["device"]) == (
        "1001",
        "Li",
        "browser",
    )

    await page.fill(f"{form}-mobile_number", "+86 138 0013 8000")
    await shoot(page, "agent-edit")
    await page.click(f"{form}-submit")
    await wait(page, "#agents-table td[data-col=name]:has-text('王芳')")
    _, agents = await admin.call("GET", f"{base}/agents", expect=200)
    (a,) = agents
    assert (a["name"], a["extension"], a["device"], a["mobile_number"]) == (
        "王芳",
        "1002",
        "mobile",
        "13800138000",
    ), a
    _, seats = await admin.call("GET", f"{base}/seats", expect=200)
    forward = {s["extension"]: s["forward_to"] for s in seats}
    assert forward == {"1001": None, "1002": "13800138000"}, forward
    # Bad input through the API names its field and changes nothing.
    for bad, field in (
        ({"name": "王\x85芳", "extension": "1002"}, "name"),
        ({"name": "x", "extension": "1999"}, "extension"),
    ):
        status, body = await admin.call("PUT", f"{base}/agents/{user}", bad)
        assert status in (400, 404) and body["details"]["field"] == field, body
    _, again = await admin.call("GET", f"{base}/agents", expect=200)
    assert again == agents

    await page.click(f"#agent-delete-{user}")
    await wait(page, "main >> text=还没有坐席用户")
    assert "王芳" in page.dialogs[-1]
    _, agents = await admin.call("GET", f"{base}/agents", expect=200)
    assert agents == []
    assert await missing_words(page) == []


async def test_prompts_and_mailboxes_are_named_in_chinese_next_to_their_ids(
    api: ApiClient, browser: Any, uid: str, tmp_path: Any
) -> None:
    _, admin, tid, _ = await provision(api, uid, "pn")
    base = f"/api/v1/tenants/{tid}"
    page = await open_tab(browser, f"http://127.0.0.1:{api.client.port}")
    await sign_in(page, f"{tid}-adm", PASSWORD)
    await open_page(page, f"/t/{tid}/ivrs", "#prompt-submit")
    wav = tmp_path / "welcome.wav"
    wav.write_bytes(wav_bytes())
    await page.fill("#prompt-display_name", "欢迎语")
    await page.fill("#prompt-name", "welcome")
    await page.set_input_files("#prompt-file", str(wav))
    await page.click("#prompt-submit")
    await wait(page, "#prompts-table tr[data-key=welcome]")
    _, prompts = await admin.call("GET", f"{base}/prompts", expect=200)
    assert [(p["name"], p["display_name"]) for p in prompts] == [("welcome", "欢迎语")]
    assert await page.input_value("#prompt-name-welcome-display_name") == "欢迎语"
    # The IVR editor offers it by its display name.
    label = await page.get_attribute("#dl-prompt option[value='tenant/welcome']", "label")
    assert label == "欢迎语"

    # Renamed in place; the id the IVRs use stays.
    await page.fill("#prompt-name-welcome-display_name", "欢迎词")
    await page.click("#prompt-name-welcome-submit")
    await wait(page, "#prompt-name-welcome-notice:not(:empty)")
    _, prompts = await admin.call("GET", f"{base}/prompts", expect=200)
    assert prompts[0]["display_name"] == "欢迎词" and prompts[0]["ref"] == "tenant/welcome"

    # A prompt typed as text, named only in Chinese: spoken by the host, given an id.
    await page.fill("#prompt-display_name", "下班提示")
    await page.fill("#prompt-text", "您好。我们已经下班")
    await page.click("#prompt-submit")
    await wait(page, "#prompt-notice:has-text('下班提示')")
    _, prompts = await admin.call("GET", f"{base}/prompts", expect=200)
    spoken = [p for p in prompts if p["display_name"] == "下班提示"]
    assert spoken and spoken[0]["name"].startswith("prompt_") and spoken[0]["seconds"] > 0.5
    await shoot(page, "prompts")
    assert await missing_words(page) == []

    # One line only: C0 and C1 control characters are refused with the field named.
    for value in ("欢迎\n语", "欢迎\x85语", "\x07"):
        status, body = await admin.call(
            "PUT", f"{base}/prompts/welcome/display_name", {"display_name": value}
        )
        assert status == 400 and body["details"]["field"] == "display_name", (value, body)
    resp = await admin.client.put(
        f"{base}/prompts/other?display_name=%C2%85",
        data=wav_bytes(),
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert resp.status == 400 and (await resp.json())["details"]["field"] == "display_name"
    _, prompts = await admin.call("GET", f"{base}/prompts", expect=200)
    assert {p["name"] for p in prompts} == {"welcome", spoken[0]["name"]}
    assert prompts[[p["name"] for p in prompts].index("welcome")]["display_name"] == "欢迎词"

    await admin.call("POST", f"{base}/mailboxes", {"mailbox": "100", "name": "前台"}, expect=201)
    for value in ("前台\x85", "前台\t留言", "前台\u009f"):
        status, body = await admin.call("PUT", f"{base}/mailboxes/100", {"name": value})
        assert status == 400 and body["details"]["field"] == "name", (value, body)
        status, body = await admin.call(
            "POST", f"{base}/mailboxes", {"mailbox": "101", "name": value}
        )
        assert status == 400 and body["details"]["field"] == "name", (value, body)
    _, boxes = await admin.call("GET", f"{base}/mailboxes", expect=200)
    assert [(b["mailbox"], b["name"]) for b in boxes] == [("100", "前台")]
    await open_page(page, f"/t/{tid}/ivrs", "#prompt-submit")
    label = await page.get_attribute("#dl-voicemail option[value='100']", "label")
    assert label == "前台"


async def test_the_tenant_admin_chooses_what_language_callers_hear(
    api: ApiClient, browser: Any, uid: str, db: Any
) -> None:
    _, admin, tid, number = await provision(api, uid, "lg")
    base = f"/api/v1/tenants/{tid}"
    await admin.call("POST", f"{base}/queues", {"name": "sales", "extension": "600"}, expect=201)
    await admin.call(
        "PUT", f"{base}/numbers/{number}/route", {"type": "queue", "target": "sales"}, expect=200
    )
    assert await db.fetchval("SELECT language FROM cc_dids WHERE number = $1", number) == "zh"

    page = await open_tab(browser, f"http://127.0.0.1:{api.client.port}")
    await sign_in(page, f"{tid}-adm", PASSWORD)
    await open_page(page, f"/t/{tid}/overview", "#caller-language")
    assert await page.input_value("#caller-language-language") == "zh"
    await page.select_option("#caller-language-language", "en")
    await page.click("#caller-language-submit")
    await wait(page, "#caller-language-notice:has-text('英语')")
    _, tenant = await admin.call("GET", base, expect=200)
    assert tenant["language"] == "en"
    # What the dialplan reads at the next call: the number has no language of its own.
    assert await db.fetchval("SELECT language FROM cc_dids WHERE number = $1", number) == "en"
    await open_page(page, f"/t/{tid}/overview", "#caller-language")
    assert await page.input_value("#caller-language-language") == "en"
    await shoot(page, "caller-language")
    assert await missing_words(page) == []

    status, body = await admin.call("PUT", f"{base}/language", {"language": "fr"})
    assert status == 400 and body["details"]["field"] == "language", body
    assert await db.fetchval("SELECT language FROM tenants WHERE id = $1", tid) == "en"


async def test_the_wallboard_says_in_chinese_when_its_figures_cannot_be_fetched(
    api: ApiClient, browser: Any, uid: str
) -> None:
    _, admin, tid, _ = await provision(api, uid, "wf")
    await admin.call(
        "POST", f"/api/v1/tenants/{tid}/queues", {"name": "sales", "extension": "600"}, expect=201
    )
    base = f"http://127.0.0.1:{api.client.port}"
    board = await open_tab(browser, base, "zh-CN")
    failing = {"on": True}

    async def wallboard(route: Any) -> None:
        if failing["on"]:
            await route.fulfill(
                status=503,
                content_type="application/json",
                body='{"error": "unavailable", "message": "Asterisk is not connected",'
                ' "details": {}}',
            )
        else:
            await route.continue_()

    await board.route("**/api/v1/tenants/*/wallboard", wallboard)
    await board.goto(f"{base}/wallboard")
    await board.fill("#login [name=username]", f"{tid}-adm")
    await board.fill("#login [name=password]", PASSWORD)
    await board.click("#login button")
    await wait(board, "#board-error:not([hidden])")
    said = await board.text_content("#board-error") or ""
    assert "大屏数据获取失败" in said and "服务暂时不可用" in said, said
    assert await board.get_attribute("#board-error", "role") == "alert"
    await shoot(board, "wallboard-failed")
    assert await missing_words(board) == []
    assert await serious_violations(board) == []


async def test_a_closed_tenant_refuses_sign_ins_and_changes_and_keeps_its_billing(
    api: ApiClient, browser: Any, uid: str, db: Any
) -> None:
    op, admin, tid, number = await provision(api, uid, "cz")
    base = f"/api/v1/tenants/{tid}"
    await admin.call("POST", f"{base}/seats", {"extension": "1001"}, expect=201)
    await db.execute(
        "INSERT INTO cdr (tenantid, linkedid, uniqueid, sequence, start, duration, billsec,"
        " disposition, did, direction) VALUES ($1, 'c1', 'c1', 0, now(), 30, 25, 'ANSWERED',"
        " $2, 'inbound')",
        tid,
        number,
    )
    # A suspended tenant can be closed too.
    await op.call("PUT", f"{base}/status", {"status": "suspended"}, expect=200)
    page = await open_tab(browser, f"http://127.0.0.1:{api.client.port}")
    await sign_in(page, *OPERATOR)
    await open_page(page, "/op/tenants", "#tenants-table")
    page.answers.append(tid)
    await page.click(f"#close-{tid}")
    await wait(page, f"#tenants-table tr[data-key='{tid}'] .badge.bad:has-text('关闭')")
    assert "不能恢复" in page.dialogs[-1]
    # No suspend/reactivate on a closed tenant: it is not lifted.
    assert await page.query_selector(f"#status-{tid}") is None
    await shoot(page, "tenant-closed")
    assert await missing_words(page) == []

    _, tenant = await op.call("GET", base, expect=200)
    assert tenant["status"] == "closed" and tenant["closed_at"]
    _, numbers = await op.call("GET", "/api/v1/numbers", expect=200)
    assert [n["tenant_id"] for n in numbers if n["number"] == number] == [None]
    assert await db.fetchval("SELECT count(*) FROM cc_dids WHERE tenant_id = $1", tid) == 0
    # Its users: no sign-in, and a token from before no longer works.
    status, body = await api.call(
        "POST", "/api/v1/auth/token", {"username": f"{tid}-adm", "password": PASSWORD}
    )
    assert status == 403 and body["error"] == "tenant-closed", body
    status, body = await admin.call("GET", f"{base}/seats")
    assert status == 403 and body["error"] == "tenant-closed", body
    # Not reopened, not closed twice, nothing changed on it.
    for method, path, payload in (
        ("PUT", f"{base}/status", {"status": "active"}),
        ("POST", f"{base}/close", None),
        ("PUT", f"{base}/limits", {"max_calls": 5}),
    ):
        status, body = await op.call(method, path, payload)
        assert status == 403 and body["error"] == "tenant-closed", (path, body)
    _, tenant = await op.call("GET", base, expect=200)
    assert tenant["status"] == "closed" and tenant["limits"]["max_calls"] != 5
    # Billing history stays: the operator still reads its calls; its seat's billing interval
    # ends at the closure (it is kept, not deleted).
    _, cdrs = await op.call("GET", f"{base}/cdrs", expect=200)
    assert [c["linkedid"] for c in cdrs] == ["c1"], cdrs
    seat = await db.fetch("SELECT removed_at FROM billing_seat_history WHERE tenant_id = $1", tid)
    assert len(seat) == 1 and seat[0]["removed_at"] is not None, seat

    # The sign-in page says why, in Chinese.
    other = await open_tab(browser, f"http://127.0.0.1:{api.client.port}")
    await other.goto(f"{other.base}/console")
    await other.fill("#login-username", f"{tid}-adm")
    await other.fill("#login-password", PASSWORD)
    await other.click("#login-submit")
    await wait(other, "#login-error:has-text('该租户已关闭')")


async def test_the_three_pages_use_a_cjk_font_stack(api: ApiClient, browser: Any) -> None:
    base = f"http://127.0.0.1:{api.client.port}"
    page = await open_tab(browser, base, "zh-CN")
    for path, ready in (
        ("/console", "#login-username"),
        ("/agent", "body"),
        ("/wallboard", "#login"),
    ):
        await page.goto(f"{base}{path}")
        await wait(page, ready)
        stack = await page.evaluate("getComputedStyle(document.body).fontFamily")
        for face in ("PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC"):
            assert face in stack, (path, stack)
        # The form controls inherit it (browsers give them their own font otherwise).
        control = await page.evaluate(
            "(() => { const el = document.querySelector('input, button');"
            " return el ? getComputedStyle(el).fontFamily : ''; })()"
        )
        assert "Noto Sans CJK SC" in control, (path, control)


async def test_contacts_and_prompts_are_edited_and_deleted_in_the_console(
    api: ApiClient, browser: Any, uid: str
) -> None:
    _, admin, tid, _ = await provision(api, uid, "cp")
    base = f"/api/v1/tenants/{tid}"
    _, contact = await admin.call(
        "POST",
        f"{base}/contacts",
        {"phone": "13800138001", "name": "韩梅梅", "company": "华南贸易", "notes": "老客户"},
        expect=201,
    )
    cid = contact["id"]
    page = await open_tab(browser, f"http://127.0.0.1:{api.client.port}")
    await sign_in(page, f"{tid}-adm", PASSWORD)
    await open_page(page, f"/t/{tid}/agents", "#contacts-table")
    await page.click(f"#contact-edit-{cid}")
    await wait(page, f"#contact-{cid}")
    # Every field is in the form, so saving one change keeps the others.
    await page.fill(f"#contact-{cid}-phone", "+86 138 0013 8002")
    await page.click(f"#contact-{cid}-submit")
    await wait(page, "#contacts-table td:has-text('13800138002')")
    _, contacts = await admin.call("GET", f"{base}/contacts", expect=200)
    (c,) = contacts
    assert (c["phone"], c["name"], c["company"], c["notes"]) == (
        "13800138002",
        "韩梅梅",
        "华南贸易",
        "老客户",
    )
    await page.click(f"#contact-delete-{cid}")
    await wait(page, "main >> text=还没有联系人")
    assert "韩梅梅" in page.dialogs[-1]
    _, contacts = await admin.call("GET", f"{base}/contacts", expect=200)
    assert contacts == []

    # A prompt an IVR plays is refused with the IVR named; an unused one goes after a
    # confirmation.
    for name in ("welcome", "spare"):
        resp = await admin.client.put(
            f"{base}/prompts/{name}",
            data=wav_bytes(),
            headers={"Authorization": f"Bearer {admin.token}"},
        )
        assert resp.status == 200, await resp.text()
    menu = {"prompt": "tenant/welcome", "options": {"1": {"kind": "hangup", "target": ""}}}
    await admin.call(
        "PUT",
        f"{base}/ivrs/main",
        {"display_name": "主菜单", "entry": "main", "menus": {"main": menu}},
        expect=200,
    )
    await open_page(page, f"/t/{tid}/ivrs", "#prompts-table")
    await page.click("#prompt-delete-welcome")
    await wait(page, "#prompt-delete-welcome-refused")
    refusal = await page.text_content("#prompt-delete-welcome-refused") or ""
    assert "仍在使用中" in refusal and "main" in refusal, refusal
    await page.click("#prompt-delete-spare")
    await page.wait_for_selector("#prompt-delete-spare", state="detached")
    _, prompts = await admin.call("GET", f"{base}/prompts", expect=200)
    assert [p["name"] for p in prompts] == ["welcome"]
    assert await missing_words(page) == []


async def test_a_new_ivr_or_schedule_never_replaces_one_of_the_same_id(
    api: ApiClient, browser: Any, uid: str
) -> None:
    _, admin, tid, _ = await provision(api, uid, "nr")
    base = f"/api/v1/tenants/{tid}"
    menu = {"prompt": "silence/1", "options": {"1": {"kind": "hangup", "target": ""}}}
    main = {"display_name": "主菜单", "entry": "main", "menus": {"main": menu}}
    await admin.call("PUT", f"{base}/ivrs/main", main, expect=200)
    page = await open_tab(browser, f"http://127.0.0.1:{api.client.port}")
    await sign_in(page, f"{tid}-adm", PASSWORD)
    await open_page(page, f"/t/{tid}/ivrs", "#ivrs-table")
    # A second IVR named only in Chinese gets an id of its own.
    await page.click("#ivr-new")
    await wait(page, "#ivr-display_name")
    assert await page.input_value("#ivr-name") == ""
    await page.fill("#ivr-display_name", "售后导航")
    await page.fill("#ivr-m0-menus-main-prompt", "silence/1")
    await page.select_option("#ivr-m0-k0-menus-main-options-1-kind", "hangup")
    await page.click("#ivr-submit")
    await wait(page, "#ivr-notice:has-text('售后导航')")
    _, ivrs = await admin.call("GET", f"{base}/ivrs", expect=200)
    names = {i["name"]: i.get("display_name") for i in ivrs}
    assert names.pop("main") == "主菜单", names
    ((made, shown),) = names.items()
    assert made.startswith("ivr_") and shown == "售后导航", names
    # Typing an id in use for a new one is refused, in Chinese, and the old one is kept.
    await page.click("#ivr-new")
    await wait(page, "#ivr-display_name")
    await page.fill("#ivr-name", "main")
    await page.fill("#ivr-m0-menus-main-prompt", "silence/2")
    await page.select_option("#ivr-m0-k0-menus-main-options-1-kind", "hangup")
    await page.click("#ivr-submit")
    await wait(page, "#ivr-name[aria-invalid=true]")
    assert "已存在" in (await page.text_content("#ivr-name-error") or "")
    _, kept = await admin.call("GET", f"{base}/ivrs/main", expect=200)
    assert kept["menus"]["main"]["prompt"] == "silence/1"

    hours = {
        "timezone": "Asia/Shanghai",
        "weekly": [{"weekday": 0, "start": "09:00", "end": "18:00"}],
        "closed_destination": {"kind": "hangup", "target": ""},
    }
    await admin.call("PUT", f"{base}/schedules/office", hours, expect=200)
    await open_page(page, f"/t/{tid}/schedules", "#schedule-submit")
    await page.fill("#schedule-name", "office")
    await page.click("#schedule-submit")
    await wait(page, "#schedule-name[aria-invalid=true]")
    _, office = await admin.call("GET", f"{base}/schedules/office", expect=200)
    assert office["weekly"] == hours["weekly"]
    # Named only in Chinese: saved under an id made up for it, and left open in the editor.
    await page.fill("#schedule-name", "")
    await page.fill("#schedule-display_name", "周末值班")
    await page.click("#schedule-submit")
    await wait(page, "#schedule-notice:has-text('周末值班')")
    _, schedules = await admin.call("GET", f"{base}/schedules", expect=200)
    made = {s["name"]: s.get("display_name") for s in schedules}
    assert made.pop("office") is None and len(made) == 1, made
    ((made_id, shown),) = made.items()
    assert made_id.startswith("hours_") and shown == "周末值班", made
    assert await page.input_value("#schedule-display_name") == "周末值班"
    assert await missing_words(page) == []
