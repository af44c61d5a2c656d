"""Seats stay live although Asterisk caches them: a new seat registers, a deleted one is
refused, a new password replaces the old one, all within a second of the API's answer.

Asterisk keeps seats' endpoints, auths and AORs in sorcery memory caches
(asterisk_conf/platform/sorcery.conf); the control plane expires exactly the changed
objects once its transaction commits (asterisk/cache.py, cc-control's ``sorcery-expire``).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import pytest
from e2e.test_routing import REGISTRAR, dialling, mobile_calls, open_tenant, reaching

from callcenter import keys
from callcenter.devstack.phones import Account
from callcenter.devstack.sip import SipRegistrar
from callcenter.errors import DomainError

from stack import PLATFORM_SIP, Stack, running
from support import OPERATOR, ApiClient, wait_for

pytestmark = pytest.mark.e2e

LIVE_S = 1.0  # a change counts from the API's answer to Asterisk following it


async def cached(stack: Stack, cache: str, name: str) -> bool:
    """Whether Asterisk's memory cache ``cache`` holds the object ``name`` now."""
    return name in (await stack.platform.cli(f"sorcery memory cache dump {cache}")).split()


async def seat(admin: ApiClient, tenant: str, extension: str) -> dict[str, Any]:
    """A new seat's SIP credentials."""
    _, body = await admin.call(
        "POST", f"/api/v1/tenants/{tenant}/seats", {"extension": extension}, expect=201
    )
    sip: dict[str, Any] = body["sip"]
    return sip


async def registers_within(user: str, password: str, seconds: float) -> float:
    """Seconds until a REGISTER with these credentials gets 200 (retried until then)."""
    started = time.monotonic()
    async with SipRegistrar("127.0.0.1", "127.0.0.1", PLATFORM_SIP) as phone:
        while await phone.register(user, password) != 200:
            assert time.monotonic() - started < seconds, f"{user} not registered in {seconds} s"
    return time.monotonic() - started


async def refused_within(user: str, password: str, seconds: float) -> float:
    """Seconds until a REGISTER with these credentials is refused (retried until then)."""
    started = time.monotonic()
    async with SipRegistrar("127.0.0.1", "127.0.0.1", PLATFORM_SIP) as phone:
        while await phone.register(user, password) == 200:
            assert time.monotonic() - started < seconds, f"{user} still registers after {seconds} s"
    return time.monotonic() - started


