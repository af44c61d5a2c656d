"""Load: real SIP calls from the carrier side into tenants' numbers, through an IVR and a
queue, to auto-answering agents, with RTP both ways; then the same load on a bare Asterisk
with an equivalent hand-written static configuration, for the ratio.

The platform runs in its one shape: the SIP edge (Kamailio) in front of one Asterisk node.
SIPp (Debian ``sip-tester``, in the sandbox) plays the carrier from 127.0.0.2 (the edge
identifies the trunk by that address) and plays a G.711 a-law recording in every call; a
second SIPp answers as every agent at once and echoes RTP. Agents' seats are registered
through the edge with that SIPp's address (one REGISTER each, digest auth) before it starts.
The bare Asterisk has no edge in front: the edge's own CPU is printed apart.

Prints: concurrent calls held, setup rate sustained, failed calls, Asterisk, control-plane
and edge CPU and memory, AMI events/s. A call succeeds if the caller's SIPp completed it and
the agents' SIPp answered it, matched by caller number in the two SIPps' logs, the same on
both sides; each step prints that reconciliation, INVITE -> answer p50/p99 (at SIPp, and
inside Asterisk: its own stamps of the carrier leg's Newchannel and Newstate Up) and Asterisk CPU
per call, stasis messages per call (AMI formatter, CDR engine: counts, steady whatever the
machine's load), and at the end the ratio of calls held with setup (p99) under 100 ms
(docs/resilience.md).
``--soak 1800`` runs a steady load that long and prints the
control plane's memory every minute (a 30-minute soak; not part of a quick run).

    .venv/bin/python bench/load.py --rate 20 --hold 6 --seconds 30
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import re
import secrets
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg

from callcenter.ami.client import AmiClient
from callcenter.db.migrate import migrate
from callcenter.devstack.asterisk import AsteriskInstance
from callcenter.devstack.cluster import ClusterLayout, build_cluster
from callcenter.devstack.sandbox import Sandbox
from callcenter.devstack.sip import SipRegistrar

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("CALLCENTER_TEST_PG", "postgresql://postgres:postgres@127.0.0.1:5432")
SIP, AMI, HTTP = 5370, 5378, 8378  # the edge's port (and the node's), the node's AMI, the API
BARE_SIP, BARE_AMI = 5380, 5388
CARRIER_IP, UAC_PORT, UAS_PORT, BARE_UAS_PORT = "127.0.0.2", 5391, 5392, 5393
AMI_USER, AMI_SECRET = "callcenter", secrets.token_urlsafe(18)  # per run: serve checks
# Both Asterisks log as a production node does (docker-compose.yml: no line per dialplan
# priority in messages.log), not as the local stack, where tests read those lines.
LOG_VERBOSE = 0
OPERATOR = ("operator", "load-bench-operator")
LAYOUT = ClusterLayout(
    prefix="load",
    sip_port=SIP,
    tls_port=SIP + 1,
    ws_port=8376,
    wss_port=8377,
    ami_port=AMI,
    http_port=HTTP + 1,
    rtp_base=20000,
    carrier_host=CARRIER_IP,  # the caller SIPp's address: the trunk `carrier`
    carrier_sip_port=UAC_PORT,
    carrier_ami_port=AMI + 1,
    carrier_rtp_base=50000,
    nodes=1,
    rtp_ports=10000,
)
NODE_IP = LAYOUT.node_ip(0)
PCAP = "/usr/share/sip-tester/g711a.pcap"
PCAP_MS = 7000  # how long that recording plays

PCMU, PCMA = {"0": "PCMU/8000"}, {"8": "PCMA/8000"}


def answer(user: str, version: int, codecs: dict[str, str], to_tag: str = "") -> str:
    """A SIPp ``<send>`` of a 200 OK to the last INVITE, with ``user``'s SDP offering
    ``codecs`` (payload type -> rtpmap) at session version ``version``."""
    rtpmaps = "".join(f"a=rtpmap:{pt} {name}\n" for pt, name in codecs.items())
    return f"""  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]{to_tag}
[last_Call-ID:]
[last_CSeq:]
[last_Record-Route:]
Contact: <sip:{user}@[local_ip]:[local_port]>
Content-Type: application/sdp
Content-Length: [len]

