"""Faults during load, each with its outcome asserted: the AMI connection cut, the control
plane SIGKILLed, PostgreSQL restarted, the platform Asterisk restarted.

Reuses the billing fault harness (private PostgreSQL, own Asterisk pair, the control plane as
a child process, one baresip process with four auto-answering agents); the control plane
reaches AMI through a proxy the test can cut.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import asyncpg
import pytest
import pytest_asyncio
from e2e.test_ami_supervision import CuttableProxy
from e2e.test_billing_faults import (
    AMI,
    CARRIER_AMI,
    DID,
    FAULTS_LAYOUT,
    HTTP,
    PG_PORT,
    TENANT,
    ControlPlane,
    PrivatePostgres,
    Rig,
    provision,
)

from callcenter.ami.client import AmiClient
from callcenter.db.migrate import migrate
from callcenter.devstack.cluster import build_cluster
from callcenter.devstack.phones import SoftPhone
from callcenter.devstack.sandbox import Sandbox

from stack import AMI_SECRET, AMI_USER, PREFIX, SLOT

pytestmark = pytest.mark.e2e

HOLD_S = 8  # long enough for a fault to happen while calls are up


@dataclass
class FaultRig:
    rig: Rig
    proxy: CuttableProxy
    phone: SoftPhone


@pytest_asyncio.fixture(scope="module")
async def frig() -> AsyncIterator[FaultRig]:
    pg = PrivatePostgres(PG_PORT)
    await pg.init()
    await pg.start()
    sandbox = await Sandbox.ensure()
    cluster = build_cluster(sandbox, pg.dsn, AMI_USER, AMI_SECRET, FAULTS_LAYOUT)
    platform, carrier = cluster.platform, cluster.carrier
    proxy = CuttableProxy(AMI, FAULTS_LAYOUT.node_ip(0))
    proxy_port = await proxy.start()
    control = ControlPlane(pg.dsn)
    control.env["CALLCENTER_AMI_HOST"] = "127.0.0.1"  # the proxy, in front of the node
    control.env["CALLCENTER_AMI_PORT"] = str(proxy_port)
    carrier_ami = AmiClient("127.0.0.1", CARRIER_AMI, AMI_USER, AMI_SECRET)
    phone: SoftPhone | None = None
    try:
        await migrate(pg.dsn)
        await cluster.register(pg.dsn)
        # The control plane opens the AMI of the node as registered: through the proxy.
        conn = await asyncpg.connect(pg.dsn)
        try:
            await conn.execute("UPDATE nodes SET ami_host = '127.0.0.1', ami_port = $1", proxy_port)
        finally:
            await conn.close()
        await cluster.start()
        await carrier_ami.start()
        await carrier_ami.wait_ready()
        await control.start()
        rig = Rig(pg, platform, carrier, carrier_ami, control, sandbox)
        accounts = await provision(rig)
        sip_port = 25100 + 400 * SLOT + 340
        phone = SoftPhone(sandbox, f"{PREFIX}-faults-agents", sip_port, sip_port + 2000, accounts)
        await phone.start()
        await asyncio.sleep(2)  # registrations reach the device states
        yield FaultRig(rig, proxy, phone)
    finally:
        if phone is not None:
            await phone.stop()
        await control.stop()
        await carrier_ami.stop()
        await proxy.stop()
        await cluster.stop()
        with contextlib.suppress(RuntimeError):
            await pg.stop()
        pg.remove()
        shutil.rmtree(control.spool, ignore_errors=True)


@dataclass
class Calls:
    """Carrier calls into the tenant's queue, each held HOLD_S s by the caller side."""

    rig: Rig
    prefix: str
    answered: dict[str, float] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def _call(self, caller: str) -> None:
        try:
            await self.rig.carrier_ami.originate(
                Channel=f"PJSIP/{DID}@platform",
                Application="Wait",
                Data=str(HOLD_S),
                CallerID=f'"{caller}" <{caller}>',
                Timeout=8000,
                timeout=15,
            )
        except Exception:
            self.failed.append(caller)
            return
        self.answered[caller] = time.monotonic()

    def place(self, n: int) -> None:
        for _ in range(n):
            caller = f"{self.prefix}{len(self.tasks) + len(self.answered) + len(self.failed):04d}"
            task = asyncio.ensure_future(self._call(caller))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def settle(self) -> None:
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)

    async def talk_seconds(self) -> dict[str, int]:
        """Billed seconds of each answered call, once all have ended (cdr_pgsql)."""
        await asyncio.sleep(HOLD_S + 2)
        conn = await asyncpg.connect(self.rig.pg.dsn)
        try:
            rows = await conn.fetch(
                "SELECT src, max(billsec) AS s FROM cdr WHERE tenantid = $1 AND src LIKE $2"
                " AND disposition = 'ANSWERED' GROUP BY src",
                TENANT,
                self.prefix + "%",
            )
        finally:
            await conn.close()
        return {r["src"]: r["s"] for r in rows}


