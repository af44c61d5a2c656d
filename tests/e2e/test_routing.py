"""Routing acceptance: real calls from the carrier walk IVRs by DTMF, follow schedules,
overflow to a forwarded mobile, get called back in order, and see API changes at once."""

from __future__ import annotations

import asyncio
import contextlib
import io
import math
import struct
import time
import wave
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from callcenter import keys
from callcenter.ami.client import AmiClient, AmiError
from callcenter.devstack.phones import Account, SoftPhone

from stack import PLATFORM_SIP, Stack, running
from support import OPERATOR, ApiClient, wait_for

pytestmark = pytest.mark.e2e

REGISTRAR = f"127.0.0.1:{PLATFORM_SIP}"
TZ = "Asia/Shanghai"


async def open_tenant(api: ApiClient, tenant: str, number: str) -> ApiClient:
    """A tenant with one number; returns its admin."""
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
    return await api.login(f"{tenant}-admin", "admin-password")


async def sip_agent(api: ApiClient, admin: ApiClient, tenant: str, extension: str) -> ApiClient:
    """An agent user on ``extension`` whose phone is a SIP app (not the browser softphone),
    signed in to the API; returns its client."""
    await admin.call(
        "POST",
        f"/api/v1/tenants/{tenant}/agents",
        {
            "username": f"agent-{tenant}",
            "password": "agent-password",
            "extension": extension,
            "device": "sip",
        },
        expect=201,
    )
    return await api.login(f"agent-{tenant}", "agent-password")


async def route(admin: ApiClient, tenant: str, number: str, body: dict[str, Any]) -> None:
    """Point one of the tenant's numbers somewhere (the API must accept it)."""
    await admin.call("PUT", f"/api/v1/tenants/{tenant}/numbers/{number}/route", body, expect=200)


async def add_queue(admin: ApiClient, tenant: str, name: str, ext: str) -> None:
    """A queue with default options and no members."""
    await admin.call(
        "POST", f"/api/v1/tenants/{tenant}/queues", {"name": name, "extension": ext}, expect=201
    )


def ami_of(api: ApiClient) -> AmiClient:
    return api.client.app[keys.AMI]


async def queue_of_caller(api: ApiClient, caller: str) -> str | None:
    """The app_queue name a caller's channel is waiting in on the platform, if any."""
    for item in await ami_of(api).action_list("CoreShowChannels"):
        if item.get("CallerIDNum") == caller and item.get("Application") == "Queue":
            return item.get("ApplicationData", "").split(",")[0]
    return None


async def channel_var(api: ApiClient, caller: str, variable: str) -> str | None:
    for item in await ami_of(api).action_list("CoreShowChannels"):
        if item.get("CallerIDNum") == caller and item.get("Channel", "").startswith(
            "PJSIP/carrier"
        ):
            reply = await ami_of(api).action("Getvar", Channel=item["Channel"], Variable=variable)
            return reply.get("Value")
    return None


@contextlib.asynccontextmanager
async def calling(
    stack: Stack, number: str, caller: str, keys_: str = "", delay: float = 1.0
) -> AsyncIterator[asyncio.Task[Any]]:
    """The carrier calls in the background (an unanswered queue call never completes the
    originate); everything it started is hung up at the end."""
    task = asyncio.ensure_future(
        stack.call_in_pressing(number, keys_, caller=caller, delay=delay)
        if keys_
        else stack.call_in(number, caller=caller)
    )
    try:
        yield task
    finally:
        if task.done() and not task.cancelled() and task.exception() is not None:
            print(f"call to {number} from {caller} failed: {task.exception()!r}")
        task.cancel()
        with contextlib.suppress(BaseException):
            await task
        for item in await stack.carrier_channels():
            with contextlib.suppress(Exception):
                await stack.carrier_ami.action("Hangup", Channel=item["Channel"])


async def mobile_calls(stack: Stack) -> list[str]:
    """Numbers the carrier is receiving calls for from the platform right now."""
    return [
        item.get("Exten", "")
        for item in await stack.carrier_channels()
        if item.get("Context") == "from-platform"
    ]