v=0
o={user} 1 {version} IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP {" ".join(codecs)}
{rtpmaps}]]></send>
"""


UAC_XML = (
    """<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="carrier call held HOLD ms">
  <!-- The caller number CALLTAG[call_number] reaches the agent's SIPp as the From user: the
       two SIPp logs are matched call by call. The clock is read at the INVITE and at its
       200 (INVITE -> answer, per call). -->
  <nop><action><gettimeofday assign_to="s0,u0"/></action></nop>
  <send retrans="500"><![CDATA[
INVITE sip:[field0]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "carrier" <sip:CALLTAG[call_number]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:[field0]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:carrier@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

v=0
o=carrier 1 1 IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 8
a=rtpmap:8 PCMA/8000
]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rtd="true" rrs="true">
    <action>
      <ereg regexp=".*" search_in="hdr" header="To:" assign_to="to"/>
      <gettimeofday assign_to="s1,u1"/>
      <log message="answered CALLTAG[call_number] [$s0] [$u0] [$s1] [$u1]"/>
    </action>
  </recv>
  <send><![CDATA[
ACK [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
[routes]
From: "carrier" <sip:CALLTAG[call_number]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
[last_To:]
Call-ID: [call_id]
CSeq: 1 ACK
Contact: <sip:carrier@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Length: 0
]]></send>
  <!-- The PBX re-INVITEs the caller when an agent answers (connected line): the caller
       then talks HOLD ms more, in CHUNKS pieces of CHUNK ms, the recording (7 s) replayed
       from its start for each, so RTP flows for the whole call; a re-INVITE starts over. -->
  <nop><action><assign assign_to="n" value="0"/></action></nop>
  <label id="1"/>
  <nop><action><exec play_pcap_audio="PCAP"/></action></nop>
  <recv request="INVITE" timeout="CHUNK" ontimeout="3"/>
"""
    + answer("carrier", 2, PCMA)
    + """  <recv request="ACK"/>
  <nop next="1"><action><assign assign_to="n" value="0"/></action></nop>
  <label id="3"/>
  <nop>
    <action>
      <add assign_to="n" value="1"/>
      <test assign_to="done" variable="n" compare="greater_than_equal" value="CHUNKS"/>
    </action>
  </nop>
  <nop next="2" test="done"/>
  <nop next="1"/>
  <label id="2"/>
  <send retrans="500"><![CDATA[
BYE [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
[routes]
From: "carrier" <sip:CALLTAG[call_number]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To:[$to]
Call-ID: [call_id]
CSeq: 2 BYE
Max-Forwards: 70
Content-Length: 0
]]></send>
  <recv response="200" crlf="true">
    <action>
      <gettimeofday assign_to="s2,u2"/>
      <log message="completed CALLTAG[call_number] [$s2] [$u2]"/>
    </action>
  </recv>
</scenario>
"""
)

UAS_XML = (
    """<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="agents answering at once, echoing RTP">
  <recv request="INVITE" crlf="true">
    <action>
      <ereg regexp="sip:([^@]*)@" search_in="hdr" header="From:" assign_to="from,caller"/>
    </action>
  </recv>
"""
    + answer("agent", 1, PCMU | PCMA, to_tag=";tag=[pid]SIPpTag01[call_number]")
    + """  <recv request="ACK">
    <action><log message="agent [$caller] [$from]"/></action>
  </recv>
  <label id="1"/>
  <recv request="INVITE" optional="true" next="2"/>
  <recv request="BYE"/>
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0
]]></send>
  <nop next="3"/>
  <label id="2"/>
"""
    + answer("agent", 2, PCMU | PCMA)
    + """  <recv request="ACK" next="1"/>
  <label id="3"/>
</scenario>
"""
)


def proc_stats(pid: int) -> tuple[float, float]:
    """(RSS in MB, CPU seconds) of a process."""
    rss = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) / 1024
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return rss, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Sipp:
    """One SIPp process inside the sandbox; its scenario and CSV live in the sandbox's /tmp."""

    def __init__(self, sandbox: Sandbox, name: str, argv: list[str]) -> None:
        self.sandbox = sandbox
        root = Path(sandbox.root) if sandbox.root else Path("/")
        self.dir = Path(tempfile.mkdtemp(prefix=f"sipp-{name}-", dir=root / "tmp"))
        self.inner = "/" + str(self.dir.relative_to(root))
        self.argv = argv
        self.process: asyncio.subprocess.Process | None = None

    def write(self, name: str, text: str) -> str:
        (self.dir / name).write_text(text)
        return f"{self.inner}/{name}"

    async def start(self, *extra: str) -> None:
        log = open(self.dir / "out.log", "wb")  # noqa: ASYNC230 - bench setup
        self.process = await asyncio.create_subprocess_exec(
            *self.sandbox.argv("sipp", *self.argv, *extra),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            cwd=self.dir,
        )
        log.close()

    async def wait(self, timeout: float) -> int:
        assert self.process is not None
        return await asyncio.wait_for(self.process.wait(), timeout)

    async def stop(self) -> None:
        if self.process and self.process.returncode is None:
            self.process.terminate()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.process.wait(), 5)
            if self.process.returncode is None:
                self.process.kill()
                await self.process.wait()

    def log_lines(self) -> list[list[str]]:
        """The scenario's ``<log>`` lines (``-trace_logs``), split into words."""
        try:
            text = (self.dir / "calls.log").read_text(errors="replace")
        except FileNotFoundError:
            return []
        return [line.split() for line in text.splitlines() if line.strip()]

    def refusals(self) -> dict[str, int]:
        """Why calls failed, from SIPp's error trace (``-trace_err``): the unexpected
        response's code (``503``), or SIPp's own words for a timeout."""
        try:
            text = (self.dir / "errors.log").read_text(errors="replace")
        except FileNotFoundError:
            return {}
        out: dict[str, int] = {}
        for line in text.splitlines():
            if "Aborting call" not in line:  # a scenario's own timeout branch, a late retransmit
                continue
            got = re.search(r"received 'SIP/2\.0 (\d{3} [A-Za-z ]+)", line)
            why = got.group(1).strip() if got else "timeout" if "timeout" in line else "other"
            out[why] = out.get(why, 0) + 1
        return out

    def stats(self) -> dict[str, int]:
        """Cumulative counters of SIPp's final screen (``Successful call``, ``Failed call``)."""
        out: dict[str, int] = {}
        for line in (self.dir / "out.log").read_text(errors="replace").splitlines():
            name, _, rest = line.partition("|")
            cells = rest.split("|")
            if len(cells) == 2 and cells[1].strip().isdigit():
                out[name.strip()] = int(cells[1].strip())
        return out


