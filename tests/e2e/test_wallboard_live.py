"""Wallboard acceptance: while callers wait the wallboard shows them, within a second; a
freshly started control plane rebuilds the same picture from Asterisk and today's log."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from e2e.test_agent_console import ARTIFACTS
from e2e.test_routing import calling, open_tenant, queue_of_caller, route

from callcenter import keys
from callcenter.app import create_app

from stack import AMI_SECRET, AMI_USER, PLATFORM_AMI, PLATFORM_AMI_HOST, Stack
from support import ApiClient, make_settings, wait_for

pytestmark = pytest.mark.e2e


async def test_the_wallboard_shows_waiting_callers_and_survives_a_restart(
    stack: Stack, platform_api: ApiClient, aiohttp_client: Any, uid: str
) -> None:
    tenant, number = f"wb{uid}", "4008200040"
    admin = await open_tenant(platform_api, tenant, number)
    await admin.call(
        "POST",
        f"/api/v1/tenants/{tenant}/queues",
        {"name": "sales", "extension": "601"},
        expect=201,
    )
    await route(admin, tenant, number, {"type": "queue", "target": "sales"})

    async def board(api: ApiClient) -> dict[str, Any]:
        _, body = await api.call("GET", f"/api/v1/tenants/{tenant}/wallboard", expect=200)
        return {q["queue"]: q for q in body["queues"]}

    placed = time.monotonic()
    async with calling(stack, number, "13800000401"):
        await wait_for(lambda: queue_of_caller(platform_api, "13800000401"))
        seen = time.monotonic()
        await wait_for(lambda: _waiting(board(admin), 1), timeout=1.0, interval=0.02)
        print(f"wallboard showed the caller {1000 * (time.monotonic() - seen):.0f} ms after")
        async with calling(stack, number, "13800000402"):
            await wait_for(lambda: _waiting(board(admin), 2), timeout=5)
            # A control plane started once the first caller has waited a measurable while
            # rebuilds the same picture from QueueStatus, waiting times included.
            await asyncio.sleep(3)
            settings = make_settings(
                stack.dsn,
                ami_enabled=True,
                ami_host=PLATFORM_AMI_HOST,
                ami_port=PLATFORM_AMI,
                ami_username=AMI_USER,
                ami_secret=AMI_SECRET,
            )
            app = create_app(settings)
            fresh = ApiClient(await aiohttp_client(app))
            await app[keys.AMI].wait_ready()
            fresh_admin = await fresh.login(f"{tenant}-admin", "admin-password")
            before = time.monotonic()
            rebuilt = await wait_for(lambda: _waiting(board(fresh_admin), 2), timeout=20)
            after = time.monotonic()
            # The rebuilt board knows how long the first caller has really waited: at least
            # since it was seen in the queue, at most since it was placed.
            longest = rebuilt["sales"]["longest_wait_s"]
            assert before - seen - 1 <= longest <= after - placed + 1, (longest, after - placed)
    # Both hung up: nobody waits any more.
    await wait_for(lambda: _waiting(board(admin), 0), timeout=5)


async def _waiting(snapshot: Any, count: int) -> dict[str, Any] | None:
    queues = await snapshot
    return queues if queues.get("sales", {}).get("waiting") == count else None


async def test_the_wallboard_page_shows_callers_waiting_in_the_browser(
    stack: Stack, platform_api: ApiClient, browser: Any, uid: str
) -> None:
    tenant, number = f"wp{uid}", "4008200041"
    admin = await open_tenant(platform_api, tenant, number)
    await admin.call(
        "POST",
        f"/api/v1/tenants/{tenant}/queues",
        {"name": "sales", "extension": "601"},
        expect=201,
    )
    await route(admin, tenant, number, {"type": "queue", "target": "sales"})
    page = await browser.new_page()
    await page.goto(str(platform_api.client.make_url("/wallboard")))
    await page.get_by_label("User name").fill(f"{tenant}-admin")
    await page.get_by_label("Password").fill("admin-password")
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_text("Live").wait_for(timeout=10000)
    waiting = page.locator('tr[data-queue="sales"] td').first
    async with calling(stack, number, "13800000411"):
        async with calling(stack, number, "13800000412"):
            await wait_for(lambda: queue_of_caller(platform_api, "13800000412"))
            pushed_at = time.monotonic()
            await page.wait_for_function(
                "() => document.querySelector('tr[data-queue=\"sales\"] td')?.textContent === '2'",
                timeout=10000,
            )
            print(f"page showed 2 waiting {1000 * (time.monotonic() - pushed_at):.0f} ms after")
            # The callers-waiting chart follows the pushes; a board that gets its figures
            # shows no failure message.
            waiting_now = await page.evaluate(
                "(() => { const d = wbCharts['chart-waiting'].getOption().series[0].data;"
                " return d[d.length - 1][1]; })()"
            )
            assert waiting_now == 2, waiting_now
            assert await page.locator("#board-error").is_hidden()
            ARTIFACTS.mkdir(exist_ok=True)
            await page.screenshot(path=str(ARTIFACTS / "wallboard.png"), full_page=True)
    await page.wait_for_function(
        "() => document.querySelector('tr[data-queue=\"sales\"] td')?.textContent === '0'",
        timeout=5000,
    )
    assert await waiting.text_content() == "0"
