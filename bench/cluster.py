"""Issue 15's figures for the cluster: what the SIP edge (Kamailio) costs in front of the
Asterisk nodes, and how fast it gets a dead node's tenant served again.

Brings up its own cluster (the edge and two nodes, no carrier Asterisk) on its own ports and
its own PostgreSQL database, provisions three tenants through the control plane's API (run
in-process, AMI off) and prints, with the targets beside them:

1. setup latency added by the edge: sequential INVITEs from this script's own SIP client,
   interleaved, (a) through the edge from the carrier's address (a trunk call) and (b)
   straight to the node from the edge's internal address with the trunk mark the edge would
   add; INVITE -> 100 Trying and INVITE -> first response after it, p50/p90/p99 of each;
2. the edge's CPU per call relative to the node's, from /proc (utime + stime of every
   Kamailio process and of the node's Asterisk), during SIPp load through the edge;
3. calls held per node at 0 failures, edge in front versus straight to the node: SIPp ramps
   concurrent calls (each answered by an IVR and held) until a step fails;
4. failover: ``kill -9`` of the node a tenant is homed on, a call every 0.25 s until one is
   answered; kill -> first answer, over ``--kills`` kills.

    .venv/bin/python bench/cluster.py                     # quick: ~3 minutes
    .venv/bin/python bench/cluster.py --invites 1000 --ramp 200,400,800,1200 --rate 80
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import re
import secrets
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote, urlsplit, urlunsplit

import asyncpg
from aiohttp.test_utils import TestClient, TestServer

from callcenter.app import create_app
from callcenter.db.migrate import migrate
from callcenter.db.roles import APP_ROLE, ASTERISK_ROLE, ensure_login
from callcenter.devstack.cluster import Cluster, ClusterLayout, build_cluster
from callcenter.devstack.sandbox import Sandbox
from callcenter.settings import Settings

PG = os.environ.get("CALLCENTER_TEST_PG", "postgresql://postgres:postgres@127.0.0.1:5432")
# The test suite's login roles (tests/support.py): roles belong to the PostgreSQL cluster and
# every run shares them, with these passwords.
APP_LOGIN = ("callcenter_test_app", "test-app-db-password")
ASTERISK_LOGIN = ("callcenter_test_asterisk", "test-asterisk-db-password")
AMI_USER, AMI_SECRET = "callcenter", secrets.token_urlsafe(18)
OPERATOR = ("operator", "operator-" + secrets.token_urlsafe(12))

# Ports of this bench only (the tests use 5170+, bench/load.py 5370+, the demo 5060).
EDGE_SIP = 5400  # the edge's public UDP/TCP port and every node's SIP port (own address)
LAYOUT = ClusterLayout(
    prefix="cbench",
    sip_port=EDGE_SIP,
    tls_port=5401,
    ws_port=8400,
    wss_port=8401,
    ami_port=5438,
    http_port=8402,
    rtp_base=30000,
    carrier_host="127.0.0.2",  # registered as trunk `carrier`: calls from it are trunk calls
    carrier_sip_port=5439,  # the carrier Asterisk is never started here
    carrier_ami_port=5440,
    carrier_rtp_base=38000,
    rtp_ports=4000,
)
CARRIER = LAYOUT.carrier_host
INTERNAL = LAYOUT.internal_ip  # the only address the nodes accept SIP from
# This script's own SIP clients and SIPps: (address, port).
LAT_EDGE, LAT_DIRECT = (CARRIER, 5420), (INTERNAL, 5421)
SIPP_EDGE, SIPP_DIRECT = (CARRIER, 5422), (INTERNAL, 5423)
FAILOVER_CLIENT = (CARRIER, 5424)
SIPP_MEDIA = {"edge": 39100, "direct": 39200}  # SIPp's (unused) media ports

REFUSED, HELD, FAILOVER = "4008900001", "4008900002", "4008900003"
CALLER = "13800138000"
TRUNK_MARK = ("X-CC-Role", "trunk")  # what the edge adds to a trunk's calls for the node

PLACE_EVERY_S = 0.25  # failover: a new call this often until one is answered
TARGETS = {"latency_p50_ms": 2.0, "cpu_share": 0.05, "failover_s": 10.0}


# ---------------------------------------------------------------- pure helpers


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) by nearest rank; nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def spread(values: Sequence[float]) -> tuple[float, float, float]:
    """p50, p90 and p99."""
    return percentile(values, 0.5), percentile(values, 0.9), percentile(values, 0.99)


@dataclass(frozen=True)
class Step:
    """One SIPp step: the concurrency aimed at, what SIPp saw, and the CPU it cost."""

    side: str  # "edge" or "direct"
    target: int
    hold_s: float
    placed: int
    ok: int
    failed: int
    most_at_once: int  # SIPp's highest count of calls in progress
    cpu_s: dict[str, float]  # CPU seconds over the step: "edge", "edge_db", "node", "node_db"

    @property
    def clean(self) -> bool:
        """Every call placed completed."""
        return self.failed == 0 and self.ok == self.placed


def highest_clean(steps: Iterable[Step], side: str) -> int:
    """Calls held at once by ``side``'s biggest step without a failure (0 if none)."""
    return max((s.most_at_once for s in steps if s.side == side and s.clean), default=0)


def cpu_per_call(steps: Iterable[Step], side: str = "edge") -> dict[str, float]:
    """CPU seconds per completed call of each part, over ``side``'s clean steps (nan when
    there is none)."""
    chosen = [s for s in steps if s.side == side and s.clean and s.ok]
    calls = sum(s.ok for s in chosen)
    parts = {part for s in chosen for part in s.cpu_s}
    return {
        p: sum(s.cpu_s.get(p, 0.0) for s in chosen) / calls if calls else math.nan for p in parts
    }