def group_stats(pgid: int) -> tuple[float, float]:
    """(RSS in MB, CPU seconds) of every process in group ``pgid`` (Kamailio's children)."""
    rss = cpu = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:
                r, c = proc_stats(int(stat.parent.name))
                rss, cpu = rss + r, cpu + c
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
    return rss, cpu


class Sampler:
    """Samples channels, AMI events and CPU/memory of Asterisk, the control plane and the
    SIP edge."""

    def __init__(
        self, ami: AmiClient, asterisk_pid: int, control_pid: int | None, edge_pgid: int = 0
    ) -> None:
        self.ami = ami
        self.pids = {"asterisk": asterisk_pid}
        if control_pid:
            self.pids["control"] = control_pid
        self.edge_pgid = edge_pgid
        self.events = 0
        self.connected = 0  # AgentConnect: the call reached an agent who answered
        self.max_calls = 0
        self.calls: set[str] = set()
        # Asterisk's own share of setup: the carrier channel's Newchannel (the INVITE reached
        # Asterisk) to its Newstate Up (the answer), both stamped by Asterisk itself
        # (manager.conf timestampevents), so neither the edge nor this process's lag counts.
        self.created: dict[str, float] = {}
        self.inside_ms: list[float] = []
        self.memory: list[tuple[float, float]] = []
        ami.on_raw(self._count)

    def stats(self) -> dict[str, tuple[float, float]]:
        """(RSS MB, CPU s) of each process watched, the edge's whole group as one."""
        out = {k: proc_stats(p) for k, p in self.pids.items()}
        if self.edge_pgid:
            out["edge"] = group_stats(self.edge_pgid)
        return out

    def _count(self, msg: Any) -> None:
        self.events += 1
        event, channel = msg.get("Event"), msg.get("Channel", "")
        if event == "AgentConnect":
            self.connected += 1
        if channel.startswith("PJSIP/carrier-"):  # one carrier channel per call
            uniqueid = msg.get("Uniqueid", "")
            if event == "Newchannel":
                self.calls.add(uniqueid)
                self.max_calls = max(self.max_calls, len(self.calls))
                with contextlib.suppress(KeyError, ValueError):
                    self.created[uniqueid] = float(msg["Timestamp"])
            elif event == "Newstate" and msg.get("ChannelStateDesc") == "Up":
                start = self.created.pop(uniqueid, None)
                if start is not None:
                    with contextlib.suppress(KeyError, ValueError):
                        self.inside_ms.append((float(msg["Timestamp"]) - start) * 1000)
            elif event == "Hangup":
                self.calls.discard(uniqueid)
                self.created.pop(uniqueid, None)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            if "control" in self.pids:
                self.memory.append((time.monotonic(), proc_stats(self.pids["control"])[0]))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)


@dataclass(frozen=True)
class Side:
    """The Asterisk under load (the platform's or the bare one), how SIPp reaches it, and
    the SIPp answering as its agents."""

    sandbox: Sandbox
    sip_port: int
    dids: list[str]
    sampler: Sampler
    label: str
    agents: Sipp
    asterisk: AsteriskInstance


# Stasis subscribers whose work grows with what the dialplan does per call: the AMI formatter
# (every channel message becomes an event before sessions filter it) and the CDR engine.
STASIS_SUBSCRIBERS = {"manager": "stasis/m:manager:core", "cdr": "stasis/m:cdr:aggregator"}


async def stasis_processed(asterisk: AsteriskInstance) -> dict[str, int]:
    """Messages each subscriber has processed so far (``core show taskprocessors``): a count of
    Asterisk's work per call that, unlike CPU seconds, does not move with the machine's load."""
    counts = dict.fromkeys(STASIS_SUBSCRIBERS, 0)
    for line in (await asterisk.cli("core show taskprocessors")).splitlines():
        columns = line.split()
        for key, prefix in STASIS_SUBSCRIBERS.items():
            if len(columns) > 1 and columns[0].startswith(prefix):
                counts[key] += int(columns[1])
    return counts


def call_tag(step: int) -> str:
    """The caller-number prefix of a step's calls (digits, as a carrier would send)."""
    return f"7{step:03d}0"


@dataclass(frozen=True)
class Tally:
    """One step's calls as both SIPps logged them, matched by caller number."""

    completed: set[str]  # the caller's scenario ran to its end (BYE answered)
    answered: set[str]  # the agents' SIPp answered the call (its ACK arrived)
    setup_ms: dict[str, float]  # INVITE -> 200 (the IVR's Answer()), per call
    spans: dict[str, tuple[float, float]]  # INVITE sent -> BYE answered (Unix times)

    @property
    def both(self) -> set[str]:
        """Successful calls: completed by the caller and answered by an agent."""
        return self.completed & self.answered

    def most_at_once(self) -> int:
        """The most successful calls up at the same time, by the caller's clocks."""
        edges = sorted(
            edge
            for call in self.both
            if call in self.spans
            for edge in ((self.spans[call][0], 1), (self.spans[call][1], -1))
        )
        up = most = 0
        for _, step in edges:  # at equal times an end (-1) sorts before a start
            up += step
            most = max(most, up)
        return most