async def health(http: aiohttp.ClientSession) -> tuple[int, dict[str, object]]:
    async with http.get(f"http://127.0.0.1:{HTTP}/healthz") as resp:
        return resp.status, await resp.json()


async def test_ami_cut_reconnects_within_two_seconds_and_calls_go_on(frig: FaultRig) -> None:
    calls = Calls(frig.rig, "1391")
    calls.place(2)  # four agents: two talking through the fault, two rung after it
    await asyncio.sleep(2)  # answered and talking
    cut = time.monotonic()
    frig.proxy.cut()  # both TCP halves aborted
    while not frig.proxy._pairs:  # the control plane's next AMI connection
        assert time.monotonic() - cut < 5, "no reconnect"
        await asyncio.sleep(0.005)
    took = time.monotonic() - cut
    async with aiohttp.ClientSession() as http:
        while not (await health(http))[1]["ami"]:
            assert time.monotonic() - cut < 5, "not logged in again"
            await asyncio.sleep(0.01)
        ready = time.monotonic() - cut
    await asyncio.sleep(0.5)  # re-sync of device states
    calls.place(2)  # new calls reach agents after the re-sync
    await calls.settle()
    talked = await calls.talk_seconds()
    print(
        f"AMI reconnected {took * 1000:.0f} ms after the cut, logged in at"
        f" {ready * 1000:.0f} ms; talk seconds {talked}"
    )
    assert ready < 2.0
    assert not calls.failed and len(talked) == 4, (calls.failed, talked)
    assert all(s >= HOLD_S - 1 for s in talked.values()), talked


async def test_control_plane_sigkill_drops_no_call_in_progress(frig: FaultRig) -> None:
    calls = Calls(frig.rig, "1392")
    calls.place(2)
    await asyncio.sleep(2)
    await frig.rig.control.kill()
    calls.place(2)  # routing needs no control plane: new calls still reach agents
    await asyncio.sleep(2)
    await frig.rig.control.start()
    await calls.settle()
    talked = await calls.talk_seconds()
    print(f"talk seconds across a control-plane SIGKILL: {talked}")
    assert not calls.failed and len(talked) == 4, (calls.failed, talked)
    assert all(s >= HOLD_S - 1 for s in talked.values()), talked