async def test_seats_are_served_from_asterisks_memory_cache(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    tenant = f"sc{uid}"
    admin = await open_tenant(platform_api, tenant, "4008200301")
    sip = await seat(admin, tenant, "1001")
    user = sip["username"]
    await registers_within(user, sip["password"], LIVE_S)
    # The REGISTER read the seat from PostgreSQL once; Asterisk keeps it in memory since.
    for cache in ("cc_endpoints", "cc_auths", "cc_aors"):
        assert await cached(stack, cache, user), cache


async def test_a_new_seat_registers_within_a_second_of_the_api_answer(
    platform_api: ApiClient, uid: str
) -> None:
    tenant = f"sn{uid}"
    admin = await open_tenant(platform_api, tenant, "4008200302")
    sip = await seat(admin, tenant, "1001")
    assert await registers_within(sip["username"], sip["password"], LIVE_S) < LIVE_S


async def test_a_deleted_seat_is_refused_within_a_second_though_it_was_cached(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    tenant = f"sd{uid}"
    admin = await open_tenant(platform_api, tenant, "4008200303")
    sip = await seat(admin, tenant, "1001")
    user, password = sip["username"], sip["password"]
    await registers_within(user, password, LIVE_S)
    assert await cached(stack, "cc_auths", user)
    await admin.call("DELETE", f"/api/v1/tenants/{tenant}/seats/1001", expect=204)
    for cache in ("cc_endpoints", "cc_auths", "cc_aors"):
        assert not await cached(stack, cache, user), cache
    assert await refused_within(user, password, LIVE_S) < LIVE_S


async def test_a_reset_password_replaces_the_cached_one_within_a_second(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    tenant = f"sp{uid}"
    admin = await open_tenant(platform_api, tenant, "4008200304")
    sip = await seat(admin, tenant, "1001")
    user, old = sip["username"], sip["password"]
    await registers_within(user, old, LIVE_S)
    assert await cached(stack, "cc_auths", user)
    _, body = await admin.call(
        "POST", f"/api/v1/tenants/{tenant}/seats/1001/credentials", expect=200
    )
    new = body["sip"]["password"]
    assert new != old
    # Exactly what changed is expired: the password, not the endpoint or the AOR.
    assert not await cached(stack, "cc_auths", user)
    assert await cached(stack, "cc_endpoints", user)
    assert await cached(stack, "cc_aors", user)
    assert await refused_within(user, old, LIVE_S) < LIVE_S
    assert await registers_within(user, new, LIVE_S) < LIVE_S


async def test_a_renamed_seat_shows_its_new_name_at_once(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    tenant = f"sr{uid}"
    admin = await open_tenant(platform_api, tenant, "4008200305")
    sip = await seat(admin, tenant, "1001")
    await registers_within(sip["username"], sip["password"], LIVE_S)
    assert await cached(stack, "cc_endpoints", sip["username"])
    await admin.call(
        "PUT", f"/api/v1/tenants/{tenant}/seats/1001", {"name": "Renamed Desk"}, expect=200
    )
    shown = await stack.platform.cli(f"pjsip show endpoint {sip['username']}")
    assert "Renamed Desk" in shown


async def test_suspension_needs_no_expiry_the_dialplan_asks_per_call(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    """Suspension is not in the endpoint: cc-outbound reads the tenant's status per call, so
    a phone whose endpoint stays cached calls out while active and reaches nothing while
    suspended."""
    tenant, mobile = f"ss{uid}", "13900000731"
    admin = await open_tenant(platform_api, tenant, "4008200306")
    sip = await seat(admin, tenant, "1001")
    op = await platform_api.login(*OPERATOR)
    phone = stack.phone(
        f"ss-{uid}", Account(sip["username"], sip["password"], REGISTRAR, auto_answer=True)
    )
    sync = platform_api.client.app[keys.SYNC]
    async with running(phone):
        await wait_for(lambda: sync.state_of(sip["username"]) == "NOT_INUSE", timeout=15)
        assert await cached(stack, "cc_endpoints", sip["username"])
        await op.call("PUT", f"/api/v1/tenants/{tenant}/status", {"status": "suspended"})
        assert await cached(stack, "cc_endpoints", sip["username"])  # not expired
        closed = phone.seen("CALL_CLOSED")
        await phone.command("dial", f"sip:{mobile}@{REGISTRAR}")
        await wait_for(lambda: phone.seen("CALL_CLOSED") > closed, timeout=10)
        assert mobile not in await mobile_calls(stack)
        await op.call("PUT", f"/api/v1/tenants/{tenant}/status", {"status": "active"})
        async with dialling(phone, mobile):
            await wait_for(lambda: reaching(stack, mobile), timeout=LIVE_S)


async def test_an_ami_reconnect_expires_every_cached_seat(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    """Seats changed while the control plane was away are read afresh (the re-sync that runs
    on every AMI login, FullyBooted, starts by expiring the caches)."""
    tenant = f"sa{uid}"
    admin = await open_tenant(platform_api, tenant, "4008200307")
    sip = await seat(admin, tenant, "1001")
    await registers_within(sip["username"], sip["password"], LIVE_S)
    assert await cached(stack, "cc_endpoints", sip["username"])
    await platform_api.client.app[keys.SYNC].resync()
    for cache in ("cc_endpoints", "cc_auths", "cc_aors"):
        assert not await cached(stack, cache, sip["username"]), cache


async def test_the_expiry_job_refuses_anything_but_an_endpoint_id(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    tenant = f"sj{uid}"
    admin = await open_tenant(platform_api, tenant, "4008200308")
    sip = await seat(admin, tenant, "1001")
    await registers_within(sip["username"], sip["password"], LIVE_S)
    ami = platform_api.client.app[keys.AMI]
    marker = f"/tmp/cc-expire-{uid}"
    user = sip["username"]
    for hostile in (
        (f'{user}" ; touch {marker} ; "', "endpoints"),
        (f"$(touch {marker})", "endpoints"),
        (user, f"endpoints $(touch {marker})"),
        (user, f'endpoints"; touch {marker}; "'),
    ):
        with contextlib.suppress(DomainError):  # the job hangs up: the originate fails
            await ami.originate(
                Channel="Local/sorcery-expire@cc-control",
                Application="Wait",
                Data="0",
                Variable=[
                    f"CC_OBJECT={hostile[0]}",
                    f"CC_CACHES={hostile[1]}",
                    "CDR_PROP(disable)=1",  # as the control plane sends it: nothing to bill
                ],
                Timeout=5000,
                timeout=10,
            )
    # Where Asterisk's shell would have written it (inside the sandbox's chroot, if any).
    assert not await asyncio.to_thread(stack.sandbox.host_path(marker).exists)
    assert await cached(stack, "cc_endpoints", sip["username"])  # nothing expired either


async def test_an_agents_device_switch_reaches_the_cached_endpoint_at_once(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    """The browser softphone needs the endpoint's webrtc settings; a SIP app needs them off."""
    tenant = f"sw{uid}"
    admin = await open_tenant(platform_api, tenant, "4008200309")
    sip = await seat(admin, tenant, "1001")
    user = sip["username"]
    await admin.call(
        "POST",
        f"/api/v1/tenants/{tenant}/agents",
        {
            "username": f"{tenant}-ag",
            "password": "agent-password",
            "extension": "1001",
            "device": "sip",
        },
        expect=201,
    )
    await registers_within(user, sip["password"], LIVE_S)
    assert await cached(stack, "cc_endpoints", user)
    agent = await platform_api.login(f"{tenant}-ag", "agent-password")
    for device, webrtc in (("browser", "yes"), ("sip", "no")):
        await agent.call("PUT", "/api/v1/agent/device", {"device": device}, expect=200)
        shown = await stack.platform.cli(f"pjsip show endpoint {user}")
        line = next(x for x in shown.splitlines() if x.strip().startswith("webrtc "))
        assert line.split(":", 1)[1].strip() == webrtc, (device, line)
