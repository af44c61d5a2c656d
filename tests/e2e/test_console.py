"""Console acceptance in headless Chromium (Debian's, driven by Playwright from PyPI).

An operator opens a tenant and assigns a 400 number in the console; the tenant's admin adds
two seats, a queue with both as members, office hours and a two-level IVR to the queue, an
agent user and a contact, and routes the number, all in the console; the carrier calls the
number and presses 1 then 2; the agent answers in the agent workspace's browser softphone
(JsSIP); the admin sees the call on the wallboard page and in today's report page. Every
form's refusals appear next to the field the server names. A tenant admin who changes ids in
the URL sees nothing of another tenant. Each page is saved as a screenshot at laptop and phone
width under ``artifacts/console/``. A tenant the operator suspends in the console answers
with an announcement and its phones cannot call out, until it is reactivated.
"""

from __future__ import annotations

import asyncio
import io
import wave
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from e2e.test_routing import (
    calling,
    dialling,
    mobile_calls,
    open_tenant,
    queue_of_caller,
    reaching,
)

from callcenter import keys
from callcenter.devstack.phones import Account

from stack import PLATFORM_SIP, Stack, running
from support import OPERATOR, ApiClient, browser_api, wait_for

pytestmark = pytest.mark.e2e

playwright_api = browser_api()

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "console"
LAPTOP = {"width": 1366, "height": 860}
PHONE = {"width": 390, "height": 844}
REGISTRAR = f"127.0.0.1:{PLATFORM_SIP}"
NUMBER = "4008200070"
CALLER = "13800000701"


