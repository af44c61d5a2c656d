"""Toll fraud through a spoofed trunk: an INVITE from an address that is not the carrier's is
never taken for the carrier, whatever endpoint name it claims and whichever transport it
uses. It is challenged (401) or refused (403) and reaches no dialplan context."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest
from e2e.test_routing import open_tenant, route

from callcenter.devstack.sip import probe_invite

from stack import CARRIER_HOST, PLATFORM_HTTP, PLATFORM_SIP, Stack
from support import ApiClient

pytestmark = pytest.mark.e2e

ATTACKER = "127.0.0.7"  # not the carrier (CARRIER_HOST), not on the SIP guard's allow-list


async def _tenant_with_number(api: ApiClient, tid: str, number: str) -> None:
    """A tenant whose number rings a queue with one seat."""
    admin = await open_tenant(api, tid, number)
    await admin.call("POST", f"/api/v1/tenants/{tid}/seats", {"extension": "1001"}, expect=201)
    await admin.call(
        "POST",
        f"/api/v1/tenants/{tid}/queues",
        {"name": "support", "extension": "600", "members": [{"extension": "1001"}]},
        expect=201,
    )
    await route(admin, tid, number.replace("-", ""), {"type": "queue", "target": "support"})


async def test_no_endpoint_name_from_a_foreign_address_reaches_a_tenant_number(
    stack: Stack, platform_api: ApiClient, db: Any, uid: str
) -> None:
    tid, other = "sp" + uid, "sq" + uid
    number = f"0755-{random.randint(2000, 9999)}-{random.randint(1000, 9999)}"
    digits = number.replace("-", "")
    await _tenant_with_number(platform_api, tid, number)
    await _tenant_with_number(platform_api, other, f"0755-{random.randint(2000, 9999)}-0000")
    await db.execute("DELETE FROM sip_blocks WHERE address = $1::inet", ATTACKER)
    # Every endpoint name the platform has: the trunk, seats of both tenants, and names
    # an attacker might guess at.
    names = ["carrier", f"{tid}-1001", f"{other}-1001", "anonymous", "platform", tid]
    ports = {"udp": PLATFORM_SIP, "tcp": PLATFORM_SIP, "ws": PLATFORM_HTTP}
    seen: dict[tuple[str, str], int] = {}
    try:
        for transport, port in ports.items():
            for name in names:
                seen[(transport, name)] = await probe_invite(
                    ATTACKER,
                    "127.0.0.1",
                    port,
                    transport=transport,
                    from_user=name,
                    to_user=digits,
                )
        assert {k: v for k, v in seen.items() if v not in (401, 403)} == {}, seen
        await asyncio.sleep(1.5)  # a channel that had been created would have its CDR by now
        leaked = await db.fetchval(
            "SELECT count(*) FROM cdr"
            " WHERE dst = $1 OR (dcontext = 'from-carrier' AND src = ANY($2))",
            digits,
            names,
        )
        assert leaked == 0
    finally:
        await db.execute("DELETE FROM sip_blocks WHERE address = $1::inet", ATTACKER)


async def test_the_real_carrier_still_reaches_the_number(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    """The control: the same INVITE from the carrier's address is taken as the trunk's."""
    tid = "sr" + uid
    number = f"0755-{random.randint(2000, 9999)}-{random.randint(1000, 9999)}"
    await _tenant_with_number(platform_api, tid, number)
    status = await probe_invite(
        CARRIER_HOST,
        "127.0.0.1",
        PLATFORM_SIP,
        transport="udp",
        from_user="13800138000",
        to_user=number.replace("-", ""),
    )
    assert status not in (401, 403, 0), status