MIN_CPU_S = 0.2


def cost_model(steps: Iterable[Step], side: str, part: str) -> tuple[float, float]:
    """``part``'s CPU seconds per call as ``a + b * hold`` (least squares over ``side``'s
    clean steps): (a, b); nan when the steps do not tell (fewer than two holds with at least
    ``MIN_CPU_S`` of CPU: /proc counts in 10 ms ticks)."""
    points = [
        (s.hold_s, s.cpu_s[part] / s.ok)
        for s in steps
        if s.side == side and s.clean and s.ok and s.cpu_s.get(part, 0.0) >= MIN_CPU_S
    ]
    if len({h for h, _ in points}) < 2:
        return math.nan, math.nan
    mh = statistics.fmean(h for h, _ in points)
    mc = statistics.fmean(c for _, c in points)
    b = sum((h - mh) * (c - mc) for h, c in points) / sum((h - mh) ** 2 for h, _ in points)
    return mc - b * mh, b


def share(part: float, whole: float) -> float:
    """``part / whole``; nan when ``whole`` is not positive."""
    return part / whole if whole > 0 else math.nan


def paired_differences(a: Sequence[float], b: Sequence[float]) -> list[float]:
    """``a[i] - b[i]`` for the pairs measured one after the other."""
    return [x - y for x, y in zip(a, b, strict=False)]


def client_ports(tcp_table: str, inodes: set[str], server_port: int) -> set[int]:
    """Local ports of the sockets ``inodes`` connected to ``server_port``, from the text
    of ``/proc/net/tcp`` (or tcp6)."""
    ports = set()
    for line in tcp_table.splitlines()[1:]:
        cols = line.split()
        if len(cols) < 10 or cols[9] not in inodes:
            continue
        if int(cols[2].rsplit(":", 1)[1], 16) == server_port:
            ports.add(int(cols[1].rsplit(":", 1)[1], 16))
    return ports


def step_plan(targets: Sequence[int], rate: float, seconds: float) -> list[tuple[int, float, int]]:
    """(target, hold s, calls) per step: calls placed at ``rate`` for ``seconds`` plus the
    hold, each held ``target / rate`` s, so ``target`` are up at once for ``seconds``."""
    plan = []
    for target in targets:
        hold = max(0.5, target / rate)
        plan.append((target, round(hold, 2), math.ceil(rate * (hold + seconds))))
    return plan


def verdict(value: float, limit: float) -> str:
    """``ok`` when under the target, ``MISSED`` over it, ``n/a`` when not measured."""
    if math.isnan(value):
        return "n/a"
    return "ok" if value < limit else "MISSED"


def table(rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to their widest cell, the first row a header underlined."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


# A SIP message as text: enough of SIP for a UAC that places, answers and ends calls.


@dataclass(frozen=True)
class SipMessage:
    """A parsed SIP message: its first line, headers in order (names as sent) and body."""

    first: str
    headers: list[tuple[str, str]]
    body: str = ""

    @property
    def status(self) -> int:
        """The status code of a response; 0 for a request."""
        parts = self.first.split(" ", 2)
        return int(parts[1]) if parts[0] == "SIP/2.0" and len(parts) > 1 else 0

    @property
    def method(self) -> str:
        """The method of a request, or the CSeq method of a response."""
        if self.status:
            return self.header("CSeq").rpartition(" ")[2]
        return self.first.split(" ", 1)[0]

    def all(self, name: str) -> list[str]:
        """Every value of header ``name`` (case-insensitive, comma-separated ones split)."""
        out: list[str] = []
        for key, value in self.headers:
            if key.lower() == name.lower():
                out.extend(v.strip() for v in re.split(r",(?=\s*<)", value))
        return out

    def header(self, name: str) -> str:
        """The first value of header ``name``; empty if absent."""
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return values[0] if values else ""


def parse_sip(data: bytes) -> SipMessage:
    """A datagram as a SIP message."""
    text = data.decode("utf-8", errors="replace")
    head, _, body = text.partition("\r\n\r\n")
    lines = head.split("\r\n")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and headers:  # folded continuation
            name, value = headers[-1]
            headers[-1] = (name, value + " " + line.strip())
        elif ":" in line:
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
    return SipMessage(lines[0], headers, body)


def render_sip(first: str, headers: Sequence[tuple[str, str]], body: str = "") -> bytes:
    """A SIP message as bytes, its Content-Length computed."""
    lines = [first, *(f"{k}: {v}" for k, v in headers), f"Content-Length: {len(body.encode())}"]
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


def uri_of(name_addr: str) -> str:
    """``sip:...`` out of ``"x" <sip:...>;tag=...`` (or a bare URI)."""
    m = re.search(r"<([^>]*)>", name_addr)
    return m.group(1) if m else name_addr.split(";", 1)[0].strip()


def route_set(response: SipMessage) -> list[str]:
    """A UAC's route set: the 2xx's Record-Route in reverse order."""
    return list(reversed(response.all("Record-Route")))


# ---------------------------------------------------------------- the SIP client


@dataclass
class Call:
    """One INVITE transaction and, once answered, its dialog."""

    call_id: str
    from_tag: str
    branch: str
    ruri: str
    number: str
    sent_at: float
    trying_at: float | None = None
    first_at: float | None = None  # first response other than 100
    final_at: float | None = None
    status: int = 0
    to: str = ""
    remote: SipMessage | None = None  # the final response
    final: asyncio.Future[int] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )
    bye: asyncio.Future[int] | None = None