def silence_wav(seconds: float = 0.5) -> bytes:
    """A valid 8 kHz mono 16-bit WAV of silence."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x00" * int(8000 * seconds))
    return out.getvalue()


class Console:
    """One signed-in browser tab on the console."""

    def __init__(self, page: Any, base: str) -> None:
        self.page = page
        self.base = base
        page.on("dialog", lambda dialog: dialog.accept())

    async def sign_in(self, username: str, password: str) -> None:
        await self.page.goto(f"{self.base}/console")
        await self.page.fill("#login-username", username)
        await self.page.fill("#login-password", password)
        await self.page.click("#login-submit")
        await self.page.wait_for_selector("#whoami:not(:empty)")

    async def open(self, fragment: str, ready: str) -> None:
        url = f"{self.base}/console#{fragment}"
        if self.page.url == url:
            await self.page.reload()  # the same URL would only scroll to the fragment
        else:
            await self.page.goto(url)
        await self.wait(ready)
        await self.page.wait_for_function("!document.querySelector('main[aria-busy]')")

    async def shoot(self, name: str) -> None:
        """Screenshots at laptop and phone width; at phone width nothing overflows sideways
        and every control has a label."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        await self.page.screenshot(path=str(ARTIFACTS / f"{name}-laptop.png"), full_page=True)
        await self.page.set_viewport_size(PHONE)
        try:
            await self.page.screenshot(path=str(ARTIFACTS / f"{name}-phone.png"), full_page=True)
            overflow = await self.page.evaluate(
                "document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 1, (name, overflow)
        finally:
            await self.page.set_viewport_size(LAPTOP)
        unlabelled = await self.page.evaluate(
            """[...document.querySelectorAll('input, select, textarea')]
                 .filter(e => e.type !== 'hidden' && !e.labels.length
                              && !e.getAttribute('aria-label'))
                 .map(e => e.id || e.name)"""
        )
        assert unlabelled == [], (name, unlabelled)

    async def wait(self, selector: str) -> None:
        """Wait for ``selector``; on a timeout keep a screenshot and the page's text."""
        try:
            await self.page.wait_for_selector(selector, timeout=15_000)
        except playwright_api.TimeoutError:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            await self.page.screenshot(path=str(ARTIFACTS / "FAILED.png"), full_page=True)
            text = await self.page.inner_text("main")
            raise AssertionError(f"{selector} not shown; page says: {text[:2000]}") from None

    async def error_of(self, selector: str) -> str:
        await self.wait(f"{selector}:not(:empty)")
        return str(await self.page.text_content(selector))

    async def notice(self, form: str) -> str:
        await self.wait(f"#{form}-notice:not(:empty)")
        return str(await self.page.text_content(f"#{form}-notice"))


async def test_operator_and_tenant_admin_set_up_a_hotline_in_the_console_and_see_the_call(
    stack: Stack, console_api: ApiClient, browser: Any, uid: str
) -> None:
    platform_api = console_api
    tenant, other = f"web{uid}", f"oth{uid}"
    base = f"http://127.0.0.1:{platform_api.client.port}"
    op_context = await browser.new_context(viewport=LAPTOP)
    opui = Console(await op_context.new_page(), base)
    context = await browser.new_context(viewport=LAPTOP)
    ui = Console(await context.new_page(), base)

    # ---- the operator: a refused tenant, then the tenant; a 400 number; the other pages.
    ui, admin_ui = opui, ui
    await ui.sign_in(*OPERATOR)
    await ui.open("/op/tenants", "#tenant-add")
    await ui.page.fill("#tenant-add-id", "Bad Id")
    await ui.page.fill("#tenant-add-name", "Web Co")
    await ui.page.fill("#tenant-add-admin-username", f"{tenant}-admin")
    await ui.page.fill("#tenant-add-admin-password", "admin-password")
    await ui.page.click("#tenant-add-submit")
    assert await ui.error_of("#tenant-add-id-error")
    assert await ui.page.get_attribute("#tenant-add-id", "aria-invalid") == "true"
    await ui.page.fill("#tenant-add-id", tenant)
    await ui.page.click("#tenant-add-submit")
    await ui.page.wait_for_selector(f"#tenants-table tr[data-key='{tenant}']")
    await ui.shoot("op-tenants")
    op = await platform_api.login(*OPERATOR)
    await op.call(
        "POST",
        "/api/v1/tenants",
        {
            "id": other,
            "name": "Other",
            "admin": {"username": f"{other}-a", "password": "pw-123456"},
        },
        expect=201,
    )

    # Suspend and reactivate the other tenant from the list.
    await ui.open("/op/tenants", f"#status-{other}")
    await ui.page.click(f"#status-{other}")
    await ui.wait(f"#tenants-table tr[data-key='{other}'] .badge:has-text('suspended')")
    _, body = await op.call("GET", f"/api/v1/tenants/{other}", expect=200)
    assert body["status"] == "suspended"
    await ui.page.click(f"#status-{other}")
    await ui.wait(f"#tenants-table tr[data-key='{other}'] .badge:has-text('active')")

    await ui.open("/op/numbers", "#number-assign")
    await ui.page.select_option("#number-assign-tenant", tenant)
    await ui.page.fill("#number-assign-number", "12345")
    await ui.page.click("#number-assign-submit")
    assert await ui.error_of("#number-assign-number-error")
    await ui.page.fill("#number-assign-number", "400-820-0070")
    await ui.page.click("#number-assign-submit")
    await ui.page.wait_for_selector(f"#numbers-table tr[data-key='{NUMBER}']")
    await ui.shoot("op-numbers")

    # An operator sets the tenant's limits on its overview page.
    await ui.open(f"/t/{tenant}/overview", "#limits")
    await ui.page.fill("#limits-max_calls", "-1")
    await ui.page.click("#limits-submit")
    assert await ui.error_of("#limits-max_calls-error")
    await ui.page.fill("#limits-max_calls", "50")
    await ui.page.fill("#limits-max_open_callbacks", "5")
    await ui.page.click("#limits-submit")
    assert "Saved" in await ui.notice("limits")
    await ui.shoot("op-tenant-limits")
    op_api = await platform_api.login(*OPERATOR)
    _, saved = await op_api.call("GET", f"/api/v1/tenants/{tenant}", expect=200)
    assert (saved["limits"]["max_calls"], saved["limits"]["max_open_callbacks"]) == (50, 5)

    await ui.open("/op/plans", "#plan")
    await ui.page.select_option("#plan-tenant", tenant)
    await ui.page.wait_for_selector(f"#plan-title:has-text('{tenant}')")
    await ui.page.fill("#plan-per_minute-price_per_minute", "0.1.2")
    await ui.page.click("#plan-submit")
    assert await ui.error_of("#plan-per_minute-price_per_minute-error")
    await ui.page.fill("#plan-per_minute-price_per_minute", "0.12")
    await ui.page.fill("#plan-per_seat-monthly_price", "99")
    await ui.page.click("#plan-submit")
    assert "Saved" in await ui.notice("plan")
    await ui.shoot("op-plans")
    await ui.open("/op/billing", "#run")
    await ui.page.fill("#run-period", "2026-13")
    await ui.page.click("#run-submit")
    assert await ui.error_of("#run-period-error")
    period = datetime.now(UTC).strftime("%Y-%m")
    await ui.page.fill("#run-period", period)
    await ui.page.click("#run-submit")
    await ui.wait(f"#run-result h2:has-text('{period}')")
    await ui.shoot("op-billing")
    await ui.open("/op/health", "#health-ami")
    assert "connected" in str(await ui.page.text_content("#health-ami"))
    assert "reachable" in str(await ui.page.text_content("#health-database"))
    await ui.shoot("op-health")

    # ---- the tenant admin, in another browser: seats, queue, hours, IVR, route.
    ui = admin_ui
    await ui.sign_in(f"{tenant}-admin", "admin-password")
    await ui.page.wait_for_selector("#page-title")
    await ui.shoot("tenant-overview")
    await ui.open(f"/t/{tenant}/seats", "#seat-add")
    await ui.page.fill("#seat-add-extension", "12")
    await ui.page.click("#seat-add-submit")
    assert await ui.error_of("#seat-add-extension-error")
    sip: dict[str, str] = {}
    for ext, name in (("1001", "Alice"), ("1002", "Bob")):
        await ui.page.fill("#seat-add-extension", ext)
        await ui.page.fill("#seat-add-name", name)
        await ui.page.click("#seat-add-submit")
        await ui.page.wait_for_selector(f"#sip-title:has-text('{ext}')")
        sip[ext] = str(await ui.page.text_content("#sip-password"))
        assert f"sip:{tenant}-{ext}@" in str(await ui.page.text_content("#sip-uri"))
        assert await ui.page.is_visible("#sip-qr"), "a QR code for a softphone app"
    await ui.page.wait_for_selector("#seats-table tr[data-key='1002']")
    await ui.page.fill("#fwd-1002-forward_to", "abc")
    await ui.page.click("#fwd-1002-submit")
    assert await ui.error_of("#fwd-1002-forward_to-error")
    first_password = sip["1002"]
    await ui.page.click("#reset-1002")
    await ui.wait(f"#sip-password:not(:has-text('{first_password}'))")
    await ui.shoot("tenant-seats")

    await ui.open(f"/t/{tenant}/queues", "#queue-add")
    await ui.page.fill("#queue-add-name", "support")
    await ui.page.fill("#queue-add-extension", "600")
    await ui.page.click("#queue-add-submit")
    await ui.wait("#members-support")
    await ui.page.check("#members-support-1001-member")
    await ui.page.check("#members-support-1002-member")
    await ui.page.click("#members-support-submit")
    assert "2 member" in await ui.notice("members-support")
    await ui.page.fill("#options-support-ring_timeout", "2")
    await ui.page.click("#options-support-submit")
    assert await ui.error_of("#options-support-ring_timeout-error")
    await ui.page.fill("#options-support-ring_timeout", "20")
    await ui.page.select_option("#options-support-overflow-empty-kind", "hangup")
    await ui.page.click("#options-support-submit")
    assert "Saved" in await ui.notice("options-support")
    await ui.shoot("tenant-queues")

    await ui.open(f"/t/{tenant}/schedules", "#schedule")
    await ui.page.fill("#schedule-name", "office")
    await ui.page.fill("#schedule-timezone", "Asia/Shanghai")
    for day in range(7):
        await ui.page.check(f"#schedule-d{day}-open")
        await ui.page.fill(f"#schedule-d{day}-start", "00:00")
        await ui.page.fill(f"#schedule-d{day}-end", "23:59")
    await ui.page.fill("#schedule-holidays", "2026-13-45")
    await ui.page.click("#schedule-submit")
    assert await ui.error_of("#schedule-holidays-error")
    await ui.page.fill("#schedule-holidays", "2027-02-06\n2027-10-01")
    await ui.page.click("#schedule-submit")
    assert "Saved office" in await ui.notice("schedule")
    await ui.page.wait_for_selector("#schedules-table td:has-text('2027-10-01')")
    await ui.shoot("tenant-schedules")

    await ui.open(f"/t/{tenant}/ivrs", "#ivr")
    page = ui.page
    # A prompt uploaded from the page (a refused one first), then offered to the menus.
    await page.fill("#prompt-name", "welcome")
    await page.set_input_files(
        "#prompt-file", {"name": "x.wav", "mimeType": "audio/wav", "buffer": b"not a wav"}
    )
    await page.click("#prompt-submit")
    assert await ui.error_of("#prompt-error")
    await page.set_input_files(
        "#prompt-file", {"name": "welcome.wav", "mimeType": "audio/wav", "buffer": silence_wav()}
    )
    await page.click("#prompt-submit")
    assert "tenant/welcome" in await ui.notice("prompt")
    assert await page.locator("#dl-prompt option[value='tenant/welcome']").count() == 1
    await page.fill("#ivr-m0-menus-main-prompt", "silence/1")
    await page.click("#ivr-submit")  # key 1 goes to a queue left blank: refused, named
    assert await ui.error_of("#ivr-m0-k0-menus-main-options-1-error")
    await page.select_option("#ivr-m0-k0-menus-main-options-1-kind", "submenu")
    await page.click("#ivr-add-menu")
    await page.fill("#ivr-m1-menus-menu2-name", "sales")
    await page.dispatch_event("#ivr-m1-menus-menu2-name", "change")
    await page.fill("#ivr-m0-k0-menus-main-options-1-target", "sales")
    await page.fill("#ivr-m1-menus-sales-prompt", "silence/1")
    await page.click("button[aria-label='Add a key to sales']")
    await page.select_option("#ivr-m1-k0-key", "2")
    await page.fill("#ivr-m1-k0-menus-sales-options-2-target", "support")
    await page.click("#ivr-submit")
    assert "Saved IVR main" in await ui.notice("ivr")
    admin = await platform_api.login(f"{tenant}-admin", "admin-password")
    _, ivr = await admin.call("GET", f"/api/v1/tenants/{tenant}/ivrs/main", expect=200)
    assert ivr["menus"]["main"]["options"] == {"1": {"kind": "submenu", "target": "sales"}}
    assert ivr["menus"]["sales"]["options"] == {"2": {"kind": "queue", "target": "support"}}
    await ui.shoot("tenant-ivrs")

    await ui.open(f"/t/{tenant}/numbers", f"#route-{NUMBER}")
    await page.select_option(f"#route-{NUMBER}-type", "ivr")
    await page.fill(f"#route-{NUMBER}-target", "nosuch")
    await page.click(f"#route-{NUMBER}-submit")
    assert await ui.error_of(f"#route-{NUMBER}-target-error")
    await page.fill(f"#route-{NUMBER}-target", "main")
    await page.select_option(f"#route-{NUMBER}-schedule", "office")
    await page.click(f"#route-{NUMBER}-submit")
    assert "Saved" in await ui.notice(f"route-{NUMBER}")
    await ui.shoot("tenant-numbers")
    for name, ready in (
        ("mailboxes", "#mailbox-add"),
        ("billing", f"#invoices-table tr[data-key='{period}']"),
    ):
        await ui.open(f"/t/{tenant}/{name}", ready)
        await ui.shoot(f"tenant-{name}")
    async with page.expect_download() as info:
        await page.click("#invoices-csv")
    invoices_csv = ARTIFACTS / "invoices.csv"
    await (await info.value).save_as(str(invoices_csv))
    # One row per invoice line; the run came before any seat, so only the header.
    assert invoices_csv.read_text().startswith("tenant_id,period,")

    # The agent user of seat 1001 (browser softphone) and a CRM contact for the caller.
    await ui.open(f"/t/{tenant}/agents", "#agent-add")
    await ui.page.fill("#agent-add-username", f"{tenant}-agent")
    await ui.page.fill("#agent-add-password", "short")
    await ui.page.select_option("#agent-add-extension", "1001")
    await ui.page.click("#agent-add-submit")
    assert await ui.error_of("#agent-add-password-error")
    await ui.page.fill("#agent-add-password", "agent-password")
    await ui.page.fill("#agent-add-name", "Alice")
    await ui.page.click("#agent-add-submit")
    await ui.wait(f"#agents-table tr[data-key='{tenant}-agent']")
    await ui.page.fill("#contact-add-phone", CALLER)
    await ui.page.fill("#contact-add-name", "Li Lei")
    await ui.page.fill("#contact-add-company", "Lei Tea")
    await ui.page.click("#contact-add-submit")
    await ui.wait(f"#contacts-table tr[data-key='{CALLER}']")
    await ui.shoot("tenant-agents")

    # ---- a tenant admin changing ids in the URL sees nothing of another tenant.
    for fragment in (f"/t/{other}/seats", f"/t/{other}/reports", "/op/tenants", "/op/numbers"):
        await ui.open(fragment, "#denied")
    await ui.shoot("tenant-denied")
    status = await page.evaluate(
        """async (url) => (await fetch(url, {headers: {Authorization: 'Bearer ' +
               sessionStorage.getItem('cc.token')}})).status""",
        f"/api/v1/tenants/{other}/seats",
    )
    assert status == 403
    assert await page.evaluate("document.cookie") == ""

    # ---- the carrier calls, presses 1 then 2, and the agent answers in the browser.
    agent_context = await browser.new_context(viewport=LAPTOP)
    agent = await agent_context.new_page()
    await agent.goto(f"{base}/agent")
    await agent.fill("#username", f"{tenant}-agent")
    await agent.fill("#password", "agent-password")
    await agent.click("#signin-button")
    await agent.wait_for_selector("#phone-status:text-is('registered')", timeout=15_000)
    await agent.click("#login")
    await agent.wait_for_selector("#presence[data-presence='available']")
    sync = platform_api.client.app[keys.SYNC]
    await wait_for(lambda: sync.state_of(f"{tenant}-1001") == "NOT_INUSE", timeout=15)
    try:
        async with calling(stack, NUMBER, CALLER, keys_="1ww2"):
            await agent.wait_for_selector("#presence[data-presence='ringing']", timeout=20_000)
            await agent.wait_for_selector("#contact-name:text('Li Lei')", timeout=5_000)
            await agent.click("#answer")
            await agent.wait_for_selector("#presence[data-presence='on_call']", timeout=10_000)
            assert await queue_of_caller(platform_api, CALLER) == f"{tenant}-support"
            await agent.screenshot(path=str(ARTIFACTS / "agent-on-call.png"), full_page=True)
            # The operator's health page counts it as the tenant's call.
            await opui.open("/op/health", "#health-calls")
            await opui.wait(f"#calls-table tr[data-key='{tenant}']")
            cells = await opui.page.eval_on_selector(
                f"#calls-table tr[data-key='{tenant}']",
                "r => Object.fromEntries([...r.cells].map(c => [c.dataset.label, c.textContent]))",
            )
            assert cells["Calls"] == "1" and int(cells["Channels"]) >= 2, cells
            await opui.shoot("op-health-call")
            await ui.open(f"/t/{tenant}/wallboard", "#wallboard [data-queue='support']")
            await ui.shoot("tenant-wallboard-call")
            await asyncio.sleep(1)
            await agent.click("#hangup")
            await agent.wait_for_selector("#presence:not([data-presence='on_call'])")
    finally:
        await agent_context.close()
    # The wallboard counts the answered call (it refreshes itself).
    await ui.page.wait_for_function(
        """document.querySelector("[data-queue='support'] [data-figure='answered_today']")
               ?.textContent === '1'""",
        timeout=15_000,
    )
    await ui.shoot("tenant-wallboard")
    # The full-screen wallboard (pushed over the live websocket) opens signed in.
    await ui.page.click("#wallboard-full")
    await ui.page.wait_for_url("**/wallboard")
    await ui.wait("tr[data-queue='support']")
    row = await ui.page.text_content("tr[data-queue='support']")
    assert row is not None and "support" in row
    await ui.page.screenshot(path=str(ARTIFACTS / "wallboard-full.png"), full_page=True)

    # ---- today's report page shows the answered call.
    await ui.open(f"/t/{tenant}/reports", "#report-queues-title")

    async def answered() -> bool:
        await page.click("#report-submit")
        await page.wait_for_selector("#report-notice:not(:empty)")
        cells = await page.eval_on_selector_all(
            "#report-queues tbody tr",
            """rows => rows.map(r => Object.fromEntries([...r.cells].map(
                   c => [c.dataset.col, c.textContent])))""",
        )
        return any(c.get("queue") == "support" and c.get("answered") == "1" for c in cells)

    await wait_for(answered, timeout=20, interval=1.0)
    agents = await page.text_content("#report-agents")
    assert agents is not None and "1001" in agents
    async with page.expect_download() as info:
        await page.click("#report-queues-csv")
    download = await info.value
    csv_path = ARTIFACTS / "queues.csv"
    await download.save_as(str(csv_path))
    assert csv_path.read_text().startswith("queue,")
    await ui.shoot("tenant-reports")
    # Signing out forgets the token: the pages ask for a login again.
    await ui.page.click("#signout")
    await ui.wait("#login")
    assert await ui.page.evaluate("sessionStorage.getItem('cc.token')") is None
    await ui.open(f"/t/{tenant}/seats", "#login")
    await context.close()
    await op_context.close()


async def test_a_phone_sized_screen_gets_a_menu_button_and_the_same_pages(
    platform_api: ApiClient, browser: Any
) -> None:
    context = await browser.new_context(viewport=PHONE)
    ui = Console(await context.new_page(), f"http://127.0.0.1:{platform_api.client.port}")
    await ui.sign_in(*OPERATOR)
    assert await ui.page.is_hidden("#nav")
    await ui.page.click("#menu-toggle")
    assert await ui.page.get_attribute("#menu-toggle", "aria-expanded") == "true"
    await ui.page.click("#nav a[href='#/op/health']")
    await ui.page.wait_for_selector("#health-database")
    assert await ui.page.is_hidden("#nav")
    await ui.page.screenshot(path=str(ARTIFACTS / "phone-menu.png"), full_page=True)
    await context.close()


async def test_moving_between_pages_adds_no_listeners(
    platform_api: ApiClient, browser: Any
) -> None:
    context = await browser.new_context(viewport=PHONE)
    page = await context.new_page()
    # Count the listeners added to what outlives a page: the window and media queries
    # (elements of a page go with it).
    await page.add_init_script(
        """(() => {
          window.__lasting = 0;
          const count = (proto) => {
            const add = proto.addEventListener;
            proto.addEventListener = function (...args) {
              if (this === window || this instanceof MediaQueryList) window.__lasting++;
              return add.apply(this, args);
            };
          };
          count(EventTarget.prototype);
          count(MediaQueryList.prototype);
        })();"""
    )
    ui = Console(page, f"http://127.0.0.1:{platform_api.client.port}")
    await ui.sign_in(*OPERATOR)
    counts = []
    for fragment, ready in [
        ("/op/tenants", "h1:has-text('Tenants')"),
        ("/op/health", "#health-database"),
    ] * 4:
        await ui.open(fragment, ready)  # a fragment change: the same document, a new page
        counts.append(await page.evaluate("window.__lasting"))
    assert counts == [counts[0]] * len(counts), counts
    await context.close()


async def place_of(api: ApiClient, caller: str) -> tuple[str, str] | None:
    """Dialplan context and extension of the platform channel of an inbound test call."""
    for item in await api.client.app[keys.AMI].action_list("CoreShowChannels"):
        if item.get("CallerIDNum") == caller and item.get("Channel", "").startswith(
            "PJSIP/carrier"
        ):
            return item.get("Context", ""), item.get("Exten", "")
    return None


async def test_a_tenant_suspended_in_the_console_answers_with_an_announcement_and_cannot_call_out(
    stack: Stack, platform_api: ApiClient, browser: Any, uid: str
) -> None:
    tenant, number, mobile = f"sus{uid}", "4008200071", "13900000712"
    admin = await open_tenant(platform_api, tenant, number)
    _, seat = await admin.call(
        "POST", f"/api/v1/tenants/{tenant}/seats", {"extension": "1001"}, expect=201
    )
    await admin.call(
        "POST", f"/api/v1/tenants/{tenant}/queues", {"name": "desk", "extension": "600"}, expect=201
    )
    await admin.call(
        "PUT",
        f"/api/v1/tenants/{tenant}/numbers/{number}/route",
        {"type": "queue", "target": "desk"},
        expect=200,
    )
    context = await browser.new_context(viewport=LAPTOP)
    ui = Console(await context.new_page(), f"http://127.0.0.1:{platform_api.client.port}")
    await ui.sign_in(*OPERATOR)
    await ui.open("/op/tenants", f"#status-{tenant}")
    await ui.page.click(f"#status-{tenant}")
    await ui.wait(f"#tenants-table tr[data-key='{tenant}'] .badge:has-text('suspended')")
    await ui.shoot("op-tenant-suspended")

    async with calling(stack, number, "13800000711"):
        place = await wait_for(lambda: place_of(platform_api, "13800000711"), timeout=15)
        assert place == ("cc-refuse", "suspended"), place
    phone = stack.phone(
        f"sus-{uid}",
        Account(seat["sip"]["username"], seat["sip"]["password"], REGISTRAR, auto_answer=True),
    )
    sync = platform_api.client.app[keys.SYNC]
    async with running(phone):
        await wait_for(lambda: sync.state_of(f"{tenant}-1001") == "NOT_INUSE", timeout=15)
        closed = phone.seen("CALL_CLOSED")
        await phone.command("dial", f"sip:{mobile}@{REGISTRAR}")
        await wait_for(lambda: phone.seen("CALL_CLOSED") > closed, timeout=10)
        assert mobile not in await mobile_calls(stack)

        # Reactivated in the console: the number reaches its queue and the phone calls out.
        await ui.page.click(f"#status-{tenant}")
        await ui.wait(f"#tenants-table tr[data-key='{tenant}'] .badge:has-text('active')")
        async with calling(stack, number, "13800000713"):
            queue = await wait_for(lambda: queue_of_caller(platform_api, "13800000713"), timeout=15)
            assert queue == f"{tenant}-desk"
        async with dialling(phone, mobile):
            await wait_for(lambda: reaching(stack, mobile), timeout=10)
    await context.close()