async def test_a_caller_walks_a_two_level_ivr_by_dtmf_to_the_right_queue(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    tenant, number = f"ivr{uid}", "4008200001"
    admin = await open_tenant(platform_api, tenant, number)
    for name, ext in (("sales", "601"), ("support", "602"), ("billing", "603")):
        await admin.call(
            "POST", f"/api/v1/tenants/{tenant}/queues", {"name": name, "extension": ext}, expect=201
        )
    await admin.call(
        "PUT",
        f"/api/v1/tenants/{tenant}/ivrs/main",
        {
            "entry": "top",
            "menus": {
                "top": {
                    "prompt": "silence/1",
                    "timeout_s": 5,
                    "options": {
                        "1": {"kind": "submenu", "target": "service"},
                        "2": {"kind": "queue", "target": "sales"},
                    },
                },
                "service": {
                    "prompt": "silence/1",
                    "timeout_s": 5,
                    "options": {
                        "3": {"kind": "queue", "target": "support"},
                        "4": {"kind": "queue", "target": "billing"},
                        "9": {"kind": "submenu", "target": "top"},
                    },
                },
            },
        },
        expect=200,
    )
    await route(admin, tenant, number, {"type": "ivr", "target": "main"})
    # 1 -> service menu, 9 -> back to top, 1 -> service again, 4 -> billing.
    async with calling(stack, number, "13800000011", keys_="1ww9ww1ww4"):
        queue = await wait_for(lambda: queue_of_caller(platform_api, "13800000011"), timeout=15)
        assert queue == f"{tenant}-billing"
        assert await channel_var(platform_api, "13800000011", "CC_IVR_KEYS") == "1-9-1-4"
    async with calling(stack, number, "13800000012", keys_="2"):
        queue = await wait_for(lambda: queue_of_caller(platform_api, "13800000012"), timeout=15)
        assert queue == f"{tenant}-sales"


async def test_after_hours_and_on_a_dated_holiday_the_closed_destination_answers(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    tenant = f"hrs{uid}"
    admin = await open_tenant(platform_api, tenant, "4008200002")
    op = await platform_api.login(*OPERATOR)
    await op.call("POST", f"/api/v1/tenants/{tenant}/numbers", {"number": "075520000002"})
    for name, ext in (("daytime", "601"), ("night", "602")):
        await admin.call(
            "POST", f"/api/v1/tenants/{tenant}/queues", {"name": name, "extension": ext}, expect=201
        )
    now = datetime.now(ZoneInfo(TZ))
    # Open only for one hour, starting six hours from now: closed right now.
    start = (now + timedelta(hours=6)).strftime("%H:00")
    end = (now + timedelta(hours=7)).strftime("%H:00")
    closed = {"kind": "queue", "target": "night"}
    await admin.call(
        "PUT",
        f"/api/v1/tenants/{tenant}/schedules/office",
        {
            "timezone": TZ,
            "weekly": [{"weekday": d, "start": start, "end": end} for d in range(7)],
            "closed_destination": closed,
        },
        expect=200,
    )
    # Open around the clock, except that today is a holiday.
    await admin.call(
        "PUT",
        f"/api/v1/tenants/{tenant}/schedules/always",
        {
            "timezone": TZ,
            "weekly": [{"weekday": d, "start": "00:00", "end": "24:00"} for d in range(7)],
            "holidays": [now.date().isoformat()],
            "closed_destination": closed,
        },
        expect=200,
    )
    for number, schedule in (("4008200002", "office"), ("075520000002", "always")):
        await route(
            admin, tenant, number, {"type": "queue", "target": "daytime", "schedule": schedule}
        )
    for number, caller in (("4008200002", "13800000021"), ("075520000002", "13800000022")):
        async with calling(stack, number, caller):
            queue = await wait_for(lambda c=caller: queue_of_caller(platform_api, c), timeout=15)
            assert queue == f"{tenant}-night", number

    # Control: without the holiday the same number reaches the open destination.
    await admin.call(
        "PUT",
        f"/api/v1/tenants/{tenant}/schedules/always",
        {
            "timezone": TZ,
            "weekly": [{"weekday": d, "start": "00:00", "end": "24:00"} for d in range(7)],
            "closed_destination": closed,
        },
        expect=200,
    )
    async with calling(stack, "075520000002", "13800000023"):
        queue = await wait_for(lambda: queue_of_caller(platform_api, "13800000023"), timeout=15)
        assert queue == f"{tenant}-daytime"


async def test_overflow_after_max_wait_reaches_a_forwarded_mobile_and_never_a_busy_one(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    tenant, number, mobile = f"ovf{uid}", "4008200003", "13900139003"
    admin = await open_tenant(platform_api, tenant, number)
    for ext in ("1001", "1002"):
        await admin.call("POST", f"/api/v1/tenants/{tenant}/seats", {"extension": ext}, expect=201)
    await admin.call(
        "PUT", f"/api/v1/tenants/{tenant}/seats/1002", {"forward_to": mobile}, expect=200
    )
    await admin.call(
        "POST",
        f"/api/v1/tenants/{tenant}/queues",
        {"name": "mobiles", "extension": "602", "members": [{"extension": "1002"}]},
        expect=201,
    )
    # 1001 never registers: callers wait 2 s, then overflow to the mobile queue.
    await admin.call(
        "POST",
        f"/api/v1/tenants/{tenant}/queues",
        {
            "name": "front",
            "extension": "601",
            "max_wait": 2,
            "members": [{"extension": "1001"}],
            "overflow": {"timeout": {"kind": "queue", "target": "mobiles"}},
        },
        expect=201,
    )
    await route(admin, tenant, number, {"type": "queue", "target": "front"})
    sync = platform_api.client.app[keys.SYNC]
    await wait_for(lambda: sync.state_of(f"{tenant}-1002") == "NOT_INUSE")

    async def mobile_rung() -> int:
        return (await mobile_calls(stack)).count(mobile)

    async with calling(stack, number, "13800000031"):
        assert await wait_for(lambda: queue_of_caller(platform_api, "13800000031")) == (
            f"{tenant}-front"
        )
        joined = time.monotonic()
        await wait_for(mobile_rung, timeout=15)
        waited = time.monotonic() - joined
        print(f"overflowed to the mobile {waited:.1f} s after joining (max wait 2 s)")
        assert 1.5 < waited < 6
        # The mobile is now on a call: its seat is INUSE, and a second caller who overflows
        # into the same queue waits instead of ringing it again.
        await wait_for(lambda: sync.state_of(f"{tenant}-1002") == "INUSE")
        async with calling(stack, number, "13800000032"):
            await wait_for(lambda: queue_of_caller(platform_api, "13800000032"), timeout=10)
            await asyncio.sleep(4)  # longer than a ring cycle plus retry (2 s)
            assert await queue_of_caller(platform_api, "13800000032") == f"{tenant}-mobiles"
            assert await mobile_rung() == 1
            # The control: once the mobile hangs up, the same waiting caller rings it, so
            # the wait above was the busy rule and not a queue that never rings.
            first = await mobile_channels(stack, mobile)
            for channel in first:
                await stack.carrier_ami.action("Hangup", Channel=channel)
            await wait_for(lambda: sync.state_of(f"{tenant}-1002") == "NOT_INUSE")
            rung_again = await wait_for(lambda: _new_channels(stack, mobile, first), timeout=10)
            assert len(rung_again) == 1


async def mobile_channels(stack: Stack, number: str) -> set[str]:
    """The carrier's channels receiving a call for ``number`` from the platform."""
    return {
        item["Channel"]
        for item in await stack.carrier_channels()
        if item.get("Context") == "from-platform" and item.get("Exten") == number
    }


async def _new_channels(stack: Stack, number: str, old: set[str]) -> set[str]:
    return await mobile_channels(stack, number) - old


async def test_a_callback_request_is_honoured_in_order(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    tenant, number = f"cbk{uid}", "4008200004"
    admin = await open_tenant(platform_api, tenant, number)
    _, seat = await admin.call(
        "POST", f"/api/v1/tenants/{tenant}/seats", {"extension": "1001"}, expect=201
    )
    await admin.call(
        "POST",
        f"/api/v1/tenants/{tenant}/queues",
        {
            "name": "service",
            "extension": "601",
            "callback_key": "1",
            "members": [{"extension": "1001"}],
        },
        expect=201,
    )
    await route(admin, tenant, number, {"type": "queue", "target": "service"})
    first, second = "13800000041", "13800000042"
    # Both wait in the queue (its only agent is not signed in), then press 1 and hang up.
    for caller in (first, second):
        async with calling(stack, number, caller):
            await wait_for(lambda c=caller: queue_of_caller(platform_api, c), timeout=10)
            await stack.carrier_ami.action(
                "PlayDTMF", Channel=await carrier_channel_of(stack, caller), Digit="1"
            )
            await wait_for(lambda c=caller: requested(stack, tenant, c), timeout=10)
    # Two stand-ins hold the places; when the agent signs in it takes them in order, and
    # each one calls the customer back through the carrier.
    agent = stack.phone(
        f"cb-{uid}",
        Account(seat["sip"]["username"], seat["sip"]["password"], REGISTRAR, auto_answer=True),
    )
    called: list[str] = []
    async with running(agent):
        for expected in (first, second):
            found = await wait_for(lambda: mobile_calls(stack), timeout=20)
            called.extend(n for n in found if n not in called)
            assert called[-1] == expected, called
            for item in await stack.carrier_channels():
                if item.get("Context") == "from-platform":
                    await stack.carrier_ami.action("Hangup", Channel=item["Channel"])
            await wait_for(lambda: _no_mobile_calls(stack), timeout=10)
    assert called == [first, second]


async def _no_mobile_calls(stack: Stack) -> bool:
    return not await mobile_calls(stack)


async def carrier_channel_of(stack: Stack, caller: str) -> str:
    """The carrier's own channel of an outgoing test call from ``caller``."""
    for item in await stack.carrier_channels():
        if item.get("Channel", "").startswith("PJSIP/platform") and caller in (
            item.get("CallerIDNum", ""),
            item.get("ConnectedLineNum", ""),
        ):
            return item["Channel"]
    raise AssertionError(f"no carrier channel for {caller}")


async def requested(stack: Stack, tenant: str, caller: str) -> bool:
    import asyncpg

    conn = await asyncpg.connect(stack.dsn)
    try:
        return bool(
            await conn.fetchval(
                "SELECT 1 FROM callbacks WHERE tenant_id = $1 AND number = $2", tenant, caller
            )
        )
    finally:
        await conn.close()


async def test_an_api_change_is_callable_within_a_second(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    tenant, number = f"live{uid}", "4008200005"
    admin = await open_tenant(platform_api, tenant, number)
    await add_queue(admin, tenant, "old", "601")
    await route(admin, tenant, number, {"type": "queue", "target": "old"})
    # A new queue, and the number moved to it; then a call straight away.
    changed_at = time.monotonic()
    await add_queue(admin, tenant, "new", "602")
    await route(admin, tenant, number, {"type": "queue", "target": "new"})
    saved_at = time.monotonic()
    async with calling(stack, number, "13800000051"):
        queue = await wait_for(
            lambda: queue_of_caller(platform_api, "13800000051"), timeout=5, interval=0.01
        )
        in_queue_at = time.monotonic()
    print(
        f"API change saved in {1000 * (saved_at - changed_at):.0f} ms;"
        f" call in the new queue {1000 * (in_queue_at - saved_at):.0f} ms after"
    )
    assert queue == f"{tenant}-new"
    assert in_queue_at - saved_at < 1.0


async def test_concurrent_call_cap_gives_busy_not_silence(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    tenant, number = f"cap{uid}", "4008200006"
    admin = await open_tenant(platform_api, tenant, number)
    await add_queue(admin, tenant, "q", "601")
    await route(admin, tenant, number, {"type": "queue", "target": "q", "max_calls": 1})
    hangups: list[dict[str, str]] = []
    stack.carrier_ami.on_raw(
        lambda e: (
            hangups.append(e)
            if e.get("Event") == "Hangup" and e.get("CallerIDNum") == "13800000062"
            else None
        )
    )
    async with calling(stack, number, "13800000061"):
        await wait_for(lambda: queue_of_caller(platform_api, "13800000061"))
        started = time.monotonic()
        with pytest.raises(AmiError):  # the carrier's call is not answered
            await stack.call_in(number, caller="13800000062")
        refused_after = time.monotonic() - started

        async def gone() -> bool:
            return "13800000062" not in str(
                await ami_of(platform_api).action_list("CoreShowChannels")
            )

        # Its channel ends as the carrier's ACK of the 486 arrives, a moment after the
        # carrier's originate reports the failure.
        await wait_for(gone, timeout=2)
        # The second caller hears busy (486, cause 17: "user busy"), not silence or a
        # dropped call: the announcement and the busy tone take their time first.
        await wait_for(lambda: hangups, timeout=5)
    assert hangups[0]["Cause"] == "17", hangups
    assert refused_after > 1.0
    print(f"over the cap: cause {hangups[0]['Cause']} after {refused_after:.1f} s")


async def test_outside_numbers_follow_the_tenants_patterns(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    tenant = f"out{uid}"
    admin = await open_tenant(platform_api, tenant, "4008200007")
    op = await platform_api.login(*OPERATOR)
    _, seat = await admin.call(
        "POST", f"/api/v1/tenants/{tenant}/seats", {"extension": "1001"}, expect=201
    )
    # International numbers are not in the default patterns: refused when saved.
    status, body = await admin.call(
        "PUT", f"/api/v1/tenants/{tenant}/seats/1001", {"forward_to": "0012125550100"}
    )
    assert status == 400 and body["details"]["field"] == "forward_to"
    status, body = await op.call(
        "PUT",
        f"/api/v1/tenants/{tenant}/limits",
        {"outbound_patterns": ["1[3-9]XXXXXXXXX", "00${EXTEN}"]},
    )
    assert status == 400 and body["details"]["field"] == "outbound_patterns[1]"
    # An IVR that points at an outside number outside the patterns is refused too.
    status, body = await admin.call(
        "PUT",
        f"/api/v1/tenants/{tenant}/ivrs/main",
        {
            "entry": "m",
            "menus": {
                "m": {
                    "prompt": "silence/1",
                    "options": {"1": {"kind": "external", "target": "900123"}},
                }
            },
        },
    )
    assert status == 400 and body["details"]["field"] == "menus.m.options.1.target"

    # At call time: the seat's phone dials an international number (outside the patterns)
    # and the carrier never sees it; a mobile number inside them reaches the carrier.
    sip = seat["sip"]
    phone = stack.phone(
        f"out-{uid}", Account(sip["username"], sip["password"], REGISTRAR, auto_answer=True)
    )
    sync = platform_api.client.app[keys.SYNC]
    async with running(phone):
        await wait_for(lambda: sync.state_of(f"{tenant}-1001") == "NOT_INUSE", timeout=15)
        for refused in ("0012125550100", "900123"):
            closed = phone.seen("CALL_CLOSED")
            await phone.command("dial", f"sip:{refused}@{REGISTRAR}")
            await wait_for(lambda c=closed: phone.seen("CALL_CLOSED") > c, timeout=10)
            assert refused not in await mobile_calls(stack)
        allowed = "13912345678"
        async with dialling(phone, allowed):
            await wait_for(lambda: reaching(stack, allowed), timeout=10)


@contextlib.asynccontextmanager
async def dialling(phone: SoftPhone, number: str) -> AsyncIterator[None]:
    """A tenant's phone calls ``number`` through the platform; hung up at the end."""
    closed = phone.seen("CALL_CLOSED")
    await phone.command("dial", f"sip:{number}@{REGISTRAR}")
    try:
        yield
    finally:
        await phone.command("hangup")
        await wait_for(lambda: phone.seen("CALL_CLOSED") > closed, timeout=10)


async def reaching(stack: Stack, number: str) -> bool:
    """Whether the carrier is receiving a call for ``number`` from the platform."""
    return number in await mobile_calls(stack)


def tone_wav(seconds: float = 1.0, hz: int = 700) -> bytes:
    """A 16-bit mono 8 kHz WAV of a sine tone."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(
            b"".join(
                struct.pack("<h", int(6000 * math.sin(2 * math.pi * hz * i / 8000)))
                for i in range(int(8000 * seconds))
            )
        )
    return buf.getvalue()


async def test_an_uploaded_prompt_is_played_by_the_ivr(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    tenant, number = f"pmt{uid}", "4008200008"
    admin = await open_tenant(platform_api, tenant, number)
    audio = tone_wav()
    resp = await platform_api.client.put(
        f"/api/v1/tenants/{tenant}/prompts/welcome",
        data=audio,
        headers={"Authorization": f"Bearer {admin.token}", "Content-Type": "audio/wav"},
    )
    assert resp.status == 200, await resp.text()
    # Not a WAV of the right kind: refused, naming the field.
    bad = await platform_api.client.put(
        f"/api/v1/tenants/{tenant}/prompts/noise",
        data=b"RIFF....WAVEfmt garbage",
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert bad.status == 400 and (await bad.json())["details"]["field"] == "audio"
    await add_queue(admin, tenant, "q", "601")
    status, body = await admin.call(
        "PUT",
        f"/api/v1/tenants/{tenant}/ivrs/main",
        {"entry": "m", "menus": {"m": {"prompt": "tenant/missing"}}},
    )
    assert status == 404 and body["details"]["field"] == "menus.m.prompt"
    await admin.call(
        "PUT",
        f"/api/v1/tenants/{tenant}/ivrs/main",
        {
            "entry": "m",
            "greeting": "tenant/welcome",
            "menus": {
                "m": {
                    "prompt": "tenant/welcome",
                    "options": {"1": {"kind": "queue", "target": "q"}},
                }
            },
        },
        expect=200,
    )
    await route(admin, tenant, number, {"type": "ivr", "target": "main"})
    mirrored = stack.platform.host_dir / "prompts" / tenant / "welcome.wav"
    await wait_for(lambda: mirrored.exists() and mirrored.read_bytes() == audio)
    log = stack.platform.host_dir / "log" / "messages.log"
    async with calling(stack, number, "13800000081", keys_="1", delay=3.0):
        await wait_for(lambda: queue_of_caller(platform_api, "13800000081"), timeout=15)
    played = f"/srv/callcenter/{stack.platform.name}/prompts/{tenant}/welcome"
    assert played in log.read_text(errors="replace")


async def test_a_number_routed_to_voicemail_records_a_message(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    tenant, number = f"vm{uid}", "4008200009"
    admin = await open_tenant(platform_api, tenant, number)
    await admin.call(
        "POST",
        f"/api/v1/tenants/{tenant}/mailboxes",
        {"mailbox": "100", "name": "Desk"},
        expect=201,
    )
    await route(admin, tenant, number, {"type": "voicemail", "target": "100"})
    inbox = stack.platform.host_dir / "spool" / "voicemail" / f"tenant-{tenant}" / "100" / "INBOX"
    await stack.call_in(number, caller="13800000091")  # the caller's side plays a tone
    await asyncio.sleep(11)  # the greeting (~6 s), the beep, then a few seconds of message
    for item in await stack.carrier_channels():
        await stack.carrier_ami.action("Hangup", Channel=item["Channel"])
    await wait_for(lambda: list(inbox.glob("msg0000.txt")), timeout=10)
    meta = (inbox / "msg0000.txt").read_text()
    assert "13800000091" in meta
    assert list(inbox.glob("msg0000.wav"))


async def test_a_removed_seat_cannot_register(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    tenant = f"rm{uid}"
    admin = await open_tenant(platform_api, tenant, "4008200010")
    _, seat = await admin.call(
        "POST", f"/api/v1/tenants/{tenant}/seats", {"extension": "1001"}, expect=201
    )
    creds = Account(seat["sip"]["username"], seat["sip"]["password"], REGISTRAR)
    sync = platform_api.client.app[keys.SYNC]
    before = stack.phone(f"rm-before-{uid}", creds)
    async with running(before):
        await wait_for(lambda: sync.state_of(f"{tenant}-1001") == "NOT_INUSE")
        await admin.call("DELETE", f"/api/v1/tenants/{tenant}/seats/1001", expect=204)
        await wait_for(lambda: sync.state_of(f"{tenant}-1001") == "UNAVAILABLE")
    after = stack.phone(f"rm-after-{uid}", creds)
    log = stack.sandbox.host_path(after.inner_dir) / "baresip.log"
    async with running(after):
        await wait_for(lambda: "401 Unauthorized" in log.read_text(errors="replace"))
        await asyncio.sleep(1)
    assert "200 OK" not in log.read_text(errors="replace")
    assert not await requested_contact(stack, f"{tenant}-1001")
    assert sync.state_of(f"{tenant}-1001") == "UNAVAILABLE"


async def requested_contact(stack: Stack, endpoint: str) -> bool:
    import asyncpg

    conn = await asyncpg.connect(stack.dsn)
    try:
        return bool(await conn.fetchval("SELECT 1 FROM ps_contacts WHERE endpoint = $1", endpoint))
    finally:
        await conn.close()


async def test_nobody_logged_in_overflows_at_once_and_outside_calls_respect_the_cap(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    tenant, number = f"emp{uid}", "4008200011"
    admin = await open_tenant(platform_api, tenant, number)
    op = await platform_api.login(*OPERATOR)
    await op.call(
        "PUT",
        f"/api/v1/tenants/{tenant}/limits",
        {"max_outbound": 1, "outbound_patterns": ["1[3-9]XXXXXXXXX"]},
        expect=200,
    )
    await admin.call("POST", f"/api/v1/tenants/{tenant}/seats", {"extension": "1001"}, expect=201)
    await add_queue(admin, tenant, "backup", "602")
    await admin.call(
        "POST",
        f"/api/v1/tenants/{tenant}/queues",
        {
            "name": "front",
            "extension": "601",
            "members": [{"extension": "1001"}],  # never signs in
            "overflow": {"empty": {"kind": "external", "target": "13900139011"}},
        },
        expect=201,
    )
    await route(admin, tenant, number, {"type": "queue", "target": "front"})

    async def outside() -> list[str]:
        return [n for n in await mobile_calls(stack) if n == "13900139011"]

    async with calling(stack, number, "13800000111"):
        # Nobody can answer "front": the caller goes straight to the outside number.
        await wait_for(outside, timeout=10)
        # A second caller overflows too, but the tenant may hold one outside call only:
        # the platform refuses it (busy) instead of placing a second one.
        async with calling(stack, number, "13800000112"):
            await asyncio.sleep(3)
            assert len(await outside()) == 1


async def test_removing_a_seat_does_not_cut_its_call_in_progress(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    tenant, number = f"cut{uid}", "4008200012"
    admin = await open_tenant(platform_api, tenant, number)
    _, seat = await admin.call(
        "POST", f"/api/v1/tenants/{tenant}/seats", {"extension": "1001"}, expect=201
    )
    await route(admin, tenant, number, {"type": "agent", "target": "1001"})
    phone = stack.phone(
        f"cut-{uid}",
        Account(seat["sip"]["username"], seat["sip"]["password"], REGISTRAR, auto_answer=True),
    )
    sync = platform_api.client.app[keys.SYNC]
    async with running(phone):
        await wait_for(lambda: sync.state_of(f"{tenant}-1001") == "NOT_INUSE")
        await stack.call_in(number, caller="13800000121")
        await phone.wait_event("CALL_ESTABLISHED", timeout=10)
        await admin.call("DELETE", f"/api/v1/tenants/{tenant}/seats/1001", expect=204)
        await asyncio.sleep(3)
        assert phone.seen("CALL_CLOSED") == 0, "the call went on"
        assert await carrier_channel_of(stack, "13800000121")
        await phone.command("hangup")
        await phone.wait_event("CALL_CLOSED", timeout=10)
