"""Supervision and recording acceptance: a supervisor of tenant A hears an A call and can
never reach a B call; a recorded call's file exists, plays back, and only A may fetch it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from e2e.test_console import ARTIFACTS, Console
from e2e.test_routing import carrier_channel_of, open_tenant, route

from callcenter import keys
from callcenter.devstack.phones import Account

from stack import PLATFORM_SIP, Stack, running
from support import ApiClient, wait_for

pytestmark = pytest.mark.e2e
REGISTRAR = f"127.0.0.1:{PLATFORM_SIP}"


async def tx_packets_to(stack: Stack, endpoint: str) -> int:
    """RTP packets the platform has sent on its live channel to ``endpoint``."""
    out = await stack.platform.cli("pjsip show channelstats")
    for line in out.splitlines():
        tokens = line.split()
        names = [i for i, t in enumerate(tokens) if t.startswith(endpoint + "-")]
        if names and len(tokens) >= names[0] + 8:
            return int(tokens[names[0] + 7])
    return 0


def phone_of(stack: Stack, name: str, seat: dict[str, Any]) -> Any:
    sip = seat["sip"]
    return stack.phone(name, Account(sip["username"], sip["password"], REGISTRAR, auto_answer=True))


async def test_a_supervisor_hears_their_tenants_call_never_another_and_recordings_stay_home(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    a, b = f"sa{uid}", f"sb{uid}"
    admin_a = await open_tenant(platform_api, a, "4008200030")
    admin_b = await open_tenant(platform_api, b, "4008200031")
    _, agent_a = await admin_a.call(
        "POST", f"/api/v1/tenants/{a}/seats", {"extension": "1001"}, expect=201
    )
    _, sup_a = await admin_a.call(
        "POST", f"/api/v1/tenants/{a}/seats", {"extension": "1009"}, expect=201
    )
    _, agent_b = await admin_b.call(
        "POST", f"/api/v1/tenants/{b}/seats", {"extension": "2001"}, expect=201
    )
    await admin_a.call("PUT", f"/api/v1/tenants/{a}/seats/1009", {"supervisor": True}, expect=200)
    await admin_a.call("PUT", f"/api/v1/tenants/{a}/recording", {"policy": "all"}, expect=200)
    for admin, tenant, number, ext in (
        (admin_a, a, "4008200030", "1001"),
        (admin_b, b, "4008200031", "2001"),
    ):
        await route(admin, tenant, number, {"type": "agent", "target": ext})
    spy_starts: list[dict[str, str]] = []
    ami = platform_api.client.app[keys.AMI]
    ami.on_raw(lambda m: spy_starts.append(m) if m.get("Event") == "ChanSpyStart" else None)
    sync = platform_api.client.app[keys.SYNC]
    phones = [
        phone_of(stack, f"sa-{uid}", agent_a),
        phone_of(stack, f"ss-{uid}", sup_a),
        phone_of(stack, f"sb-{uid}", agent_b),
    ]
    async with running(*phones):
        await wait_for(
            lambda: all(
                sync.state_of(ep) == "NOT_INUSE" for ep in (f"{a}-1001", f"{a}-1009", f"{b}-2001")
            )
        )
        await stack.call_in("4008200030", caller="13800000301")
        await stack.call_in("4008200031", caller="13800000302")
        await phones[0].wait_event("CALL_ESTABLISHED", timeout=10)
        await phones[2].wait_event("CALL_ESTABLISHED", timeout=10)

        # The API refuses what is not A's: B's agent, and B's tenant altogether.
        status, body = await admin_a.call(
            "POST", f"/api/v1/tenants/{a}/supervision", {"supervisor": "1009", "agent": "2001"}
        )
        assert status == 404 and body["details"]["field"] == "agent"
        status, _ = await admin_a.call(
            "POST", f"/api/v1/tenants/{b}/supervision", {"supervisor": "1009", "agent": "2001"}
        )
        assert status == 403
        # Even Asterisk itself, asked directly with A's tenant, finds no B channel to spy on.
        await ami.originate(
            Channel=f"PJSIP/{a}-1009",
            Context="cc-spy",
            Exten="l2001",
            Priority=1,
            Variable=f"TENANT={a}",
            Timeout=10000,
            timeout=15,
        )
        await asyncio.sleep(3)
        assert spy_starts == []
        await phones[1].command("hangup")
        await asyncio.sleep(1)

        # A's supervisor listens to A's call: Asterisk starts the spy and audio flows to
        # the supervisor's phone.
        await admin_a.call(
            "POST",
            f"/api/v1/tenants/{a}/supervision",
            {"supervisor": "1009", "agent": "1001", "mode": "listen"},
            expect=201,
        )
        await wait_for(lambda: spy_starts, timeout=10)
        assert spy_starts[0].get("SpyeeChannel", "").startswith(f"PJSIP/{a}-1001-")
        before = await tx_packets_to(stack, f"{a}-1009")
        await asyncio.sleep(2)
        sent = await tx_packets_to(stack, f"{a}-1009") - before
        print(f"supervisor received {sent} RTP packets in 2 s")
        assert sent > 50
        await stack.carrier_ami.action(
            "Hangup", Channel=await carrier_channel_of(stack, "13800000301")
        )
        await stack.carrier_ami.action(
            "Hangup", Channel=await carrier_channel_of(stack, "13800000302")
        )

    # The A call was recorded (policy "all"); B's was not (policy "none").
    async def recorded() -> list[dict[str, Any]]:
        _, rows = await admin_a.call("GET", f"/api/v1/tenants/{a}/recordings", expect=200)
        return list(rows)

    (rec,) = await wait_for(recorded, timeout=15)
    assert rec["seconds"] > 1
    # Listed on the call record, with where to fetch the audio.
    _, call = await admin_a.call("GET", f"/api/v1/tenants/{a}/calls/{rec['linkedid']}", expect=200)
    assert [r["id"] for r in call["recordings"]] == [rec["id"]]
    resp = await admin_a.client.get(
        f"/api/v1/tenants/{a}/recordings/{rec['id']}/audio",
        headers={"Authorization": f"Bearer {admin_a.token}"},
    )
    data = await resp.read()
    assert resp.status == 200 and data[:4] == b"RIFF" and len(data) > 8000
    # Only A's users can fetch it; B's own list is empty.
    status, _ = await admin_b.call("GET", f"/api/v1/tenants/{a}/recordings/{rec['id']}/audio")
    assert status == 403
    status, _ = await admin_b.call("GET", f"/api/v1/tenants/{b}/recordings/{rec['id']}/audio")
    assert status == 404
    assert (await admin_b.call("GET", f"/api/v1/tenants/{b}/recordings", expect=200))[1] == []


async def test_an_on_demand_recording_starts_mid_call_and_plays_in_the_browser(
    stack: Stack, platform_api: ApiClient, browser: Any, uid: str
) -> None:
    tenant, number = f"od{uid}", "4008200032"
    admin = await open_tenant(platform_api, tenant, number)
    _, seat = await admin.call(
        "POST", f"/api/v1/tenants/{tenant}/seats", {"extension": "1001"}, expect=201
    )
    await route(admin, tenant, number, {"type": "agent", "target": "1001"})
    # Policy "none": nothing may be recorded, not even on demand.
    status, body = await admin.call(
        "POST", f"/api/v1/tenants/{tenant}/recordings", {"extension": "1001"}
    )
    assert status == 409 and body["details"]["field"] == "policy"
    await admin.call(
        "PUT", f"/api/v1/tenants/{tenant}/recording", {"policy": "on_demand"}, expect=200
    )
    status, body = await admin.call(
        "POST", f"/api/v1/tenants/{tenant}/recordings", {"extension": "1001"}
    )
    assert status == 404 and body["details"]["field"] == "extension", "not on a call yet"
    phone = phone_of(stack, f"od-{uid}", seat)
    sync = platform_api.client.app[keys.SYNC]
    async with running(phone):
        await wait_for(lambda: sync.state_of(f"{tenant}-1001") == "NOT_INUSE")
        await stack.call_in(number, caller="13800000321")
        await phone.wait_event("CALL_ESTABLISHED", timeout=10)

        async def started() -> bool:
            status, _ = await admin.call(
                "POST", f"/api/v1/tenants/{tenant}/recordings", {"extension": "1001"}
            )
            return status == 201

        await wait_for(started, timeout=5, interval=0.2)
        await asyncio.sleep(2)
        await stack.carrier_ami.action(
            "Hangup", Channel=await carrier_channel_of(stack, "13800000321")
        )

    async def recorded() -> list[dict[str, Any]]:
        _, rows = await admin.call("GET", f"/api/v1/tenants/{tenant}/recordings", expect=200)
        return list(rows)

    (rec,) = await wait_for(recorded, timeout=15)
    assert rec["seconds"] >= 1

    # Played back in the browser: the console's recordings page fetches it with the token
    # and the audio element decodes it.
    page = await browser.new_page()
    console = Console(page, str(platform_api.client.make_url("")).rstrip("/"))
    await console.sign_in(f"{tenant}-admin", "admin-password")
    await console.open(f"/t/{tenant}/recordings", "#recordings-table")
    await page.click(f'button[data-recording="{rec["id"]}"]')
    duration = await page.wait_for_function(
        "() => { const a = document.getElementById('recording-player');"
        " return a && a.readyState >= 1 && a.duration > 0 ? a.duration : null; }",
        timeout=10000,
    )
    assert await duration.json_value() > 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "recordings.png"), full_page=True)