class SipClient(asyncio.DatagramProtocol):
    """A UDP user agent that places calls to ``remote``: INVITE, ACK, CANCEL, BYE; it
    answers a BYE or OPTIONS from the far end with 200."""

    def __init__(
        self, local: tuple[str, int], remote: tuple[str, int], extra: Sequence[tuple[str, str]]
    ) -> None:
        self.local, self.remote, self.extra = local, remote, list(extra)
        self.calls: dict[str, Call] = {}
        self.transport: asyncio.DatagramTransport | None = None
        self.stray = 0  # messages for no known call

    @classmethod
    @contextlib.asynccontextmanager
    async def open(
        cls, local: tuple[str, int], remote: tuple[str, int], extra: Sequence[tuple[str, str]] = ()
    ) -> AsyncIterator[SipClient]:
        """Bound to ``local`` for the block's duration."""
        loop = asyncio.get_running_loop()
        transport, proto = await loop.create_datagram_endpoint(
            lambda: cls(local, remote, extra), local_addr=local
        )
        try:
            yield proto
        finally:
            transport.close()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def _send(self, data: bytes) -> None:
        assert self.transport is not None
        self.transport.sendto(data, self.remote)

    def _via(self, branch: str) -> tuple[str, str]:
        return ("Via", f"SIP/2.0/UDP {self.local[0]}:{self.local[1]};branch={branch};rport")

    def _from(self, call: Call) -> tuple[str, str]:
        return ("From", f"<sip:{CALLER}@{self.local[0]}>;tag={call.from_tag}")

    def invite(self, number: str) -> Call:
        """Send an INVITE for ``number`` (with an SDP offer); the call's ``final`` resolves
        with the final status."""
        host, port = self.remote
        token = uuid.uuid4().hex
        call = Call(
            call_id=f"{token[:16]}@{self.local[0]}",
            from_tag=token[16:24],
            branch=f"z9hG4bK{token[24:]}",
            ruri=f"sip:{number}@{host}:{port}",
            number=number,
            sent_at=time.perf_counter(),
        )
        self.calls[call.call_id] = call
        sdp = (
            f"v=0\r\no=bench 1 1 IN IP4 {self.local[0]}\r\ns=-\r\nc=IN IP4 {self.local[0]}\r\n"
            "t=0 0\r\nm=audio 9 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=sendrecv\r\n"
        )
        self._send(
            render_sip(
                f"INVITE {call.ruri} SIP/2.0",
                [
                    self._via(call.branch),
                    ("Max-Forwards", "70"),
                    self._from(call),
                    ("To", f"<sip:{number}@{host}>"),
                    ("Call-ID", call.call_id),
                    ("CSeq", "1 INVITE"),
                    ("Contact", f"<sip:bench@{self.local[0]}:{self.local[1]}>"),
                    *self.extra,
                    ("Content-Type", "application/sdp"),
                ],
                sdp,
            )
        )
        call.sent_at = time.perf_counter()
        return call

    def cancel(self, call: Call) -> None:
        """CANCEL a call not answered yet (its 487 is then ACKed)."""
        if call.final.done():
            return
        self._send(
            render_sip(
                f"CANCEL {call.ruri} SIP/2.0",
                [
                    self._via(call.branch),
                    ("Max-Forwards", "70"),
                    self._from(call),
                    ("To", f"<sip:{call.number}@{self.remote[0]}>"),
                    ("Call-ID", call.call_id),
                    ("CSeq", "1 CANCEL"),
                ],
            )
        )

    def _in_dialog(self, call: Call, method: str, cseq: int) -> bytes:
        assert call.remote is not None
        routes = route_set(call.remote)
        target = uri_of(call.remote.header("Contact")) or call.ruri
        return render_sip(
            f"{method} {target} SIP/2.0",
            [
                self._via(f"z9hG4bK{uuid.uuid4().hex}"),
                *(("Route", r) for r in routes),
                ("Max-Forwards", "70"),
                self._from(call),
                ("To", call.to),
                ("Call-ID", call.call_id),
                ("CSeq", f"{cseq} {method}"),
            ],
        )

    async def hang_up(self, call: Call, timeout: float = 5.0) -> int:
        """BYE an answered call; its status (0 when none came)."""
        call.bye = asyncio.get_running_loop().create_future()
        self._send(self._in_dialog(call, "BYE", 2))
        try:
            return await asyncio.wait_for(asyncio.shield(call.bye), timeout)
        except TimeoutError:
            return 0
        finally:
            self.calls.pop(call.call_id, None)

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        if not data.strip():
            return  # keepalive
        msg = parse_sip(data)
        call = self.calls.get(msg.header("Call-ID"))
        if not msg.status:
            self._request(msg, call)
            return
        if call is None:
            self.stray += 1
            return
        now = time.perf_counter()
        if msg.method == "BYE":
            if call.bye is not None and not call.bye.done():
                call.bye.set_result(msg.status)
            return
        if msg.method != "INVITE":
            return  # the CANCEL's 200
        if msg.status == 100:
            call.trying_at = call.trying_at or now
            return
        call.first_at = call.first_at or now
        if msg.status < 200:
            return
        call.to = msg.header("To")
        if msg.status >= 300:  # the ACK of a non-2xx: same branch, hop by hop
            self._send(
                render_sip(
                    f"ACK {call.ruri} SIP/2.0",
                    [
                        self._via(call.branch),
                        ("Max-Forwards", "70"),
                        self._from(call),
                        ("To", call.to),
                        ("Call-ID", call.call_id),
                        ("CSeq", "1 ACK"),
                    ],
                )
            )
        if call.final.done():
            if msg.status < 300:
                self._send(self._in_dialog(call, "ACK", 1))  # a 200 retransmitted
            return
        call.final_at, call.status, call.remote = now, msg.status, msg
        if msg.status < 300:
            self._send(self._in_dialog(call, "ACK", 1))
        else:
            self.calls.pop(call.call_id, None)
        call.final.set_result(msg.status)

    def _request(self, msg: SipMessage, call: Call | None) -> None:
        if msg.method == "ACK":
            return
        if call is not None and msg.method == "BYE":
            self.calls.pop(call.call_id, None)
        status = "200 OK" if msg.method in ("BYE", "OPTIONS") else "501 Not Implemented"
        headers = [
            (k, v) for k, v in msg.headers if k.lower() in ("via", "from", "to", "call-id", "cseq")
        ]
        self._send(render_sip(f"SIP/2.0 {status}", headers))


