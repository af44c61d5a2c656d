"""Whisper and barge, heard for real: the caller, the agent and the supervisor each send a
tone of their own, and each side's recording shows whose voice reached it. Listen: the
supervisor hears both, nobody hears the supervisor. Whisper: the agent hears the supervisor,
the caller does not. Barge: both do."""

from __future__ import annotations

import asyncio
import math
import struct
from pathlib import Path
from typing import Any

import pytest
from e2e.test_routing import carrier_channel_of, open_tenant, route

from callcenter import keys
from callcenter.devstack.phones import Account

from stack import PLATFORM_SIP, Stack, running
from support import ApiClient, wait_for

pytestmark = pytest.mark.e2e
REGISTRAR = f"127.0.0.1:{PLATFORM_SIP}"
CALLER_HZ, AGENT_HZ, SUPERVISOR_HZ = 1004, 440, 1800  # the carrier's caller plays Milliwatt


def tone_share(pcm: bytes, rate: int, hz: float) -> float:
    """Share of the signal's power at ``hz`` (Goertzel over 20 ms blocks), 0..1."""
    samples = struct.unpack(f"<{len(pcm) // 2}h", pcm[: len(pcm) // 2 * 2])
    block = rate // 50
    coeff = 2 * math.cos(2 * math.pi * hz / rate)
    at, total = 0.0, 0.0
    for start in range(0, len(samples) - block + 1, block):
        s1 = s2 = 0.0
        chunk = samples[start : start + block]
        for x in chunk:
            s1, s2 = x + coeff * s1 - s2, s1
        at += (s1 * s1 + s2 * s2 - coeff * s1 * s2) * 2 / block
        total += sum(x * x for x in chunk)
    return at / total if total else 0.0


class Heard:
    """A growing WAV file; ``mark`` and ``since`` cut the audio of one window out of it."""

    def __init__(self, path: Path, rate: int) -> None:
        self.path, self.rate, self._mark = path, rate, 0

    def _size(self) -> int:
        return self.path.stat().st_size if self.path.exists() else 0

    def mark(self) -> None:
        self._mark = self._size()

    def grown(self, seconds: float) -> bool:
        """At least ``seconds`` of audio written since the mark (files are written in bursts)."""
        return self._size() - self._mark >= int(self.rate * 2 * seconds)

    def since(self) -> bytes:
        with self.path.open("rb") as f:
            f.seek(max(self._mark, 44))
            return f.read()


async def test_whisper_reaches_only_the_agent_and_barge_reaches_both(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    tenant, number = f"wb{uid}", "4008200195"
    admin = await open_tenant(platform_api, tenant, number)
    sip = {}
    for ext in ("1001", "1009"):
        _, seat = await admin.call(
            "POST", f"/api/v1/tenants/{tenant}/seats", {"extension": ext}, expect=201
        )
        sip[ext] = seat["sip"]
    await admin.call(
        "PUT", f"/api/v1/tenants/{tenant}/seats/1009", {"supervisor": True}, expect=200
    )
    await route(admin, tenant, number, {"type": "agent", "target": "1001"})

    def account(ext: str) -> Account:
        return Account(sip[ext]["username"], sip[ext]["password"], REGISTRAR, auto_answer=True)

    agent = stack.phone(f"wba-{uid}", account("1001"), tone_hz=AGENT_HZ, record=True)
    supervisor = stack.phone(f"wbs-{uid}", account("1009"), tone_hz=SUPERVISOR_HZ, record=True)
    caller_file = f"heard-{uid}.wav"
    sync = platform_api.client.app[keys.SYNC]
    async with running(agent, supervisor):
        await wait_for(
            lambda: all(sync.state_of(f"{tenant}-{e}") == "NOT_INUSE" for e in ("1001", "1009"))
        )
        await stack.carrier_ami.originate(
            Channel=f"PJSIP/{number}@platform",
            Context="caller",
            Exten="tone_rec",
            Priority=1,
            CallerID='"13800000951" <13800000951>',
            Variable=f"HEARD_FILE={stack.carrier.inner_dir}/{caller_file}",
            Timeout=20000,
            timeout=30,
        )
        await agent.wait_event("CALL_ESTABLISHED", timeout=10)
        caller = Heard(stack.carrier.host_dir / caller_file, 8000)
        at_agent = Heard(agent.heard_wav, 48000)
        at_supervisor = Heard(supervisor.heard_wav, 48000)
        shares: dict[str, dict[str, float]] = {}
        try:
            for mode in ("listen", "whisper", "barge"):
                calls = supervisor.seen("CALL_ESTABLISHED")
                await admin.call(
                    "POST",
                    f"/api/v1/tenants/{tenant}/supervision",
                    {"supervisor": "1009", "agent": "1001", "mode": mode},
                    expect=201,
                )
                await wait_for(lambda c=calls: supervisor.seen("CALL_ESTABLISHED") > c, 10)
                await asyncio.sleep(1.0)  # the spy is in; file buffers have caught up
                for heard in (caller, at_agent, at_supervisor):
                    heard.mark()
                await asyncio.sleep(2.0)
                # Judge two seconds of each side's audio, however late its writer flushes.
                await wait_for(
                    lambda: all(h.grown(2.0) for h in (caller, at_agent, at_supervisor)), 10
                )
                shares[mode] = {
                    "caller hears supervisor": tone_share(caller.since(), 8000, SUPERVISOR_HZ),
                    "agent hears supervisor": tone_share(at_agent.since(), 48000, SUPERVISOR_HZ),
                    "supervisor hears caller": tone_share(at_supervisor.since(), 48000, CALLER_HZ),
                    "supervisor hears agent": tone_share(at_supervisor.since(), 48000, AGENT_HZ),
                }
                closed = supervisor.seen("CALL_CLOSED")
                await supervisor.command("hangup")
                await wait_for(lambda c=closed: supervisor.seen("CALL_CLOSED") > c, 10)
                await asyncio.sleep(0.5)
        finally:
            await stack.carrier_ami.action(
                "Hangup", Channel=await carrier_channel_of(stack, "13800000951")
            )
    print({m: {k: round(v, 3) for k, v in s.items()} for m, s in shares.items()})
    heard: dict[str, Any] = {m: {k: v > 0.05 for k, v in s.items()} for m, s in shares.items()}
    both = {"supervisor hears caller": True, "supervisor hears agent": True}
    assert heard["listen"] == {
        "caller hears supervisor": False,
        "agent hears supervisor": False,
        **both,
    }
    assert heard["whisper"] == {
        "caller hears supervisor": False,
        "agent hears supervisor": True,
        **both,
    }
    assert heard["barge"] == {
        "caller hears supervisor": True,
        "agent hears supervisor": True,
        **both,
    }
    # Nothing in between: what is heard is loud, what is not is absent.
    for s in shares.values():
        assert all(v > 0.05 or v < 0.005 for v in s.values()), shares
