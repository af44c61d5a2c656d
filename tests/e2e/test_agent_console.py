"""Agent workspace acceptance in headless Chromium: the console is the agent's phone and CTI.

An agent signs in, registers the browser softphone (JsSIP over Asterisk's websocket), logs in;
the carrier calls the tenant's number; the page pops the caller's CRM record with the call's
context; the agent answers in the page, audio flows both ways, a note is saved, the agent
hangs up, wrap-up runs, and the note is on the call record. An agent of another tenant,
signed in in a second browser, sees none of it. Screenshots go to ``artifacts/``.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from callcenter import keys

from stack import AMI_SECRET, AMI_USER, PLATFORM_AMI, PLATFORM_AMI_HOST, Stack
from support import OPERATOR, ApiClient, browser_api, wait_for

pytestmark = pytest.mark.e2e

playwright_api = browser_api()

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CALLER = "13800138000"


async def provision(api: ApiClient, tenant: str, number: str, wrapup: int) -> ApiClient:
    """Tenant with a number routed to queue ``support`` (seat 1001), agent ``<tenant>-agent``."""
    op = await api.login(*OPERATOR)
    await op.call(
        "POST",
        "/api/v1/tenants",
        {
            "id": tenant,
            "name": tenant.title(),
            "admin": {"username": f"{tenant}-admin", "password": "admin-password"},
        },
        expect=201,
    )
    await op.call("POST", f"/api/v1/tenants/{tenant}/numbers", {"number": number}, expect=201)
    admin = await api.login(f"{tenant}-admin", "admin-password")
    await admin.call("POST", f"/api/v1/tenants/{tenant}/seats", {"extension": "1001"}, expect=201)
    await admin.call(
        "POST",
        f"/api/v1/tenants/{tenant}/queues",
        {
            "name": "support",
            "extension": "600",
            "wrapup_time": wrapup,
            "members": [{"extension": "1001"}],
        },
        expect=201,
    )
    await admin.call(
        "PUT",
        f"/api/v1/tenants/{tenant}/numbers/{number}/route",
        {"type": "queue", "target": "support"},
        expect=200,
    )
    await admin.call(
        "POST",
        f"/api/v1/tenants/{tenant}/agents",
        {
            "username": f"{tenant}-agent",
            "password": "agent-password",
            "extension": "1001",
            "name": f"{tenant.title()} Agent",
        },
        expect=201,
    )
    return admin


async def open_console(browser: Any, api: ApiClient, username: str) -> tuple[Any, Any]:
    """A fresh browser context signed in to the console with its softphone registered."""
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await context.new_page()
    base = f"http://127.0.0.1:{api.client.port}"
    await page.goto(f"{base}/agent")
    await page.fill("#username", username)
    await page.fill("#password", "agent-password")
    await page.click("#signin-button")
    await page.wait_for_selector("#phone-status:text-is('registered')", timeout=10_000)
    return context, page


async def presence(page: Any) -> str:
    return str(await page.get_attribute("#presence", "data-presence"))


async def member_status(stack: Stack, queue: str) -> dict[str, str]:
    """The queue member's row in AMI QueueStatus (after the realtime queue is loaded)."""
    await stack.platform.cli(f"queue show {queue}")
    ami = stack_ami(stack)
    items = await ami.action_list("QueueStatus", Queue=queue)
    members = [i for i in items if i.get("Event") == "QueueMember"]
    return members[0] if members else {}


_AMI: dict[int, Any] = {}


def stack_ami(stack: Stack) -> Any:
    return _AMI[id(stack)]


@pytest_asyncio.fixture
async def platform_ami(stack: Stack) -> AsyncIterator[Any]:
    """A second AMI session on the platform, for checks the test makes itself."""
    from callcenter.ami.client import AmiClient

    ami = AmiClient(PLATFORM_AMI_HOST, PLATFORM_AMI, AMI_USER, AMI_SECRET)
    await ami.start()
    await ami.wait_ready()
    _AMI[id(stack)] = ami
    yield ami
    _AMI.pop(id(stack), None)
    await ami.stop()