# ---------------------------------------------------------------- the cluster under test


def login_dsn(dsn: str, user: str, password: str) -> str:
    """``dsn`` with another user and password."""
    url = urlsplit(dsn)
    host = url.netloc.rpartition("@")[2]
    return urlunsplit(url._replace(netloc=f"{quote(user)}:{quote(password)}@{host}"))


@dataclass
class Bench:
    """The running cluster, the control plane's API and the database."""

    cluster: Cluster
    sandbox: Sandbox
    admin_dsn: str
    api: TestClient[Any, Any]

    async def call(self, method: str, path: str, body: Any, token: str = "") -> Any:
        """A request to the control plane's API; fails on an error status."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        resp = await self.api.request(method, "/api/v1" + path, json=body, headers=headers)
        text = await resp.text()
        assert resp.status < 300, (method, path, resp.status, text)
        return await resp.json() if resp.content_type == "application/json" else None


async def provision(bench: Bench) -> None:
    """Three tenants, each with a number: ``lat`` (node 1) hangs up at once (the latency
    runs), ``hold`` (node 1) answers with an IVR that waits a minute per try (held calls),
    ``fo`` (node 2) the same IVR (failover)."""
    op = (
        await bench.call("POST", "/auth/token", {"username": OPERATOR[0], "password": OPERATOR[1]})
    )["token"]
    hold_ivr = {
        "entry": "main",
        "menus": {
            "main": {
                "prompt": "silence/1",
                "timeout_s": 60,
                "max_tries": 10,
                "on_timeout": {"kind": "repeat"},
                "on_invalid": {"kind": "repeat"},
                "on_max_tries": {"kind": "hangup"},
            }
        },
    }
    homes = {}
    for tenant, number, node in (
        ("lat", REFUSED, 0),
        ("hold", HELD, 0),
        ("fo", FAILOVER, 1),
    ):
        admin = {"username": f"{tenant}-admin", "password": "admin-password"}
        await bench.call("POST", "/tenants", {"id": tenant, "name": tenant, "admin": admin}, op)
        await bench.call("PUT", f"/tenants/{tenant}/limits", {"max_calls": 0}, op)
        await bench.call("POST", f"/tenants/{tenant}/numbers", {"number": number}, op)
        token = (await bench.call("POST", "/auth/token", admin))["token"]
        if tenant == "lat":
            route = {"type": "hangup"}
        else:
            await bench.call("PUT", f"/tenants/{tenant}/ivrs/main", hold_ivr, token)
            route = {"type": "ivr", "target": "main"}
        await bench.call("PUT", f"/tenants/{tenant}/numbers/{number}/route", route, token)
        homes[tenant] = LAYOUT.node_name(node)
    # The operator's move of a tenant is not in the API yet: its home is a column.
    conn = await asyncpg.connect(bench.admin_dsn)
    try:
        for tenant, home in homes.items():
            await conn.execute("UPDATE tenants SET home_node = $2 WHERE id = $1", tenant, home)
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def running_bench() -> AsyncIterator[Bench]:
    """A fresh database, the control plane in-process, the edge and two nodes; all torn
    down (the database dropped) at the end."""
    sandbox = await Sandbox.ensure()
    name = f"cc_cbench_{uuid.uuid4().hex[:8]}"
    admin_dsn = f"{PG}/{name}"
    await migrate(admin_dsn)
    try:
        app_dsn = login_dsn(admin_dsn, *APP_LOGIN)
        asterisk_dsn = login_dsn(admin_dsn, *ASTERISK_LOGIN)
        await ensure_login(admin_dsn, app_dsn, APP_ROLE)
        await ensure_login(admin_dsn, asterisk_dsn, ASTERISK_ROLE)
        cluster = build_cluster(sandbox, asterisk_dsn, AMI_USER, AMI_SECRET, LAYOUT)
        await cluster.register(admin_dsn)
        settings = Settings(
            dsn=app_dsn,
            jwt_secret=secrets.token_urlsafe(40),
            ami_enabled=False,
            operator_username=OPERATOR[0],
            operator_password=OPERATOR[1],
            metrics_allow="",
        )
        async with TestClient(TestServer(create_app(settings))) as api:
            try:
                # The nodes and the edge (the carrier Asterisk is not needed: we are the carrier).
                await asyncio.gather(*(n.start() for n in cluster.nodes))
                await cluster.edge.start()
                await cluster.edge.wait_nodes_up(len(cluster.nodes))
                bench = Bench(cluster, sandbox, admin_dsn, api)
                await provision(bench)
                yield bench
            finally:
                await cluster.edge.stop()
                await asyncio.gather(*(n.stop() for n in cluster.nodes))
    finally:
        admin = await asyncpg.connect(f"{PG}/postgres")
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, in seconds (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def group_pids(pgid: int) -> list[int]:
    """Every process of process group ``pgid``."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[2]) == pgid:
                    pids.append(int(entry.name))
    return pids