async def test_postgresql_restart_gives_503_json_then_recovers_by_itself(frig: FaultRig) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"http://127.0.0.1:{HTTP}/api/v1/auth/token",
            json={"username": f"{TENANT}-admin", "password": "admin-password"},
        ) as resp:
            token = (await resp.json())["token"]
        auth = {"Authorization": f"Bearer {token}"}
        seats = f"http://127.0.0.1:{HTTP}/api/v1/tenants/{TENANT}/seats"
        await frig.rig.pg.stop()
        down = time.monotonic()
        try:
            for _ in range(3):
                async with http.get(seats, headers=auth) as resp:
                    body = await resp.json()
                    assert resp.status == 503, (resp.status, body)
                    assert body["error"] == "unavailable" and "message" in body
            status, _ = await health(http)
            assert status == 503
        finally:
            await frig.rig.pg.start()
        up = time.monotonic()
        while True:
            async with http.get(seats, headers=auth) as resp:
                if resp.status == 200:
                    break
                assert resp.status == 503
            assert time.monotonic() - up < 10, "the API did not recover by itself"
            await asyncio.sleep(0.1)
        recovered = time.monotonic() - up
    print(f"503 while down ({up - down:.1f} s); 200 again {recovered * 1000:.0f} ms after start")


async def test_asterisk_restart_rebuilds_state_and_agents_do_nothing(frig: FaultRig) -> None:
    await frig.rig.platform.stop()
    await frig.rig.platform.start()
    started = time.monotonic()
    async with aiohttp.ClientSession() as http:
        while not (await health(http))[1]["ami"]:
            assert time.monotonic() - started < 10
            await asyncio.sleep(0.05)
    # FullyBooted re-sync (contexts, device states), and the edge's dispatcher seeing the
    # node answer its pings again (one per second) before it sends it calls.
    await asyncio.sleep(3)
    calls = Calls(frig.rig, "1394")
    calls.place(4)  # the agents' phones did nothing: same registrations, same process
    await calls.settle()
    talked = await calls.talk_seconds()
    print(f"after an Asterisk restart: talk seconds {talked}")
    assert not calls.failed and len(talked) == 4, (calls.failed, talked)


async def test_a_pause_survives_an_asterisk_restart_without_the_agent_doing_anything(
    frig: FaultRig,
) -> None:
    base = f"http://127.0.0.1:{HTTP}/api/v1"
    platform_ami = AmiClient(FAULTS_LAYOUT.node_ip(0), AMI, AMI_USER, AMI_SECRET)
    await platform_ami.start()
    await platform_ami.wait_ready()

    async def paused_members() -> dict[str, bool]:
        # A caller-less QueueStatus loads the realtime queue; members list their pause flag.
        items = await platform_ami.action_list("QueueStatus", Queue=f"{TENANT}-support")
        return {
            i.get("StateInterface", i.get("Name", "")): i.get("Paused") == "1"
            for i in items
            if i.get("Event") == "QueueMember"
        }

    try:
        async with aiohttp.ClientSession() as http:

            async def call(method: str, path: str, body: object, token: str = "") -> Any:
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                async with http.request(method, base + path, json=body, headers=headers) as r:
                    assert r.status < 300, (path, r.status, await r.text())
                    return await r.json()

            login = {"username": f"{TENANT}-admin", "password": "admin-password"}
            admin = (await call("POST", "/auth/token", login))["token"]
            agent_login = {
                "username": "pat-agent",
                "password": "pat-password-1",
                "extension": "4001",
            }
            await call("POST", f"/tenants/{TENANT}/agents", agent_login, admin)
            creds = {k: agent_login[k] for k in ("username", "password")}
            token = (await call("POST", "/auth/token", creds))["token"]
            await call("POST", "/agent/login", None, token)
            await call("POST", "/agent/pause", {"reason": "lunch"}, token)
            member = f"Custom:{TENANT}-4001"
            assert (await paused_members()).get(member) is True

            await frig.rig.platform.stop()
            await frig.rig.platform.start()
            await platform_ami.wait_ready(timeout=15)
            await asyncio.sleep(1)
            after = await paused_members()
            print(f"queue members after the restart: {after}")
            assert after.get(member) is True, "the pause was restored without the agent"
            assert after.get(f"Custom:{TENANT}-4002") is False
            await call("POST", "/agent/unpause", None, token)
    finally:
        await platform_ami.stop()
