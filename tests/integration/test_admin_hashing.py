"""Creating users hashes their password off the event loop: a burst of new agents does not
stall the server (scrypt on the loop held every other request for its whole duration)."""

from __future__ import annotations

import asyncio
import time

from support import OPERATOR, ApiClient, healthz_delays

AGENTS = 12


async def test_a_burst_of_new_agents_leaves_healthz_fast(api: ApiClient, uid: str) -> None:
    op = await api.login(*OPERATOR)
    tid = f"hs{uid}"
    await op.call(
        "POST",
        "/api/v1/tenants",
        {"id": tid, "name": tid, "admin": {"username": f"{tid}-a", "password": "pw-1234567"}},
        expect=201,
    )
    admin = await api.login(f"{tid}-a", "pw-1234567")
    for i in range(AGENTS):
        await admin.call(
            "POST", f"/api/v1/tenants/{tid}/seats", {"extension": f"{1001 + i}"}, expect=201
        )
    async with healthz_delays(api.client, interval=0.005) as delays:
        await asyncio.sleep(0.05)
        started = time.perf_counter()
        results = await asyncio.gather(
            *(
                admin.call(
                    "POST",
                    f"/api/v1/tenants/{tid}/agents",
                    {
                        "username": f"{tid}-ag{i}",
                        "password": "agent-password",
                        "extension": f"{1001 + i}",
                        "device": "sip",
                    },
                )
                for i in range(AGENTS)
            )
        )
        took = time.perf_counter() - started
    # Every agent made (or, past the hashing queue's bound, a clear 429), none lost.
    assert {status for status, _ in results} <= {201, 429}, results
    assert sum(status == 201 for status, _ in results) >= AGENTS // 2
    # While twelve scrypts ran, healthz kept answering: its slowest probe is well under the
    # time the whole burst took (on the loop, one probe waited for all of it).
    assert max(delays) < max(0.25, took / 2), (max(delays), took)
