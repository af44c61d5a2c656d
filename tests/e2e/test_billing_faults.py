"""Nothing lost, nothing twice: during a burst of real calls, SIGKILL the control plane,
restart PostgreSQL (and SIGKILL the control plane while it is down), restart the platform
Asterisk; afterwards every completed call has exactly one billable record.

Runs its own stack: a private PostgreSQL (never the machine's shared one), its own platform
and carrier Asterisk, the control plane as a child process (so it can be SIGKILLed) and one
baresip process holding four agents.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest
import pytest_asyncio

from callcenter.ami.client import AmiClient
from callcenter.db.migrate import migrate
from callcenter.devstack.asterisk import AsteriskInstance
from callcenter.devstack.cluster import ClusterLayout, build_cluster
from callcenter.devstack.phones import Account, SoftPhone
from callcenter.devstack.sandbox import Sandbox

from stack import AMI_SECRET, AMI_USER, CARRIER_HOST, PLATFORM_SIP, PREFIX, SLOT
from support import OPERATOR

pytestmark = pytest.mark.e2e

PG_BIN = next(Path("/usr/lib/postgresql").glob("*/bin"))
PG_PORT = 5411 + 10 * SLOT
SIP, AMI, CARRIER_AMI, HTTP = PLATFORM_SIP + 3, PLATFORM_SIP + 4, PLATFORM_SIP + 5, 8194 + 20 * SLOT
# The fault rigs' own cluster (edge + one node + carrier) on their private PostgreSQL.
FAULTS_LAYOUT = ClusterLayout(
    prefix=f"{PREFIX}-faults",
    sip_port=SIP,
    tls_port=PLATFORM_SIP + 6,
    ws_port=HTTP + 2,
    wss_port=HTTP + 3,
    ami_port=AMI,
    http_port=HTTP + 1,
    rtp_base=14500 + 2000 * SLOT,
    carrier_host=CARRIER_HOST,
    carrier_sip_port=SIP,
    carrier_ami_port=CARRIER_AMI,
    carrier_rtp_base=15500 + 2000 * SLOT,
    nodes=1,
)
NODE_IP = FAULTS_LAYOUT.node_ip(0)
TENANT, DID, AGENTS = "faulty", "4008006666", ("4001", "4002", "4003", "4004")
HOLD_S = 3
ROOT = Path(__file__).resolve().parents[2]


class PrivatePostgres:
    """A throwaway PostgreSQL cluster on its own port, run as the postgres user."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="cc-billing-pg-"))
        shutil.chown(self.dir, "postgres")
        self.data = self.dir / "data"
        self.dsn = f"postgresql://postgres@127.0.0.1:{port}/callcenter"

    async def _run(self, *argv: str) -> None:
        proc = await asyncio.create_subprocess_exec(
            "runuser", "-u", "postgres", "--", *argv,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        out, _ = await proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"{argv[0]} failed: {out.decode(errors='replace')}")

    async def init(self) -> None:
        await self._run(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-N"
        )

    async def start(self) -> None:
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        await self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", opts,
            "-l", str(self.dir / "log"), "-w", "start",
        )  # fmt: skip

    async def stop(self) -> None:
        await self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


class ControlPlane:
    """``callcenter serve`` as a child process."""

    def __init__(self, dsn: str) -> None:
        self.spool = tempfile.mkdtemp(prefix="cc-billing-spool-")
        self.env = {
            **os.environ,
            "CALLCENTER_DSN": dsn,
            "CALLCENTER_HTTP_PORT": str(HTTP),
            "CALLCENTER_AMI_HOST": NODE_IP,
            "CALLCENTER_AMI_PORT": str(AMI),
            "CALLCENTER_AMI_USERNAME": AMI_USER,
            "CALLCENTER_AMI_SECRET": AMI_SECRET,
            "CALLCENTER_SIP_PORT": str(SIP),
            "CALLCENTER_OPERATOR_PASSWORD": OPERATOR[1],
            "CALLCENTER_JWT_SECRET": secrets.token_urlsafe(40),
            "PYTHONPATH": str(ROOT / "platform"),
            "CALLCENTER_CDR_SPOOL_DIR": self.spool,
        }
        self.process: asyncio.subprocess.Process | None = None
        self.log = Path(tempfile.gettempdir()) / f"cc-billing-faults-{SLOT}.log"

    async def start(self) -> None:
        with open(self.log, "ab") as log:  # noqa: ASYNC230 - test setup
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "callcenter", "serve",
                env=self.env, stdout=log, stderr=log,
            )  # fmt: skip
        async with aiohttp.ClientSession() as http:
            for _ in range(200):
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(f"http://127.0.0.1:{HTTP}/healthz") as resp:
                        if resp.status == 200 and (await resp.json())["ami"]:
                            return
                await asyncio.sleep(0.1)
        raise RuntimeError(f"control plane did not come up; see {self.log}")

    async def kill(self) -> None:
        if self.process and self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)
            await self.process.wait()

    async def stop(self) -> None:
        if self.process and self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except TimeoutError:
                await self.kill()


