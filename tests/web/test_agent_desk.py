"""The agent console's desk in headless Chromium, without Asterisk (AMI events are fed to the
workspace as the AMI reader would): nothing works while signed out and signing out ends it; an
incoming call rings and notifies; an old caller does not pop up after signing in again; the
page fits a 390 px phone and every control has a name (axe-core); a "mobile" device is never
saved without a number. Screenshots in zh-CN at 1366 and 390 px under ``artifacts/agent/``.
"""

from __future__ import annotations

import asyncio
import string
import subprocess
import time
from pathlib import Path
from typing import Any

from callcenter.workspace.lifecycle import WORKSPACE

from support import OPERATOR, ApiClient, browser_api, wait_for

playwright_api = browser_api()

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "zh"
LAPTOP = {"width": 1366, "height": 860}
PHONE = {"width": 390, "height": 844}

# The page's own Notification is replaced by a recorder with permission granted.
NOTIFICATIONS = """
window.__notes = [];
window.Notification = class {
  constructor(title, opts) { window.__notes.push({ title, body: (opts || {}).body }); }
  close() {}
  static requestPermission() { return Promise.resolve("granted"); }
};
window.Notification.permission = "granted";
"""


def axe_path() -> Path:
    """axe-core's browser file, installed from npm by deploy/axe.sh."""
    subprocess.run(["bash", str(ROOT / "deploy" / "axe.sh")], capture_output=True, check=True)
    return ROOT / "tests" / "vendor" / "axe.min.js"


async def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> Any:
    """axe-core's violations of at least serious impact on the page as it is now."""
    await page.add_script_tag(path=str(axe_path()))
    result = await page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]


async def unlabelled(page: Any) -> list[str]:
    """Form controls without an accessible name (axe's label rules, every impact)."""
    await page.add_script_tag(path=str(axe_path()))
    result = await page.evaluate(
        "axe.run(document, {runOnly: ['label', 'select-name', 'button-name'],"
        " resultTypes: ['violations']})"
    )
    return [str(n["target"]) for v in result["violations"] for n in v["nodes"]]


def tenant_id(uid: str) -> str:
    return "d" + "".join(c for c in uid if c in string.ascii_lowercase + string.digits)


async def agent_tenant(api: ApiClient, uid: str) -> str:
    op = await api.login(*OPERATOR)
    tid = tenant_id(uid)
    admin_user = {"username": f"adm-{tid}", "password": "secret-pass"}
    await op.call("POST", "/api/v1/tenants", {"id": tid, "name": tid, "admin": admin_user})
    admin = await api.login(f"adm-{tid}", "secret-pass")
    await admin.call("POST", f"/api/v1/tenants/{tid}/seats", {"extension": "1001"}, expect=201)
    queue = {"name": "support", "extension": "600", "members": [{"extension": "1001"}]}
    await admin.call("POST", f"/api/v1/tenants/{tid}/queues", queue, expect=201)
    agent = {"username": f"agent-{tid}", "password": "agent-password", "extension": "1001"}
    await admin.call("POST", f"/api/v1/tenants/{tid}/agents", {**agent, "name": "李雷"}, expect=201)
    # The SIP app: no softphone registration to wait for in a test without Asterisk.
    agent_api = await api.login(f"agent-{tid}", "agent-password")
    await agent_api.call("PUT", "/api/v1/agent/device", {"device": "sip"}, expect=200)
    return tid


def agent_called(tid: str, linkedid: str, number: str) -> dict[str, str]:
    return {
        "Event": "AgentCalled",
        "Queue": f"{tid}-support",
        "MemberName": f"{tid}-1001",
        "Interface": f"PJSIP/{tid}-1001",
        "DestChannel": f"PJSIP/{tid}-1001-0000000{linkedid[-1]}",
        "CallerIDNum": number,
        "CallerIDName": "",
        "Linkedid": linkedid,
        "Uniqueid": linkedid,
        "ChanVariable": f"CC_DID=4008001234\nCC_IVR_KEYS=2\nCC_ENTERED={time.time() - 4}",
    }


async def sign_in(page: Any, tid: str) -> None:
    await page.fill("#username", f"agent-{tid}")
    await page.fill("#password", "agent-password")
    await page.click("#signin-button")
    await page.wait_for_selector("#desk", state="visible")