def socket_inodes(pids: Iterable[int]) -> set[str]:
    """Inodes of the sockets the processes ``pids`` hold open."""
    inodes = set()
    for pid in pids:
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    link = os.readlink(fd)
                    if link.startswith("socket:["):
                        inodes.add(link[8:-1])
    return inodes


def tcp_client_ports(inodes: set[str], server_port: int) -> set[int]:
    """Local ports of the sockets ``inodes`` connected to ``server_port`` (IPv4 and 6)."""
    ports: set[int] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            ports |= client_ports(Path(table).read_text(), inodes, server_port)
    return ports


async def db_backends(admin_dsn: str, pids: Iterable[int]) -> list[int]:
    """PostgreSQL's backend processes serving the connections of processes ``pids``: the
    edge's sqlops and dispatcher queries, a node's realtime lookups and CDRs."""
    ports = tcp_client_ports(socket_inodes(pids), urlsplit(admin_dsn).port or 5432)
    conn = await asyncpg.connect(admin_dsn)
    try:
        rows = await conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE client_port = ANY($1::int[])", sorted(ports)
        )
    finally:
        await conn.close()
    return [r["pid"] for r in rows]


@dataclass(frozen=True)
class CpuProbe:
    """The processes whose CPU a step counts: the edge's, node 1's, and their PostgreSQL
    backends (found once per step: the connections are long-lived)."""

    parts: dict[str, list[int]]

    @classmethod
    async def of(cls, bench: Bench) -> CpuProbe:
        edge, node = bench.cluster.edge.process, bench.cluster.nodes[0].process
        assert edge is not None and node is not None
        edge_pids = group_pids(edge.pid)
        return cls(
            {
                "edge": edge_pids,
                "edge_db": await db_backends(bench.admin_dsn, edge_pids),
                "node": [node.pid],
                "node_db": await db_backends(bench.admin_dsn, [node.pid]),
            }
        )

    def read(self) -> dict[str, float]:
        """CPU seconds used so far by each part."""
        return {part: sum(cpu_seconds(p) for p in pids) for part, pids in self.parts.items()}


# ---------------------------------------------------------------- 1. latency


@dataclass
class Latency:
    """Per-call times (ms) of one path."""

    trying: list[float] = field(default_factory=list)
    first: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    lost: int = 0


async def one_setup(client: SipClient, into: Latency | None) -> float | None:
    """One INVITE to the refusing number; INVITE -> first response after 100, in ms."""
    call = client.invite(REFUSED)
    try:
        status = await asyncio.wait_for(asyncio.shield(call.final), 5.0)
    except TimeoutError:
        client.cancel(call)
        if into is not None:
            into.lost += 1
        return None
    if status < 300:
        await client.hang_up(call)
    if into is None or call.first_at is None:
        return None
    into.statuses[status] = into.statuses.get(status, 0) + 1
    if call.trying_at is not None:
        into.trying.append((call.trying_at - call.sent_at) * 1000)
    first = (call.first_at - call.sent_at) * 1000
    into.first.append(first)
    return first


async def measure_latency(bench: Bench, invites: int) -> tuple[Latency, Latency, list[float]]:
    """``invites`` INVITEs each way, one at a time, the two paths interleaved (which goes
    first alternates); also each pair's difference, edge minus node."""
    node = (LAYOUT.node_ip(0), EDGE_SIP)
    edge, direct = Latency(), Latency()
    diffs: list[float] = []
    async with (
        SipClient.open(LAT_EDGE, (LAYOUT.public_ip, EDGE_SIP)) as via_edge,
        SipClient.open(LAT_DIRECT, node, [TRUNK_MARK]) as straight,
    ):
        for _ in range(20):  # warm-up: caches, connections
            await one_setup(via_edge, None)
            await one_setup(straight, None)
        for i in range(invites):
            got: dict[str, float | None] = {}
            order = ("edge", "direct") if i % 2 == 0 else ("direct", "edge")
            for side in order:
                client, into = (via_edge, edge) if side == "edge" else (straight, direct)
                got[side] = await one_setup(client, into)
                await asyncio.sleep(0.005)
            e, d = got["edge"], got["direct"]
            if e is not None and d is not None:
                diffs.append(e - d)
    return edge, direct, diffs


# ---------------------------------------------------------------- 2 and 3. SIPp steps