def tally(caller: list[list[str]], agents: list[list[str]], tag: str) -> Tally:
    """Match the caller's log (``answered <id> s0 u0 s1 u1``, ``completed <id>``) with the
    agents' log (``agent <id> <from>``) for the calls whose number starts with ``tag``."""
    completed: set[str] = set()
    setup: dict[str, float] = {}
    started: dict[str, float] = {}
    ended: dict[str, float] = {}
    for words in caller:
        if len(words) >= 2 and words[1].startswith(tag):
            call = words[1]
            if words[0] == "completed":
                completed.add(call)
                if len(words) == 4:
                    ended[call] = float(words[2]) + float(words[3]) / 1e6
            elif words[0] == "answered" and len(words) == 6:
                s0, u0, s1, u1 = (float(w) for w in words[2:])
                setup[call] = (s1 - s0) * 1000 + (u1 - u0) / 1000
                started[call] = s0 + u0 / 1e6
    answered = {w[1] for w in agents if len(w) >= 2 and w[0] == "agent" and w[1].startswith(tag)}
    spans = {c: (started[c], ended[c]) for c in started.keys() & ended.keys()}
    return Tally(completed, answered, setup, spans)


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) by nearest rank; nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


async def run_load(
    side: Side, args: argparse.Namespace, load: Load, step: int = 0
) -> dict[str, Any]:
    """One SIPp run at ``load.rate`` calls/s; returns the figures."""
    sampler, label = side.sampler, side.label
    hold_ms = int(load.hold * 1000)
    uac = Sipp(side.sandbox, f"uac-{label}", [])
    chunks = max(1, math.ceil(hold_ms / PCAP_MS))
    scenario = uac.write(
        "uac.xml",
        UAC_XML.replace("HOLD", str(hold_ms))
        .replace("CHUNKS", str(chunks))
        .replace("CHUNK", str(hold_ms // chunks))
        .replace("PCAP", PCAP)
        .replace("CALLTAG", call_tag(step)),
    )
    inf = uac.write("dids.csv", "SEQUENTIAL\n" + "".join(f"{d};\n" for d in side.dids))
    total = int(load.rate * load.seconds)
    uac.argv = [
        f"127.0.0.1:{side.sip_port}", "-sf", scenario, "-inf", inf, "-i", CARRIER_IP,
        "-p", str(UAC_PORT), "-mi", CARRIER_IP, "-mp", "36000", "-r", str(load.rate),
        "-m", str(total), "-l", str(int(load.rate * (load.hold + 10))),
        "-nostdin", "-timeout_error",
        "-recv_timeout", "20000", "-max_recv_loops", "10000",
        "-trace_logs", "-log_file", f"{uac.inner}/calls.log",
        "-trace_err", "-error_file", f"{uac.inner}/errors.log",
        *(["-trace_msg"] if args.trace else []),
    ]  # fmt: skip
    before = sampler.stats()
    stasis0 = await stasis_processed(side.asterisk)
    events0, connected0, t0 = sampler.events, sampler.connected, time.monotonic()
    inside0 = len(sampler.inside_ms)
    reconnects0 = sampler.ami.connects
    sampler.max_calls = len(sampler.calls)
    stop = asyncio.Event()
    sampling = asyncio.ensure_future(sampler.run(stop))
    await uac.start()
    timed_out = False
    try:
        await uac.wait(load.seconds + load.hold + 60)
    except TimeoutError:  # calls still up a minute after the last should have ended: failed
        timed_out = True
    finally:
        await uac.stop()
        stop.set()
        await sampling
    took = time.monotonic() - t0
    after = sampler.stats()
    stats = uac.stats()
    # SIPp's caller succeeds once the IVR answers, agent or not; AMI's AgentConnect can be
    # lost with the bench's own AMI connection (a ping unanswered under load drops it). So
    # both sides count from the two SIPps' own per-call logs: a call succeeds if the caller
    # completed it and the agents' SIPp answered it, matched by caller number.
    await asyncio.sleep(1.0)  # the agents' SIPp logs the ACK of the last answered call
    t = tally(uac.log_lines(), side.agents.log_lines(), call_tag(step))
    stasis1 = await stasis_processed(side.asterisk)
    ok = len(t.both)
    failed = total - ok
    setups = [t.setup_ms[c] for c in t.both if c in t.setup_ms]
    cpu_s = after["asterisk"][1] - before["asterisk"][1]
    return {
        "label": label,
        "placed": total,
        "ok": ok,
        "failed": failed,
        "sipp_failed": stats.get("Failed call", 0),
        "refusals": uac.refusals(),
        "sipp_ok": stats.get("Successful call", 0),
        "completed": len(t.completed),
        "answered": len(t.answered),
        "agent_connect": sampler.connected - connected0,
        "ami_reconnects": sampler.ami.connects - reconnects0,
        "setup_p50": percentile(setups, 0.50),
        "setup_p99": percentile(setups, 0.99),
        "inside_p50": percentile(sampler.inside_ms[inside0:], 0.50),
        "inside_p99": percentile(sampler.inside_ms[inside0:], 0.99),
        "cpu_s_per_call": cpu_s / ok if ok else float("nan"),
        "stasis_per_call": {k: (stasis1[k] - stasis0[k]) / max(ok, 1) for k in stasis1},
        "timed_out": timed_out,
        "max_calls": t.most_at_once(),
        "ami_max_calls": sampler.max_calls,
        "rate": ok / max(load.seconds, 1e-9),
        "offered": load,
        "cpu": {k: (after[k][1] - before[k][1]) / took * 100 for k in after},
        "rss": {k: after[k][0] for k in after if k != "edge"},  # children share memory
        "events_s": (sampler.events - events0) / took,
        "log": str(uac.dir),
    }


async def provision(tenants: int, agents: int) -> tuple[list[str], list[tuple[str, str]]]:
    """Tenants, each with a number -> IVR (timeout -> queue of all its seats)."""
    dids: list[str] = []
    seats: list[tuple[str, str]] = []
    base = f"http://127.0.0.1:{HTTP}/api/v1"
    async with aiohttp.ClientSession() as http:

        async def call(method: str, path: str, body: Any, token: str = "") -> Any:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            async with http.request(method, base + path, json=body, headers=headers) as resp:
                assert resp.status < 300, (path, resp.status, await resp.text())
                return await resp.json() if resp.content_type == "application/json" else None

        op = await call("POST", "/auth/token", {"username": OPERATOR[0], "password": OPERATOR[1]})
        op_token = op["token"]
        for t in range(tenants):
            tid, did = f"load{t}", f"40090{t:05d}"
            admin = {"username": f"{tid}-admin", "password": "admin-password"}
            await call("POST", "/tenants", {"id": tid, "name": tid, "admin": admin}, op_token)
            await call("PUT", f"/tenants/{tid}/limits", {"max_calls": 1000}, op_token)
            await call("POST", f"/tenants/{tid}/numbers", {"number": did}, op_token)
            token = (await call("POST", "/auth/token", admin))["token"]
            exts = [str(2000 + i) for i in range(agents)]
            for ext in exts:
                seat = await call("POST", f"/tenants/{tid}/seats", {"extension": ext}, token)
                seats.append((seat["sip"]["username"], seat["sip"]["password"]))
            queue: dict[str, Any] = {"name": "sales", "extension": "600", "strategy": "leastrecent"}
            queue["members"] = [{"extension": e} for e in exts]
            await call("POST", f"/tenants/{tid}/queues", queue, token)
            to_queue = {"kind": "queue", "target": "sales"}
            menu = {
                "prompt": "silence/1",
                "timeout_s": 1,
                "max_tries": 1,
                "on_timeout": to_queue,
                "on_invalid": to_queue,
                "on_max_tries": to_queue,
            }
            ivr = {"entry": "main", "menus": {"main": menu}}
            await call("PUT", f"/tenants/{tid}/ivrs/main", ivr, token)
            route = {"type": "ivr", "target": "main"}
            await call("PUT", f"/tenants/{tid}/numbers/{did}/route", route, token)
            dids.append(did)
    return dids, seats


BARE_PJSIP = """[global]
type = global
endpoint_identifier_order = ip,username
taskprocessor_overload_trigger = pjsip_only

[transport-udp]
type = transport
protocol = udp
bind = 127.0.0.1:{sip}

[carrier]
type = endpoint
transport = transport-udp
context = from-carrier
disallow = all
allow = ulaw,alaw
direct_media = no
rtp_symmetric = yes
send_pai = yes
trust_id_outbound = yes

[carrier]
type = identify
endpoint = carrier
match = {carrier}
"""
BARE_AGENT = """
[{name}]
type = endpoint
transport = transport-udp
context = agents
disallow = all
allow = ulaw,alaw
direct_media = no
aors = {name}

[{name}]
type = aor
contact = sip:{name}@127.0.0.1:{uas}
"""


async def bare_asterisk(sandbox: Sandbox, tenants: int, agents: int) -> AsteriskInstance:
    """An Asterisk with an equivalent static configuration: no realtime, no control plane."""
    inst = AsteriskInstance(
        sandbox,
        "load-bare",
        "platform",
        {
            "DB_HOST": "127.0.0.1", "DB_PORT": "1", "DB_NAME": "none", "DB_USER": "none",
            "DB_PASS": "", "AMI_BIND": "127.0.0.1", "AMI_USER": AMI_USER, "AMI_SECRET": AMI_SECRET,
            "SIP_BIND": "127.0.0.1", "SIP_PORT": str(BARE_SIP), "AMI_PORT": str(BARE_AMI),
            "HTTP_PORT": "8399", "RTP_START": "40000", "RTP_END": "49999",
            "EDGE_HOST": CARRIER_IP, "EDGE_PORT": str(UAC_PORT),  # unused: pjsip.conf is ours
        },
        log_verbose=LOG_VERBOSE,
    )  # fmt: skip
    inst.render()
    etc = inst.host_dir / "etc"
    pjsip = BARE_PJSIP.format(sip=BARE_SIP, carrier=CARRIER_IP)
    queues = "[general]\npersistentmembers = no\n"
    ext = [
        "[general]\nstatic=yes\n[default]\n[agents]\n[from-carrier]",
        "exten => _X.,1,Set(T=${EXTEN:-5})",
        " same => n,Answer()",
        " same => n,Read(KEY,silence/1,1,,1,1)",
        " same => n,Queue(q${T},,,,60)",
        " same => n,Hangup()",
    ]
    for t in range(tenants):
        queues += f"\n[q{t:05d}]\nstrategy = leastrecent\nringinuse = no\n"
        for i in range(agents):
            name = f"bare{t}-{2000 + i}"
            pjsip += BARE_AGENT.format(name=name, uas=BARE_UAS_PORT)
            queues += f"member => PJSIP/{name}\n"
    (etc / "pjsip.conf").write_text(pjsip)
    (etc / "queues.conf").write_text(queues)
    (etc / "extensions.conf").write_text("\n".join(ext) + "\n")
    (etc / "extconfig.conf").write_text("[settings]\n")
    (etc / "sorcery.conf").write_text("")
    for name in ("cdr_pgsql.conf", "res_pgsql.conf", "cdr_manager.conf"):
        with contextlib.suppress(FileNotFoundError):
            (etc / name).unlink()
    modules = (etc / "modules.conf").read_text()
    (etc / "modules.conf").write_text(
        modules + "noload = res_config_pgsql.so\nnoload = cdr_pgsql.so\nnoload = cdr_manager.so\n"
    )
    inst.render = lambda: None  # type: ignore[method-assign]  # keep the static files
    await inst.start()
    return inst


@dataclass(frozen=True)
class Load:
    """What SIPp offers: ``rate`` new calls/s for ``seconds``, each held ``hold`` s."""

    rate: float
    hold: float
    seconds: float


# From the INVITE to the agent's answer (the IVR's 1 s read timeout, then the queue): a call
# lasts this much longer than it is held, so concurrent calls ~ rate * (hold + SETUP_S).
SETUP_S = 1.2


def plan(args: argparse.Namespace) -> list[Load]:
    """One load; or, with ``--ramp``, a step per target of concurrent calls (the rate fixed,
    calls held longer), each placed long enough to hold its target for ``--seconds``."""
    if args.soak:
        return [Load(args.rate, args.hold, args.soak)]
    if not args.ramp:
        return [Load(args.rate, args.hold, args.seconds)]
    loads = []
    for target in args.ramp:
        hold = max(1.0, target / args.rate - SETUP_S)
        loads.append(Load(args.rate, round(hold, 1), round(hold + SETUP_S + args.seconds)))
    return loads


async def run_steps(
    side: Side, args: argparse.Namespace, loads: list[Load]
) -> list[dict[str, Any]]:
    """Each load in turn until one has failures (the first failure is the capacity)."""
    results = []
    for step, load in enumerate(loads, 1):
        result = await run_load(side, args, load, step)
        show(result)
        results.append(result)
        if result["failed"]:
            break
        await drain(side.sampler)
    return results


async def drain(sampler: Sampler, timeout: float = 30.0) -> None:
    """Wait until the last step's calls are gone, so the next starts from zero."""
    deadline = time.monotonic() + timeout
    while sampler.calls and time.monotonic() < deadline:  # noqa: ASYNC110 - set by AMI callbacks
        await asyncio.sleep(0.2)


def soak_verdict(memory: list[tuple[float, float]], window_s: float = 300.0) -> str:
    """Mean RSS of the first and last ``window_s`` of a soak (after a minute of warm-up)."""
    t0 = memory[0][0] + 60
    first = [m for t, m in memory if t0 <= t < t0 + window_s]
    last = [m for t, m in memory if t >= memory[-1][0] - window_s]
    if not first or not last:
        return "soak too short to compare"
    a, b = sum(first) / len(first), sum(last) / len(last)
    return (
        f"control plane RSS, mean of minutes 1-{1 + window_s / 60:g}: {a:.1f} MB;"
        f" of the last {window_s / 60:g}: {b:.1f} MB; growth {b - a:+.1f} MB"
        f" ({(b - a) / a * 100:+.1f}%)"
    )


def failed_cdr_inserts(log: Path) -> int:
    """cdr_pgsql's "Failed to insert call detail record" lines: each costs it a reconnect."""
    try:
        text = log.read_text(errors="replace")
    except FileNotFoundError:
        return 0
    return text.count("Failed to insert call detail record")


def held(results: list[dict[str, Any]], setup_under_ms: float = math.inf) -> int:
    """Concurrent calls held by the biggest step with no failure (and, given
    ``setup_under_ms``, with INVITE -> answer p99 under it)."""
    return max(
        (
            r["max_calls"]
            for r in results
            if r["failed"] == 0 and r["setup_p99"] < setup_under_ms  # nan compares False
        ),
        default=0,
    )


FAST_SETUP_MS = 100.0


def show(result: dict[str, Any]) -> None:
    cpu = ", ".join(f"{k} {v:.0f}%" for k, v in result["cpu"].items())
    rss = ", ".join(f"{k} {v:.0f} MB" for k, v in result["rss"].items())
    offered = result["offered"]
    print(
        f"[{result['label']}] offered {offered.rate:g}/s held {offered.hold:g} s;"
        f" placed {result['placed']}, answered by an agent and completed {result['ok']},"
        f" failed {result['failed']} (SIPp's own count {result['sipp_failed']}"
        f"{''.join(f'; {n}x {why}' for why, n in sorted(result['refusals'].items()))}"
        f"{'; still up a minute after the last should have ended' if result['timed_out'] else ''});"
        f" max concurrent calls {result['max_calls']} (successful ones, by SIPp's clocks;"
        f" AMI's carrier channels: {result['ami_max_calls']});"
        f" setup rate {result['rate']:.1f}/s; CPU (of one core) {cpu}; RSS {rss};"
        f" AMI events/s {result['events_s']:.0f}   (SIPp files: {result['log']})",
        flush=True,
    )
    print(
        f"[{result['label']}]   reconcile: SIPp caller completed {result['completed']}"
        f" (its screen: {result['sipp_ok']} successful, {result['sipp_failed']} failed)"
        f" / agent SIPp answered {result['answered']} / both {result['ok']};"
        f" AMI AgentConnect {result['agent_connect']}"
        f" (bench AMI reconnects {result['ami_reconnects']})",
        flush=True,
    )
    print(
        f"[{result['label']}]   INVITE -> answer p50 {result['setup_p50']:.1f} ms,"
        f" p99 {result['setup_p99']:.1f} ms (inside Asterisk, by its own stamps: p50"
        f" {result['inside_p50']:.1f}, p99 {result['inside_p99']:.1f}); Asterisk CPU per call"
        f" {result['cpu_s_per_call'] * 1000:.1f} ms; stasis messages per call: AMI formatter"
        f" {result['stasis_per_call']['manager']:.0f},"
        f" CDR engine {result['stasis_per_call']['cdr']:.0f}",
        flush=True,
    )


async def main(args: argparse.Namespace) -> None:
    sandbox = await Sandbox.ensure()
    dsn = f"{PG}/cc_load_{uuid.uuid4().hex[:8]}"
    await migrate(dsn)
    # The platform in its one shape: the SIP edge in front of a node. The carrier is this
    # bench's SIPp (the carrier Asterisk is not started); its trunk is known by its address.
    cluster = build_cluster(sandbox, dsn, AMI_USER, AMI_SECRET, LAYOUT)
    await cluster.register(dsn)
    platform = cluster.platform
    platform.log_verbose = LOG_VERBOSE
    await platform.start()
    await cluster.edge.start()
    await cluster.edge.wait_nodes_up(1)
    env = {
        **os.environ,
        "CALLCENTER_DSN": dsn,
        "CALLCENTER_HTTP_PORT": str(HTTP),
        "CALLCENTER_AMI_HOST": NODE_IP,
        "CALLCENTER_AMI_PORT": str(AMI),
        "CALLCENTER_AMI_USERNAME": AMI_USER,
        "CALLCENTER_AMI_SECRET": AMI_SECRET,
        "CALLCENTER_SIP_PORT": str(SIP),
        "CALLCENTER_OPERATOR_USERNAME": OPERATOR[0],
        "CALLCENTER_OPERATOR_PASSWORD": OPERATOR[1],
        "CALLCENTER_JWT_SECRET": secrets.token_urlsafe(40),
        "PYTHONPATH": str(ROOT / "platform"),
    }
    control = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "callcenter", "serve", env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=open("/tmp/cc-load-control.log", "wb"),  # noqa: ASYNC230
    )  # fmt: skip
    ami = AmiClient(NODE_IP, AMI, AMI_USER, AMI_SECRET)
    uas: Sipp | None = None
    bare: AsteriskInstance | None = None
    bare_uas: Sipp | None = None
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(300):
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(f"http://127.0.0.1:{HTTP}/healthz") as resp:
                        if resp.status == 200 and (await resp.json())["ami"]:
                            break
                await asyncio.sleep(0.1)
        await ami.start()
        await ami.wait_ready()
        dids, seats = await provision(args.tenants, args.agents)
        # Contacts must outlive the whole run (a soak is 30 min): the AOR's maximum, 3600 s.
        async with SipRegistrar("127.0.0.1", "127.0.0.1", SIP, UAS_PORT, expires=3600) as reg:
            for user, password in seats:
                assert await reg.register(user, password) == 200, user
        print(f"provisioned {len(dids)} tenants, {len(seats)} agents registered", flush=True)
        uas = Sipp(sandbox, "uas", [])
        scen = uas.write("uas.xml", UAS_XML)
        uas.argv = ["-sf", scen, "-i", "127.0.0.1", "-p", str(UAS_PORT), "-rtp_echo",
                    "-mi", "127.0.0.1", "-mp", "37000", "-nostdin",
                    "-trace_logs", "-log_file", f"{uas.inner}/calls.log"]  # fmt: skip
        await uas.start()
        await asyncio.sleep(2)  # device states NOT_INUSE from the new contacts
        assert platform.process is not None
        assert cluster.edge.process is not None
        sampler = Sampler(ami, platform.process.pid, control.pid, cluster.edge.process.pid)
        loads = plan(args)
        results = await run_steps(
            Side(sandbox, SIP, dids, sampler, "platform", uas, platform), args, loads
        )
        if args.soak:
            mem = sampler.memory
            for i in range(0, len(mem), 60):
                print(f"  control plane RSS at {mem[i][0] - mem[0][0]:5.0f} s: {mem[i][1]:.1f} MB")
            print(soak_verdict(mem), flush=True)
        print(
            "cdr_pgsql inserts that failed (platform Asterisk's log):"
            f" {failed_cdr_inserts(platform.host_dir / 'log' / 'messages.log')}",
            flush=True,
        )
        if args.bare:
            # Calls a failed step left up would burden the machine during the bare run.
            with contextlib.suppress(Exception):
                await ami.action("Hangup", Channel="/^(PJSIP|Local)\\//")
            await uas.stop()
            bare = await bare_asterisk(sandbox, args.tenants, args.agents)
            bare_ami = AmiClient("127.0.0.1", BARE_AMI, AMI_USER, AMI_SECRET)
            await bare_ami.start()
            await bare_ami.wait_ready()
            bare_uas = Sipp(sandbox, "bare-uas", [])
            scen = bare_uas.write("uas.xml", UAS_XML)
            bare_uas.argv = ["-sf", scen, "-i", "127.0.0.1", "-p", str(BARE_UAS_PORT),
                             "-rtp_echo", "-mi", "127.0.0.1", "-mp", "38000",
                             "-nostdin", "-trace_logs", "-log_file",
                             f"{bare_uas.inner}/calls.log"]  # fmt: skip
            await bare_uas.start()
            assert bare.process is not None
            bare_dids = [f"4009{t:05d}" for t in range(args.tenants)]
            sampler_b = Sampler(bare_ami, bare.process.pid, None)
            results_b = await run_steps(
                Side(sandbox, BARE_SIP, bare_dids, sampler_b, "bare", bare_uas, bare), args, loads
            )
            await bare_ami.stop()
            held_p, held_b = held(results), held(results_b)
            ratio = held_p / held_b if held_b else float("nan")
            clean = [r for r in results if r["failed"] == 0]
            top = clean[-1] if clean else results[0]
            cp = top["cpu"].get("control", 0.0) / max(top["cpu"]["asterisk"], 1e-9)
            saturated = any(r["failed"] for r in results_b)
            print(
                f"ratio platform/bare, concurrent calls held at 0 failures: {ratio:.2f}"
                f" ({held_p} / {held_b}"
                f"{'' if saturated else '; the bare one never failed: a lower bound'});"
                f" control-plane CPU = {cp * 100:.0f}% of Asterisk's"
                f" (at {top['max_calls']} calls)"
            )
            fast_p, fast_b = held(results, FAST_SETUP_MS), held(results_b, FAST_SETUP_MS)
            print(
                f"ratio platform/bare, concurrent calls held at 0 failures with INVITE -> answer"
                f" p99 under {FAST_SETUP_MS:g} ms: "
                + (f"{fast_p / fast_b:.2f}" if fast_b else "nan")
                + f" ({fast_p} / {fast_b})"
            )
            for r, rb in zip(results, results_b, strict=False):
                print(
                    f"  step {r['offered'].hold:g} s hold: INVITE -> answer p50/p99"
                    f" platform {r['setup_p50']:.1f}/{r['setup_p99']:.1f} ms,"
                    f" bare {rb['setup_p50']:.1f}/{rb['setup_p99']:.1f} ms;"
                    f" Asterisk CPU per call platform {r['cpu_s_per_call'] * 1000:.1f} ms,"
                    f" bare {rb['cpu_s_per_call'] * 1000:.1f} ms; AMI formatter messages per"
                    f" call platform {r['stasis_per_call']['manager']:.0f},"
                    f" bare {rb['stasis_per_call']['manager']:.0f}",
                    flush=True,
                )
    finally:
        for s in (uas, bare_uas):
            if s is not None:
                await s.stop()
        await ami.stop()
        control.terminate()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(control.wait(), 10)
        await cluster.edge.stop()
        await platform.stop()
        if bare is not None:
            await bare.stop()
        admin = await asyncpg.connect(f"{PG}/postgres")
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{dsn.rsplit("/", 1)[1]}" WITH (FORCE)')
        finally:
            await admin.close()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--tenants", type=int, default=5)
    p.add_argument("--agents", type=int, default=30, help="agents per tenant")
    p.add_argument("--rate", type=float, default=20.0, help="new calls per second")
    p.add_argument("--hold", type=float, default=6.0, help="seconds the caller holds")
    p.add_argument("--seconds", type=float, default=30.0, help="how long calls are placed")
    p.add_argument("--soak", type=float, default=0.0, help="steady load this long (e.g. 1800)")
    p.add_argument("--trace", action="store_true", help="SIPp message and error traces")
    p.add_argument(
        "--ramp",
        type=lambda v: [int(x) for x in v.split(",")],
        default=[],
        help="targets of concurrent calls, e.g. 100,200,300: a step each until one fails",
    )
    p.add_argument("--no-bare", dest="bare", action="store_false", help="skip the bare run")
    asyncio.run(main(p.parse_args()))