async def test_an_agent_takes_a_queue_call_in_the_browser_with_a_screen_pop_and_notes(
    stack: Stack, console_api: ApiClient, browser: Any, platform_ami: Any, db: Any
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    admin = await provision(console_api, "desk", "4008002000", wrapup=3)
    await admin.call(
        "POST",
        "/api/v1/tenants/desk/contacts",
        {"phone": CALLER, "name": "Han Meimei", "company": "Meimei Tea", "notes": "VIP"},
        expect=201,
    )
    await provision(console_api, "other", "4008002001", wrapup=0)
    sync = console_api.client.app[keys.SYNC]

    ctx_a, page = await open_console(browser, console_api, "desk-agent")
    ctx_b, page_b = await open_console(browser, console_api, "other-agent")
    try:
        # Logged out: registered, but the queue does not see the seat.
        await wait_for(lambda: sync.state_of("desk-1001") == "UNAVAILABLE")
        assert (await member_status(stack, "desk-support")).get("Status") == "5"
        await page.click("#login")
        await page.wait_for_selector("#presence[data-presence='available']")
        await wait_for(lambda: sync.state_of("desk-1001") == "NOT_INUSE")
        await page_b.click("#login")
        await page_b.wait_for_selector("#presence[data-presence='available']")
        assert await page.is_checked("#queue-support"), "logged in to its queue"
        # Per-queue logout takes the seat out of that realtime queue (re-read by app_queue
        # when the queue is next loaded: a caller joining, or here `queue show`), and back.
        await page.uncheck("#queue-support")
        await wait_for(lambda: _member_gone(stack, "desk-support"), timeout=5)
        await page.check("#queue-support")
        await wait_for(lambda: _paused(stack, "desk-support", "0"), timeout=5)

        # Pause with a reason, then back: app_queue sees both.
        await page.select_option("#pause-reason", "lunch")
        await page.click("#pause")
        await page.wait_for_selector("#presence[data-presence='paused']")
        member = await wait_for(lambda: _paused(stack, "desk-support", "1"), timeout=5)
        assert member.get("PausedReason") == "lunch"
        await page.screenshot(path=str(ARTIFACTS / "console-paused.png"), full_page=True)
        await page.click("#unpause")
        await page.wait_for_selector("#presence[data-presence='available']")
        await wait_for(lambda: _paused(stack, "desk-support", "0"), timeout=5)

        # The carrier calls the tenant's number.
        call = asyncio.ensure_future(stack.call_in("4008002000", caller=CALLER))
        await page.wait_for_selector("#presence[data-presence='ringing']", timeout=10_000)
        await page.wait_for_selector("#contact-name:text('Han Meimei')", timeout=5_000)
        assert await page.text_content("#pop-number") == CALLER
        assert await page.text_content("#pop-did") == "4008002000"
        assert await page.text_content("#pop-queue") == "support"
        await page.wait_for_selector("#answer:enabled", timeout=5_000)
        await page.screenshot(path=str(ARTIFACTS / "console-ringing.png"), full_page=True)
        pop_delay = (await page.evaluate("cc.popDelays"))[-1]
        contact_delay = (await page.evaluate("cc.contactDelays"))[-1]

        # The agent answers in the page; audio flows both ways.
        await page.click("#answer")
        await page.wait_for_selector("#presence[data-presence='on_call']", timeout=10_000)
        await call
        await asyncio.sleep(3)
        stats = await page.evaluate("cc.rtpStats()")
        assert stats["received"] > 50 and stats["sent"] > 50, stats
        await page.fill("#note", "Asked about the new tea; wants a callback on Monday")
        await page.select_option("#disposition", "callback")
        await page.click("#save-note")
        await page.wait_for_selector("#note-status:text('saved')")
        await page.screenshot(path=str(ARTIFACTS / "console-on-call.png"), full_page=True)
        linkedid = await page.evaluate("cc.pop.linkedid")

        # The agent hangs up; wrap-up (3 s from the queue) runs, then the agent is available.
        await page.click("#hangup")
        await page.wait_for_selector("#presence[data-presence='wrapup']", timeout=10_000)
        await page.screenshot(path=str(ARTIFACTS / "console-wrapup.png"), full_page=True)
        started = time.monotonic()
        await page.wait_for_selector("#presence[data-presence='available']", timeout=10_000)
        wrapup = time.monotonic() - started
        assert 1.5 < wrapup < 5, wrapup

        record = await wait_for(lambda: _record(admin, linkedid), timeout=10)
        assert record["note"]["note"].startswith("Asked about the new tea")
        assert record["note"]["disposition"] == "callback"
        assert record["note"]["context"]["did"] == "4008002000"
        answered = [leg for leg in record["legs"] if leg["disposition"] == "ANSWERED"]
        assert answered and answered[0]["dstchannel"].startswith("PJSIP/desk-1001-")
        await page.wait_for_selector("#fig-answered:text('1')", timeout=5_000)

        # The other tenant's agent never got a single call event.
        seen_b = await page_b.evaluate("cc.messages.map(m => m.type)")
        assert not [t for t in seen_b if t.startswith("call.")], seen_b
        assert await presence(page_b) == "available"

        # Logging out makes the seat unavailable to the queue at once.
        await page.click("#logout")
        await page.wait_for_selector("#presence[data-presence='logged_out']")
        await wait_for(lambda: sync.state_of("desk-1001") == "UNAVAILABLE")
        assert (await member_status(stack, "desk-support")).get("Status") == "5"
        print(
            f"\nAMI AgentCalled -> pop in the page: {pop_delay * 1000:.1f} ms; "
            f"-> CRM record: {contact_delay * 1000:.1f} ms; wrap-up {wrapup:.1f} s; "
            f"RTP in the page sent={stats['sent']} received={stats['received']} "
            f"codec={stats['codec']}"
        )
    finally:
        for ctx in (ctx_a, ctx_b):
            with contextlib.suppress(Exception):
                await ctx.close()
        with contextlib.suppress(Exception):
            for ch in await stack.carrier_channels():
                await stack.carrier_ami.action("Hangup", Channel=ch["Channel"])


async def _member_gone(stack: Stack, queue: str) -> bool:
    return not await member_status(stack, queue)


async def _paused(stack: Stack, queue: str, value: str) -> dict[str, str] | None:
    member = await member_status(stack, queue)
    return member if member.get("Paused") == value else None


async def _record(admin: ApiClient, linkedid: str) -> dict[str, Any] | None:
    status, body = await admin.call("GET", f"/api/v1/tenants/desk/calls/{linkedid}")
    if status != 200 or not any(leg["disposition"] == "ANSWERED" for leg in body["legs"]):
        return None
    return dict(body)


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


async def test_click_to_call_hold_and_blind_and_attended_transfers_from_the_console(
    stack: Stack, console_api: ApiClient, browser: Any, platform_ami: Any, db: Any
) -> None:
    from callcenter.devstack.phones import Account

    from stack import running

    admin = await provision(console_api, "xfer", "4008002100", wrapup=0)
    _, seat = await admin.call(
        "POST", "/api/v1/tenants/xfer/seats", {"extension": "1002"}, expect=201
    )
    await admin.call(
        "POST",
        "/api/v1/tenants/xfer/contacts",
        {"phone": "13912345678", "name": "Wei Customer"},
        expect=201,
    )
    colleague = stack.phone(
        "xfer-1002",
        Account(seat["sip"]["username"], seat["sip"]["password"], seat["sip"]["registrar"]),
    )
    sync = console_api.client.app[keys.SYNC]
    ctx, page = await open_console(browser, console_api, "xfer-agent")
    try:
        async with running(colleague):
            await wait_for(lambda: sync.state_of("xfer-1002") == "NOT_INUSE")
            await page.click("#login")
            await page.wait_for_selector("#presence[data-presence='available']")

            # Click-to-call: the page's phone rings first (auto-answered: the agent asked),
            # then the customer, who sees the tenant's number.
            await page.fill("#dial-number", "13912345678")
            await page.click("#dial-form button")
            await page.wait_for_selector("#contact-name:text('Wei Customer')", timeout=5_000)
            await page.wait_for_selector("#presence[data-presence='on_call']", timeout=10_000)
            carrier = await wait_for(stack.carrier_channels, timeout=10)
            assert carrier, "the customer's leg reached the carrier"
            out_cdr_linkedid = await page.evaluate("cc.pop.linkedid")
            assert out_cdr_linkedid

            # Hold and resume from the page.
            await page.wait_for_selector("#hold:enabled", timeout=5_000)
            await page.click("#hold")
            await page.wait_for_selector("#unhold:enabled", timeout=5_000)
            await page.click("#unhold")
            await page.wait_for_selector("#hold:enabled", timeout=5_000)

            # Blind transfer of the customer to the colleague's seat.
            await page.select_option("#xfer-type", "agent")
            await page.fill("#xfer-target", "1002")
            await page.click("#xfer-blind")
            await colleague.wait_event("CALL_ESTABLISHED", timeout=10)
            await page.wait_for_selector("#presence[data-presence='available']", timeout=10_000)
            assert await stack.carrier_channels(), "the customer is still connected"
            closed = colleague.seen("CALL_CLOSED")
            await colleague.command("hangup")
            await wait_for(lambda: colleague.seen("CALL_CLOSED") > closed, timeout=10)
            await wait_for(lambda: _no_channels(stack), timeout=10)
            row = await wait_for(
                lambda: db.fetchrow(
                    "SELECT * FROM cdr WHERE tenantid = 'xfer' AND direction = 'outbound'"
                    " AND dstchannel LIKE 'PJSIP/carrier-%' AND disposition = 'ANSWERED'"
                ),
                timeout=10,
            )
            assert row["src"] == "4008002100" or "4008002100" in row["clid"], dict(row)

            # Attended transfer: the agent talks to the colleague first, then hangs up.
            call = asyncio.ensure_future(stack.call_in("4008002100", caller=CALLER))
            await page.wait_for_selector("#answer:enabled", timeout=10_000)
            await page.click("#answer")
            await call
            await page.wait_for_selector("#presence[data-presence='on_call']", timeout=10_000)
            established = colleague.seen("CALL_ESTABLISHED")
            await page.fill("#xfer-target", "1002")
            await page.click("#xfer-attended")
            await wait_for(lambda: colleague.seen("CALL_ESTABLISHED") > established, timeout=10)
            await page.screenshot(path=str(ARTIFACTS / "console-attended.png"), full_page=True)
            await page.click("#hangup")
            await page.wait_for_selector("#presence[data-presence='available']", timeout=10_000)
            await asyncio.sleep(1)
            assert await stack.carrier_channels(), "the caller now talks to the colleague"
            assert colleague.seen("CALL_CLOSED") == closed + 1, "the colleague's call goes on"
            for ch in await stack.carrier_channels():
                await stack.carrier_ami.action("Hangup", Channel=ch["Channel"])
    finally:
        with contextlib.suppress(Exception):
            await ctx.close()
        with contextlib.suppress(Exception):
            for ch in await stack.carrier_channels():
                await stack.carrier_ami.action("Hangup", Channel=ch["Channel"])


async def _no_channels(stack: Stack) -> bool:
    return not await stack.carrier_channels()


async def test_a_mobile_forward_agent_gets_the_same_pop_and_state_while_the_mobile_answers(
    stack: Stack, console_api: ApiClient, browser: Any, platform_ami: Any, db: Any
) -> None:
    await provision(console_api, "mobi", "4008002200", wrapup=2)
    sync = console_api.client.app[keys.SYNC]
    ctx, page = await open_console(browser, console_api, "mobi-agent")
    try:
        # The agent takes calls on a mobile: the page's softphone goes away, the seat forwards.
        await page.fill("#mobile-number", "13900139000")
        await page.select_option("#device", "mobile")
        await page.wait_for_selector("#phone-status:text-is('not registered')")
        assert (
            await db.fetchval("SELECT forward_to FROM seats WHERE endpoint_id = 'mobi-1001'")
            == "13900139000"
        )
        await page.click("#login")
        await page.wait_for_selector("#presence[data-presence='available']")
        await wait_for(lambda: sync.state_of("mobi-1001") == "NOT_INUSE")

        call = asyncio.ensure_future(stack.call_in("4008002200", caller=CALLER))
        # The carrier's "mobile" answers at once: ringing lasts milliseconds, so look for the
        # pop and the state messages rather than a transient page state.
        await page.wait_for_selector("#presence[data-presence='on_call']", timeout=10_000)
        await call
        assert await page.text_content("#pop-number") == CALLER
        assert await page.text_content("#pop-queue") == "support"
        shown = await page.evaluate(
            "cc.messages.filter(m => m.type === 'agent.state').map(m => m.presence)"
        )
        assert "ringing" in shown and shown[-1] == "on_call", shown
        await page.screenshot(path=str(ARTIFACTS / "console-mobile-on-call.png"), full_page=True)
        mobile_legs = [
            c for c in await stack.carrier_channels() if "13900139000" in str(c.values())
        ]
        assert mobile_legs, "the carrier's mobile leg is up"
        for ch in await stack.carrier_channels():
            await stack.carrier_ami.action("Hangup", Channel=ch["Channel"])
        await page.wait_for_selector("#presence[data-presence='wrapup']", timeout=10_000)
        await page.wait_for_selector("#presence[data-presence='available']", timeout=10_000)
    finally:
        with contextlib.suppress(Exception):
            await ctx.close()
        with contextlib.suppress(Exception):
            for ch in await stack.carrier_channels():
                await stack.carrier_ami.action("Hangup", Channel=ch["Channel"])