SIPP_XML = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="cbench: a trunk call answered by an IVR, held HOLD ms">
  <send retrans="500"><![CDATA[
INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:CALLER@[local_ip]:[local_port]>;tag=[pid]cb[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:bench@[local_ip]:[local_port]>
Max-Forwards: 70
X-CC-Role: trunk
Content-Type: application/sdp
Content-Length: [len]

v=0
o=bench 1 1 IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 8
a=rtpmap:8 PCMA/8000
]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rrs="true"/>
  <send><![CDATA[
ACK [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
[routes]
From: <sip:CALLER@[local_ip]:[local_port]>;tag=[pid]cb[call_number]
[last_To:]
Call-ID: [call_id]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0
]]></send>
  <pause milliseconds="HOLD"/>
  <send retrans="500"><![CDATA[
BYE [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
[routes]
From: <sip:CALLER@[local_ip]:[local_port]>;tag=[pid]cb[call_number]
[last_To:]
Call-ID: [call_id]
CSeq: 2 BYE
Max-Forwards: 70
Content-Length: 0
]]></send>
  <recv response="200" crlf="true"/>
</scenario>
"""


def sipp_counts(out_log: str) -> dict[str, int]:
    """Cumulative counters of SIPp's final screen (``Successful call``, ``Failed call``)."""
    out: dict[str, int] = {}
    for line in out_log.splitlines():
        name, _, rest = line.partition("|")
        cells = rest.split("|")
        if len(cells) == 2 and cells[1].strip().isdigit():
            out[name.strip()] = int(cells[1].strip())
    return out


def sipp_most_at_once(stat_csv: str) -> int:
    """The highest ``CurrentCall`` in SIPp's statistics file (``-trace_stat``)."""
    rows = [line.split(";") for line in stat_csv.splitlines() if line.strip()]
    if not rows or "CurrentCall" not in rows[0]:
        return 0
    col = rows[0].index("CurrentCall")
    return max((int(r[col]) for r in rows[1:] if len(r) > col and r[col].isdigit()), default=0)


async def sipp_step(
    bench: Bench, side: str, target: int, hold: float, calls: int, rate: float
) -> Step:
    """SIPp places ``calls`` at ``rate``/s, each held ``hold`` s, through the edge or
    straight to node 1; the edge's and the node's CPU over the step."""
    sandbox = bench.sandbox
    root = Path(sandbox.root) if sandbox.root else Path("/")
    work = Path(tempfile.mkdtemp(prefix=f"cbench-{side}-{target}-", dir=root / "tmp"))
    inner = "/" + str(work.relative_to(root))
    (work / "uac.xml").write_text(
        SIPP_XML.replace("HOLD", str(int(hold * 1000))).replace("CALLER", CALLER)
    )
    local, remote = (
        (SIPP_EDGE, f"{LAYOUT.public_ip}:{EDGE_SIP}")
        if side == "edge"
        else (SIPP_DIRECT, f"{LAYOUT.node_ip(0)}:{EDGE_SIP}")
    )
    argv = [
        remote, "-sf", f"{inner}/uac.xml", "-s", HELD, "-i", local[0], "-p", str(local[1]),
        "-mi", local[0], "-mp", str(SIPP_MEDIA[side]), "-r", str(rate), "-m", str(calls),
        "-l", str(int(target * 1.5) + 20), "-nostdin", "-timeout_error",
        "-recv_timeout", "15000", "-max_recv_loops", "10000",
        "-trace_stat", "-stf", f"{inner}/stat.csv", "-fd", "1",
    ]  # fmt: skip
    probe = await CpuProbe.of(bench)
    before = probe.read()
    with open(work / "out.log", "wb") as log:  # noqa: ASYNC230 - bench setup, a local file
        proc = await asyncio.create_subprocess_exec(
            *sandbox.argv("sipp", *argv), stdin=asyncio.subprocess.DEVNULL, stdout=log,
            stderr=log, cwd=work,
        )  # fmt: skip
    try:
        await asyncio.wait_for(proc.wait(), calls / rate + hold + 60)
    except TimeoutError:
        proc.terminate()
        await proc.wait()
    after = probe.read()
    counts = sipp_counts((work / "out.log").read_text(errors="replace"))
    stat = work / "stat.csv"
    most = sipp_most_at_once(stat.read_text(errors="replace")) if stat.exists() else 0
    ok = counts.get("Successful call", 0)
    # Calls a failed step left up on the node would burden the next one.
    await bench.cluster.nodes[0].cli("channel request hangup all")
    await asyncio.sleep(1.0)
    cpu = {part: after[part] - before[part] for part in before}
    return Step(side, target, hold, calls, ok, calls - ok, most, cpu)


async def ramp(bench: Bench, targets: Sequence[int], rate: float, seconds: float) -> list[Step]:
    """Each step through the edge, then straight to the node; a side stops at its first
    step with a failure."""
    steps: list[Step] = []
    failed: set[str] = set()
    for target, hold, calls in step_plan(targets, rate, seconds):
        for side in ("edge", "direct"):
            if side in failed:
                continue
            step = await sipp_step(bench, side, target, hold, calls, rate)
            steps.append(step)
            print(
                f"  [{side:6}] target {target} at once ({rate:g}/s held {hold:g} s): placed"
                f" {step.placed}, completed {step.ok}, failed {step.failed}, most at once"
                f" {step.most_at_once}; CPU s: "
                + ", ".join(f"{k} {v:.2f}" for k, v in step.cpu_s.items()),
                flush=True,
            )
            if not step.clean:
                failed.add(side)
    return steps


# ---------------------------------------------------------------- 4. failover


@dataclass(frozen=True)
class Failover:
    """One kill: seconds from the kill to the edge marking the node down (nan if not seen)
    and to the first answered call; how many calls were placed until then."""

    detected_s: float
    answered_s: float
    placed: int
    answered_call_sent_s: float  # when the answered call was placed, after the kill
    statuses: dict[int, int]  # final status of each call placed (487: cancelled once one was up)

    @property
    def turned_away(self) -> int:
        """Callers who got an error (not an answer, not our own CANCEL) or no answer at all."""
        return sum(n for status, n in self.statuses.items() if status not in (200, 487))


def merged_statuses(failovers: Iterable[Failover]) -> dict[int, int]:
    """Final statuses over every kill (0: none came)."""
    out: dict[int, int] = {}
    for f in failovers:
        for status, n in f.statuses.items():
            out[status] = out.get(status, 0) + n
    return dict(sorted(out.items()))


async def node_down_at(bench: Bench, address: str, t0: float, timeout: float) -> float:
    """Seconds after ``t0`` when the edge's dispatcher stops listing ``address`` as active."""
    deadline = t0 + timeout
    while time.perf_counter() < deadline:
        listing = await bench.cluster.edge.rpc("dispatcher.list")
        block = listing.partition(address)[2][:200]
        flags = re.search(r"FLAGS:\s*(\S+)", block)
        if flags and not flags.group(1).startswith("A"):
            return time.perf_counter() - t0
        await asyncio.sleep(0.1)
    return float("nan")


async def one_failover(bench: Bench, client: SipClient, timeout: float = 30.0) -> Failover:
    """Kill node 2 (home of ``fo``), place a call for ``fo`` every 0.25 s until one is
    answered, end every call, bring node 2 back."""
    node = bench.cluster.nodes[1]
    t0 = time.perf_counter()
    await node.kill()
    watch = asyncio.create_task(node_down_at(bench, f"{LAYOUT.node_ip(1)}:{EDGE_SIP}", t0, timeout))
    calls: list[Call] = []
    up = asyncio.Event()

    def on_final(fut: asyncio.Future[int]) -> None:
        if not fut.cancelled() and fut.result() < 300:
            up.set()

    while not up.is_set() and time.perf_counter() - t0 < timeout:
        call = client.invite(FAILOVER)
        call.final.add_done_callback(on_final)
        calls.append(call)
        # The next call 0.25 s after this one was due, unless one is answered first.
        due = t0 + len(calls) * PLACE_EVERY_S - time.perf_counter()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(up.wait(), max(0.0, due))
    done = [c for c in calls if c.final.done() and c.status < 300]
    answered = min(done, key=lambda c: c.final_at or math.inf) if done else None
    for call in calls:  # end them all: CANCEL the pending, BYE the answered
        client.cancel(call)
    # A call still with the dead node ends when the edge gives that node up (fr_timer).
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.wait([c.final for c in calls]), 10.0)
    for call in calls:
        if call.final.done() and call.status < 300:
            await client.hang_up(call)
    detected = await watch
    statuses: dict[int, int] = {}
    for call in calls:
        statuses[call.status] = statuses.get(call.status, 0) + 1
    result = Failover(
        detected,
        (answered.final_at or math.nan) - t0 if answered else math.nan,
        len(calls),
        answered.sent_at - t0 if answered else math.nan,
        dict(sorted(statuses.items())),
    )
    await node.start()
    await bench.cluster.edge.wait_nodes_up(len(bench.cluster.nodes), timeout=30)
    return result


async def measure_failover(bench: Bench, kills: int) -> list[Failover]:
    """``kills`` kills of node 2, each after the edge saw it up again."""
    out = []
    async with SipClient.open(FAILOVER_CLIENT, (LAYOUT.public_ip, EDGE_SIP)) as client:
        probe = client.invite(FAILOVER)  # the number answers on its home node first
        assert await asyncio.wait_for(probe.final, 10) == 200, "fo's number is not answered"
        await client.hang_up(probe)
        for i in range(kills):
            await asyncio.sleep(1.0)
            result = await one_failover(bench, client)
            out.append(result)
            print(
                f"  kill {i + 1}: edge marked the node down after {result.detected_s:.2f} s;"
                f" first answered call after {result.answered_s:.2f} s (placed"
                f" {result.answered_call_sent_s:+.2f} s after the kill; {result.placed} placed,"
                f" final statuses {result.statuses})",
                flush=True,
            )
    return out


# ---------------------------------------------------------------- report


def ms3(values: tuple[float, float, float]) -> str:
    """p50 / p90 / p99 in ms."""
    return " / ".join(f"{v:.2f}" for v in values) + " ms"


def report(
    lat: tuple[Latency, Latency, list[float]] | None,
    steps: list[Step],
    idle: dict[str, float],
    failovers: list[Failover],
) -> str:
    """The figures as one table, the targets beside them."""
    rows: list[list[str]] = [["figure", "value", "target", "verdict / notes"]]
    if lat is not None:
        edge, direct, diffs = lat
        e, d = spread(edge.first), spread(direct.first)
        added = spread(diffs)
        rows += [
            [
                "1. setup latency added by the edge, p50 (paired INVITEs, edge - node)",
                f"{added[0]:.2f} ms",
                f"< {TARGETS['latency_p50_ms']:g} ms",
                verdict(added[0], TARGETS["latency_p50_ms"]),
            ],
            ["   added, p50 / p90 / p99 of the pairs' differences", ms3(added), "", ""],
            [
                "   INVITE -> first response after 100, through the edge, p50/p90/p99",
                ms3(e),
                "",
                f"n={len(edge.first)} lost={edge.lost} statuses {edge.statuses}",
            ],
            [
                "   the same straight to the node (from the edge's address)",
                ms3(d),
                "",
                f"n={len(direct.first)} lost={direct.lost} statuses {direct.statuses}",
            ],
            [
                "   INVITE -> 100 Trying p50, edge / node",
                f"{percentile(edge.trying, 0.5):.2f} / {percentile(direct.trying, 0.5):.2f} ms",
                "",
                "the edge's 100 leaves when it relays: after its 3 PostgreSQL lookups",
            ],
        ]
    if steps:
        per = cpu_per_call(steps, "edge")
        per_direct = cpu_per_call(steps, "direct")
        ec, nc = per.get("edge", math.nan), per.get("node", math.nan)
        e_db = ec + per.get("edge_db", math.nan)
        n_db = nc + per.get("node_db", math.nan)
        calls = sum(s.ok for s in steps if s.side == "edge" and s.clean)
        rows += [
            [
                "2. edge CPU per call / node CPU per call (Kamailio / Asterisk)",
                f"{share(ec, nc) * 100:.1f} %",
                f"< {TARGETS['cpu_share'] * 100:g} %",
                verdict(share(ec, nc), TARGETS["cpu_share"]),
            ],
            [
                "   per call: edge / node (clean edge steps)",
                f"{ec * 1000:.2f} / {nc * 1000:.2f} ms",
                "",
                f"{calls} calls; edge idle {idle.get('edge', 0) * 1000:.1f} ms/s included",
            ],
            [
                "   with their PostgreSQL backends: edge+db / node+db",
                f"{share(e_db, n_db) * 100:.1f} %",
                f"< {TARGETS['cpu_share'] * 100:g} %",
                verdict(share(e_db, n_db), TARGETS["cpu_share"])
                + f" ({e_db * 1000:.2f} / {n_db * 1000:.2f} ms per call)",
            ],
            [
                "   node CPU per call straight to it (no edge)",
                f"{per_direct.get('node', math.nan) * 1000:.2f} ms",
                "",
                "Asterisk alone",
            ],
        ]
        a, b = cost_model(steps, "edge", "node")
        ea, eb = cost_model(steps, "edge", "edge")
        # The hold at which the node's cost reaches edge / 5 %: (ea + eb*h) = 5 % (a + b*h).
        limit = TARGETS["cpu_share"]
        even = (ea - limit * a) / (limit * b - eb) if limit * b > eb else math.nan
        rows += [
            [
                "   per call as setup + per second held: node / edge",
                f"{a * 1000:.1f} + {b * 1000:.2f}/s / {ea * 1000:.2f} + {eb * 1000:.3f}/s ms",
                "",
                f"the edge is under {limit * 100:g} % of the node from a hold of"
                f" {even:.1f} s (calls here: IVR, no caller media)",
            ],
        ]
        held_e, held_d = highest_clean(steps, "edge"), highest_clean(steps, "direct")

        def bound(side: str) -> str:
            if all(s.clean for s in steps if s.side == side):
                return "never failed: a lower bound (raise --ramp)"
            first = min(s.target for s in steps if s.side == side and not s.clean)
            return f"the step aiming at {first} failed"

        rows += [
            [
                "3. calls held by one node at 0 failures, edge in front",
                str(held_e),
                "",
                bound("edge"),
            ],
            ["   the same, straight to the node", str(held_d), "", bound("direct")],
        ]
    if failovers:
        answered = [f.answered_s for f in failovers]
        detected = [f.detected_s for f in failovers if not math.isnan(f.detected_s)]
        worst = max(answered)
        rows += [
            [
                f"4. failover, kill -9 -> first answered call, max of {len(failovers)} kills",
                f"{worst:.2f} s",
                f"< {TARGETS['failover_s']:g} s",
                verdict(worst, TARGETS["failover_s"]) + " (issue 15: within 10 s)",
            ],
            [
                "   median; each kill",
                f"{statistics.median(answered):.2f} s",
                "",
                " ".join(f"{a:.2f}" for a in answered),
            ],
            [
                "   callers turned away meanwhile (an error or no final answer)",
                str(sum(f.turned_away for f in failovers)),
                "0",
                f"of {sum(f.placed for f in failovers)} placed; statuses "
                + str(merged_statuses(failovers)),
            ],
            [
                "   kill -> the edge marks the node down, median",
                f"{statistics.median(detected):.2f} s" if detected else "n/a",
                "",
                "the edge's own failover (no control-plane re-homing)",
            ],
        ]
    return table(rows)


async def main(args: argparse.Namespace) -> None:
    t_start = time.monotonic()
    async with running_bench() as bench:
        print(
            f"cluster up: edge {LAYOUT.public_ip}:{EDGE_SIP}, nodes"
            f" {LAYOUT.node_ip(0)}, {LAYOUT.node_ip(1)} ({time.monotonic() - t_start:.0f} s)",
            flush=True,
        )
        probe = await CpuProbe.of(bench)
        before = probe.read()
        await asyncio.sleep(5.0)
        idle = {k: (v - before[k]) / 5.0 for k, v in probe.read().items()}
        lat = None
        if args.invites:
            print(f"1. latency: {args.invites} INVITEs each way, one at a time", flush=True)
            lat = await measure_latency(bench, args.invites)
        steps: list[Step] = []
        if args.ramp:
            print(f"2-3. SIPp steps, {args.rate:g} calls/s, at once: {args.ramp}", flush=True)
            steps = await ramp(bench, args.ramp, args.rate, args.seconds)
        failovers: list[Failover] = []
        if args.kills:
            print(f"4. failover: {args.kills} kills of node 2", flush=True)
            failovers = await measure_failover(bench, args.kills)
        print()
        load = " ".join(f"{v:.1f}" for v in os.getloadavg())
        print(
            "bench/cluster.py: the SIP edge (Kamailio 5.6) in front of two Asterisk nodes, all"
            f" on loopback; {os.cpu_count()} cores shared, load average now {load};"
            f" --invites {args.invites} --ramp {','.join(map(str, args.ramp))} --rate"
            f" {args.rate:g} --seconds {args.seconds:g} --kills {args.kills}"
        )
        print(report(lat, steps, idle, failovers))
        print(
            "Failover is the edge's own (route[HOME] sends a dead home node's calls to any"
            " live node once the dispatcher marks it down; an INVITE already sent to it fails"
            " over after tm's fr_timer, 2 s). Control-plane re-homing is not measured here."
        )
        print(f"run took {time.monotonic() - t_start:.0f} s")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--invites", type=int, default=200, help="INVITEs per path (latency)")
    p.add_argument(
        "--ramp",
        type=lambda v: [int(x) for x in v.split(",") if x],
        default=[100, 200, 300],
        help="calls at once per SIPp step, e.g. 100,200,300 ('' to skip)",
    )
    p.add_argument("--rate", type=float, default=50.0, help="new calls per second (SIPp)")
    p.add_argument("--seconds", type=float, default=5.0, help="how long each step holds its target")
    p.add_argument("--kills", type=int, default=5, help="kills of node 2 (failover)")
    return p.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