@dataclass
class Rig:
    pg: PrivatePostgres
    platform: AsteriskInstance
    carrier: AsteriskInstance
    carrier_ami: AmiClient
    control: ControlPlane
    sandbox: Sandbox


@pytest_asyncio.fixture
async def rig() -> AsyncIterator[Rig]:
    pg = PrivatePostgres(PG_PORT)
    await pg.init()
    await pg.start()
    sandbox = await Sandbox.ensure()
    cluster = build_cluster(sandbox, pg.dsn, AMI_USER, AMI_SECRET, FAULTS_LAYOUT)
    platform, carrier = cluster.platform, cluster.carrier
    control = ControlPlane(pg.dsn)
    carrier_ami = AmiClient("127.0.0.1", CARRIER_AMI, AMI_USER, AMI_SECRET)
    try:
        await migrate(pg.dsn)
        await cluster.register(pg.dsn)
        await cluster.start()
        await carrier_ami.start()
        await carrier_ami.wait_ready()
        await control.start()
        yield Rig(pg, platform, carrier, carrier_ami, control, sandbox)
    finally:
        await control.stop()
        await carrier_ami.stop()
        await cluster.stop()
        with contextlib.suppress(RuntimeError):
            await pg.stop()
        pg.remove()
        shutil.rmtree(control.spool, ignore_errors=True)


async def api(http: aiohttp.ClientSession, method: str, path: str, body: Any, token: str) -> Any:
    async with http.request(
        method,
        f"http://127.0.0.1:{HTTP}{path}",
        json=body,
        headers={"Authorization": f"Bearer {token}"} if token else {},
    ) as resp:
        assert resp.status < 300, (method, path, resp.status, await resp.text())
        return await resp.json() if resp.content_type == "application/json" else None


async def provision(rig: Rig) -> list[Account]:
    async with aiohttp.ClientSession() as http:
        op = (
            await api(
                http,
                "POST",
                "/api/v1/auth/token",
                {"username": OPERATOR[0], "password": OPERATOR[1]},
                "",
            )
        )["token"]
        admin_login = {"username": f"{TENANT}-admin", "password": "admin-password"}
        await api(
            http,
            "POST",
            "/api/v1/tenants",
            {"id": TENANT, "name": "Faulty", "admin": admin_login},
            op,
        )
        await api(http, "POST", f"/api/v1/tenants/{TENANT}/numbers", {"number": DID}, op)
        admin = (await api(http, "POST", "/api/v1/auth/token", admin_login, ""))["token"]
        accounts = []
        for ext in AGENTS:
            seat = await api(
                http, "POST", f"/api/v1/tenants/{TENANT}/seats", {"extension": ext}, admin
            )
            sip = seat["sip"]
            accounts.append(Account(sip["username"], sip["password"], sip["registrar"]))
        await api(
            http,
            "POST",
            f"/api/v1/tenants/{TENANT}/queues",
            {
                "name": "support",
                "extension": "640",
                "strategy": "rrmemory",
                "members": [{"extension": e} for e in AGENTS],
            },
            admin,
        )
        await api(
            http,
            "PUT",
            f"/api/v1/tenants/{TENANT}/numbers/{DID}/route",
            {"type": "queue", "target": "support"},
            admin,
        )
    return accounts


@dataclass
class Burst:
    """Calls placed from the carrier, each held HOLD_S seconds by the caller side."""

    rig: Rig
    answered: dict[str, tuple[float, float]] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    seq: int = 0

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
        up = time.monotonic()
        self.answered[caller] = (up, up + HOLD_S)

    def place(self) -> None:
        self.seq += 1
        task = asyncio.ensure_future(self._call(f"1390000{self.seq:04d}"))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def run(self, seconds: float, every: float = 0.8) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if self.rig.carrier_ami.connected:
                self.place()
            await asyncio.sleep(every)

    async def drain(self) -> None:
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)
        await asyncio.sleep(HOLD_S + 2)