async def test_the_desk_needs_a_signed_in_agent_rings_and_forgets_old_callers(
    api: ApiClient, browser: Any, uid: str
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tid = await agent_tenant(api, uid)
    workspace = api.client.app[WORKSPACE]
    base = f"http://127.0.0.1:{api.client.port}"
    context = await browser.new_context(viewport=LAPTOP, locale="zh-CN")
    await context.add_init_script(NOTIFICATIONS)
    page = await context.new_page()
    try:
        await page.goto(f"{base}/agent")
        # Signed out: no desk, none of its buttons.
        for selector in ("#desk", "#login", "#answer", "#dial-number", "#signout"):
            assert not await page.is_visible(selector), selector
        await sign_in(page, tid)
        assert await page.text_content("#signout") == "退出登录"
        await page.click("#login")
        await page.wait_for_selector("#presence[data-presence='available']")

        # A call rings: the tone plays and the browser notifies, until the call stops.
        workspace.on_raw(agent_called(tid, "1700000000.1", "13912345678"))
        await page.wait_for_selector("#presence[data-presence='ringing']")
        assert await page.evaluate("cc.ringing") is True
        notes = await page.evaluate("window.__notes")
        assert len(notes) == 1 and "13912345678" in notes[0]["title"], notes
        await page.screenshot(path=str(ARTIFACTS / "agent-ringing-1366.png"), full_page=True)
        workspace.on_raw(
            {
                "Event": "AgentRingNoAnswer",
                "Queue": f"{tid}-support",
                "MemberName": f"{tid}-1001",
                "Linkedid": "1700000000.1",
                "Uniqueid": "1700000000.1",
                "DestChannel": f"PJSIP/{tid}-1001-00000001",
            }
        )
        workspace.on_raw(
            {"Event": "QueueCallerAbandon", "Queue": f"{tid}-support", "Linkedid": "1700000000.1"}
        )
        await page.wait_for_selector("#presence[data-presence='available']")
        assert await page.evaluate("cc.ringing") is False

        # Signing out: out of the queues, back to the sign-in form, the desk gone.
        await page.click("#signout")
        await page.wait_for_selector("#signin-form", state="visible")
        assert not await page.is_visible("#desk")
        assert await page.evaluate("sessionStorage.getItem('cc.token')") is None
        state = workspace.state_of(f"{tid}-1001")
        assert not state.logged_in, "signing out logs the agent out of the queues"

        # Signing in again: the earlier caller does not pop up again.
        await sign_in(page, tid)
        await page.wait_for_selector("#presence[data-presence='logged_out']")
        await page.wait_for_timeout(300)
        assert not await page.is_visible("#pop")
        assert await page.text_content("#pop-number") in ("", None)

        # A session revoked on the server signs the page out at its next request.
        await page.evaluate(
            "sessionStorage.setItem('cc.token', 'x.' + btoa('{\"exp\":9999999999}') + '.y')"
        )
        await page.click("#login")
        await page.wait_for_selector("#signin-form", state="visible")
        assert not await page.is_visible("#desk")
        assert "重新登录" in (await page.text_content("#signin-error") or "")
        assert await page.evaluate("[...window.ccI18n.missing]") == []
    finally:
        await context.close()


async def test_the_desk_fits_a_phone_names_every_control_and_wants_a_mobile_number(
    api: ApiClient, browser: Any, uid: str
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tid = await agent_tenant(api, uid)
    base = f"http://127.0.0.1:{api.client.port}"
    # bypass_csp: axe-core is injected by the test (the page allows only its own scripts).
    context = await browser.new_context(
        viewport=PHONE, locale="zh-CN", is_mobile=True, bypass_csp=True
    )
    page = await context.new_page()
    try:
        await page.goto(f"{base}/agent")
        await page.screenshot(path=str(ARTIFACTS / "agent-signin-390.png"), full_page=True)
        await sign_in(page, tid)
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page is {width} px wide on a 390 px phone"
        assert await unlabelled(page) == []
        assert await axe_violations(page) == []
        await page.screenshot(path=str(ARTIFACTS / "agent-desk-390.png"), full_page=True)

        # "Mobile" without a number: refused in the page, nothing saved, the choice reverts.
        await page.fill("#mobile-number", "")
        await page.select_option("#device", "mobile")
        await page.wait_for_selector("#device-error:not(:empty)")
        assert await page.input_value("#device") == "sip"
        agent = await api.login(f"agent-{tid}", "agent-password")
        _, me = await agent.call("GET", "/api/v1/agent/me", expect=200)
        assert me["device"] == "sip" and not me["mobile_number"]
        # With a number it is saved.
        await page.fill("#mobile-number", "13900139000")
        await page.select_option("#device", "mobile")
        await wait_for(lambda: _device(agent, "mobile"), timeout=5)
        assert await page.text_content("#device-error") == ""
    finally:
        await context.close()
    context = await browser.new_context(viewport=LAPTOP, locale="zh-CN", bypass_csp=True)
    page = await context.new_page()
    try:
        await page.goto(f"{base}/agent")
        await sign_in(page, tid)
        assert await axe_violations(page) == []
        await page.screenshot(path=str(ARTIFACTS / "agent-desk-1366.png"), full_page=True)
    finally:
        await context.close()


async def _device(agent: ApiClient, device: str) -> bool:
    _, me = await agent.call("GET", "/api/v1/agent/me")
    return bool(me["device"] == device)


async def test_an_agent_finds_edits_exports_and_imports_contacts_and_sees_their_calls(
    api: ApiClient, browser: Any, uid: str, db: Any, tmp_path: Path
) -> None:
    tid = await agent_tenant(api, uid)
    agent = await api.login(f"agent-{tid}", "agent-password")
    base_api = f"/api/v1/tenants/{tid}/contacts"
    _, han = await agent.call(
        "POST", base_api, {"phone": "13800138000", "name": "韩梅梅", "company": "梅梅茶业"}
    )
    linkedid = f"1701{uid[:6]}.1"
    await db.execute(
        'INSERT INTO cdr (start, answer, "end", src, dst, channel, dstchannel, disposition,'
        " billsec, uniqueid, linkedid, tenantid, did, direction, queue)"
        " VALUES (now(), now(), now(), '13800138000', '600', 'PJSIP/carrier-1', $1, 'ANSWERED',"
        " 95, $2, $2, $3, '4008001234', 'inbound', $4)",
        f"PJSIP/{tid}-1001-00000001",
        linkedid,
        tid,
        f"{tid}-support",
    )
    await db.execute(
        "INSERT INTO call_notes (tenant_id, linkedid, agent_extension, note, disposition)"
        " VALUES ($1, $2, '1001', '想了解新茶', 'sale')",
        tid,
        linkedid,
    )
    context = await browser.new_context(viewport=LAPTOP, locale="zh-CN", accept_downloads=True)
    page = await context.new_page()
    try:
        await page.goto(f"http://127.0.0.1:{api.client.port}/agent")
        await sign_in(page, tid)
        await page.fill("#contact-q", "梅梅")
        await page.click("#contact-search button")
        await page.click(".contact-hit")
        await page.wait_for_selector("#contact-edit", state="visible")
        assert await page.input_value("#ce-company") == "梅梅茶业"
        row = await page.text_content("#contact-calls tbody tr")
        assert row is not None and "想了解新茶" in row and "1分35秒" in row, row
        await page.fill("#ce-email", "han@example.cn")
        await page.click("#contact-edit button[type=submit]")
        await page.wait_for_selector("#ce-status:text('已保存')")
        _, saved = await agent.call("GET", f"{base_api}?phone=13800138000")
        assert saved["email"] == "han@example.cn"
        await page.screenshot(path=str(ARTIFACTS / "agent-contacts-1366.png"), full_page=True)

        async with page.expect_download() as info:
            await page.click("#contacts-export")
        download = await info.value
        exported = (await asyncio.to_thread(Path(await download.path()).read_bytes)).decode(
            "utf-8-sig"
        )
        assert "13800138000,韩梅梅,梅梅茶业,han@example.cn" in exported

        sheet = tmp_path / "contacts.csv"
        sheet.write_text("phone,name\n+86 139 0000 1111,王芳\n", encoding="utf-8")
        await page.set_input_files("#contacts-import", str(sheet))
        await page.wait_for_selector("#contacts-status:text('新增 1 位')")
        bad = tmp_path / "bad.csv"
        bad.write_text("phone,name\n13600000000,\n", encoding="utf-8")
        await page.set_input_files("#contacts-import", str(bad))
        await page.wait_for_selector("#contacts-status:text('第 2 行')")
        assert await page.evaluate("[...window.ccI18n.missing]") == []
        await page.set_viewport_size(PHONE)
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], width
        await page.screenshot(path=str(ARTIFACTS / "agent-contacts-390.png"), full_page=True)
    finally:
        await context.close()
    assert han["id"]