async def test_every_completed_call_has_exactly_one_billable_record_despite_faults(
    rig: Rig,
) -> None:
    accounts = await provision(rig)
    sip_port = 25100 + 400 * SLOT + 300
    phone = SoftPhone(rig.sandbox, f"{PREFIX}-faults-agents", sip_port, sip_port + 2000, accounts)
    burst = Burst(rig)
    outages: list[tuple[float, float]] = []  # calls up across these were cut, not completed
    pg_down: tuple[float, float] = (0.0, 0.0)
    await phone.start()
    try:
        await asyncio.sleep(2)  # registrations reach the control plane's device states
        await burst.run(4)

        # 1. The control plane dies (SIGKILL) mid-burst; cdr_pgsql still writes.
        await rig.control.kill()
        await burst.run(4)
        await rig.control.start()
        await burst.run(3)

        # 2. PostgreSQL stops while calls are up: their CDRs end while it is down, so
        #    cdr_pgsql drops them; the control plane's AMI path spools them. Then, worse, the
        #    control plane is SIGKILLed before PostgreSQL is back: its restart replays the spool.
        await asyncio.sleep(1)
        down = time.monotonic()
        await rig.pg.stop()
        await asyncio.sleep(HOLD_S + 1)
        await rig.control.kill()
        await rig.pg.start()
        pg_down = (down, time.monotonic())
        await rig.control.start()
        await burst.run(4)

        # 3. The platform Asterisk restarts mid-burst (calls up at that moment are cut).
        cut = time.monotonic()
        await rig.platform.stop()
        await rig.platform.start()
        outages.append((cut, time.monotonic()))
        await asyncio.sleep(3)  # AMI reconnect and re-sync of device states
        await burst.run(4)
        await burst.drain()
    finally:
        await phone.stop()

    completed = {
        caller
        for caller, (up, end) in burst.answered.items()
        if not any(up - 1 < stop and end + 1 > start for start, stop in outages)
    }
    ended_while_pg_down = [
        c for c, (_, end) in burst.answered.items() if pg_down[0] < end < pg_down[1]
    ]
    print(
        f"calls: {burst.seq} placed, {len(burst.answered)} answered, {len(completed)} completed,"
        f" {len(ended_while_pg_down)} ended while PostgreSQL was down, {len(burst.failed)} failed"
    )
    assert len(completed) >= 10
    assert ended_while_pg_down, "the PostgreSQL outage caught calls in progress"

    conn = await asyncpg.connect(rig.pg.dsn)
    try:
        deadline = time.monotonic() + 20
        while True:  # the AMI path catches up after PostgreSQL is back
            have = {
                r["src"]
                for r in await conn.fetch(
                    "SELECT DISTINCT src FROM cdr WHERE tenantid = $1 AND disposition = 'ANSWERED'",
                    TENANT,
                )
            }
            if completed <= have or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
        period = datetime.now(UTC).strftime("%Y-%m")
        async with aiohttp.ClientSession() as http:
            op = (
                await api(
                    http,
                    "POST",
                    "/api/v1/auth/token",
                    {"username": OPERATOR[0], "password": OPERATOR[1]},
                    "",
                )
            )["token"]
            await api(http, "POST", "/api/v1/billing/runs", {"period": period}, op)
        per_caller = await conn.fetch(
            "SELECT c.src, count(DISTINCT r.call_id) AS billed"
            " FROM cdr c JOIN billing_rated_calls r"
            "   ON r.tenant_id = c.tenantid AND r.call_id = c.linkedid"
            " WHERE c.tenantid = $1 GROUP BY c.src",
            TENANT,
        )
        billed = {r["src"]: r["billed"] for r in per_caller}
        missing = sorted(completed - billed.keys())
        assert not missing, f"completed calls without a billable record: {missing}"
        assert all(n == 1 for n in billed.values()), billed
        assert set(billed) <= set(burst.answered), "only answered calls are billed"
        paths = await conn.fetch(
            "SELECT src, coalesce(nullif(written_by, ''), 'cdr_pgsql') AS path FROM cdr"
            " WHERE tenantid = $1 AND disposition = 'ANSWERED'",
            TENANT,
        )
        by_path: dict[str, int] = {}
        for r in paths:
            by_path[r["path"]] = by_path.get(r["path"], 0) + 1
        print(f"answered legs by path: {by_path}")
        via_ami = {r["src"] for r in paths if r["path"] == "ami"}
        assert set(ended_while_pg_down) <= via_ami, "the AMI path wrote what cdr_pgsql dropped"
        duplicates = await conn.fetchval(
            "SELECT count(*) FROM (SELECT uniqueid, sequence FROM cdr"
            " GROUP BY 1, 2 HAVING count(*) > 1) d"
        )
        assert duplicates == 0
    finally:
        await conn.close()
