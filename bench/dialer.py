"""Predictive dialling on real calls: agent occupancy, abandon rate, dials per agent-hour and
the dialer's decision latency.

Brings up the end-to-end tests' stack (tests/stack.py: the SIP edge, one platform node
and the carrier Asterisk, on the test slot's ports) and the control plane with its dialer.
The carrier plays both sides: the campaign's customers (numbers 138000 1xxxx answer and
talk TALK s, 138000 2xxxx ring out: the share of answering numbers is the answer rate) and
the agents: N seats forwarded to carrier numbers 1390000xxxx that answer at once and stay on
the line, so every agent is a real call leg (no SIP phones: SIPp agents are not done). A
predictive campaign of CONTACTS contacts runs for SECONDS, then is paused and measured from
its attempts:

* occupancy = talk time of calls put through / (agents x run time);
* abandon rate = abandoned / (answered + abandoned), the campaign's own figure;
* dials per agent-hour;
* decision latency = one pacing tick (DB reads, QueueStatus, the model), p50/p90/max.

Usage (short runs here: the machine is shared):
    CALLCENTER_TEST_SLOT=1 .venv/bin/python bench/dialer.py \
        [AGENTS] [CONTACTS] [ANSWER] [TALK] [SECONDS]      # e.g. 20 2000 0.3 20 90
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
from aiohttp import web

from callcenter import keys
from callcenter.ami.client import AmiClient
from callcenter.app import create_app
from callcenter.db.migrate import migrate
from callcenter.db.roles import APP_ROLE, ASTERISK_ROLE, ensure_login
from callcenter.devstack.cluster import build_cluster
from callcenter.devstack.sandbox import Sandbox

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from stack import (
    AMI_SECRET,
    AMI_USER,
    CARRIER_AMI,
    LAYOUT,
    PLATFORM_AMI,
    PLATFORM_AMI_HOST,
    SLOT,
)
from support import APP_LOGIN, ASTERISK_LOGIN, OPERATOR, login_dsn, make_settings

PG = os.environ.get("CALLCENTER_TEST_PG", "postgresql://postgres:postgres@127.0.0.1:5432")
API_PORT = 8190 + 20 * SLOT
TENANT = "dialer"
NUMBER = "4009900001"


async def api(s: aiohttp.ClientSession, method: str, path: str, token: str, body: Any) -> Any:
    async with s.request(
        method,
        f"http://127.0.0.1:{API_PORT}{path}",
        json=body if isinstance(body, dict) else None,
        data=body.encode() if isinstance(body, str) else None,
        headers={"Authorization": f"Bearer {token}"},
    ) as resp:
        data = await resp.json(content_type=None)
        if resp.status >= 300:
            raise RuntimeError(f"{method} {path}: {resp.status} {data}")
        return data


async def sign_in(s: aiohttp.ClientSession, username: str, password: str) -> str:
    async with s.post(
        f"http://127.0.0.1:{API_PORT}/api/v1/auth/token",
        json={"username": username, "password": password},
    ) as resp:
        token: str = (await resp.json())["token"]
        return token


async def carrier_rules(carrier: AmiClient, talk: int) -> None:
    """Customers by number pattern; agents' mobiles answer and stay."""
    rules = {
        "_1380001XXXX": [("Answer", ""), ("Wait", str(talk)), ("Hangup", "")],
        "_1380002XXXX": [("Ringing", ""), ("Wait", "120")],
        "_1390000XXXX": [("Answer", ""), ("Wait", "7200")],
    }
    for exten, steps in rules.items():
        for priority, (app, data) in enumerate(steps, start=1):
            await carrier.action(
                "DialplanExtensionAdd",
                Context="from-platform",
                Extension=exten,
                Priority=priority,
                Application=app,
                ApplicationData=data,
                Replace="yes",
            )


def contact_list(contacts: int, answer: float) -> str:
    lines = ["phone,name"]
    for i in range(contacts):
        answers = (i * 7919 % 1000) < answer * 1000  # spread evenly through the list
        lines.append(f"138000{'1' if answers else '2'}{i:04d},C{i}")
    return "\n".join(lines) + "\n"


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def main(agents: int, contacts: int, answer: float, talk: int, seconds: int) -> None:
    admin_dsn = f"{PG}/cc_dialer_{uuid.uuid4().hex[:8]}"
    await migrate(admin_dsn)
    app_dsn = login_dsn(admin_dsn, *APP_LOGIN)
    await ensure_login(admin_dsn, app_dsn, APP_ROLE)
    asterisk_dsn = login_dsn(admin_dsn, *ASTERISK_LOGIN)
    await ensure_login(admin_dsn, asterisk_dsn, ASTERISK_ROLE)
    sandbox = await Sandbox.ensure()
    cluster = build_cluster(sandbox, asterisk_dsn, AMI_USER, AMI_SECRET, LAYOUT)
    await cluster.register(app_dsn, nodes=1)
    await cluster.start(nodes_up=1)
    settings = make_settings(
        app_dsn,
        ami_enabled=True,
        ami_host=PLATFORM_AMI_HOST,
        ami_port=PLATFORM_AMI,
        ami_username=AMI_USER,
        ami_secret=AMI_SECRET,
    )
    app = create_app(settings)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", API_PORT).start()
    carrier_ami = AmiClient("127.0.0.1", CARRIER_AMI, AMI_USER, AMI_SECRET)
    try:
        await app[keys.AMI].wait_ready()
        await carrier_ami.start()
        await carrier_ami.wait_ready()
        await carrier_rules(carrier_ami, talk)
        async with aiohttp.ClientSession() as s:
            op = await sign_in(s, *OPERATOR)
            admin_user = {"username": "dialer-admin", "password": "dialer-admin-pw"}
            body = {"id": TENANT, "name": "Dialer", "admin": admin_user}
            await api(s, "POST", "/api/v1/tenants", op, body)
            base = f"/api/v1/tenants/{TENANT}"
            await api(
                s,
                "PUT",
                f"{base}/limits",
                op,
                {"max_calls": 0, "max_outbound": 1000, "outbound_patterns": ["1[3-9]XXXXXXXXX"]},
            )
            await api(s, "POST", f"{base}/numbers", op, {"number": NUMBER})
            admin = await sign_in(s, "dialer-admin", "dialer-admin-pw")
            members = []
            for i in range(agents):
                ext = str(2000 + i)
                await api(s, "POST", f"{base}/seats", admin, {"extension": ext})
                await api(s, "PUT", f"{base}/seats/{ext}", admin, {"forward_to": f"1390000{i:04d}"})
                members.append({"extension": ext})
            queue = {"name": "sales", "extension": "600", "ring_timeout": 15, "members": members}
            await api(s, "POST", f"{base}/queues", admin, queue)
            open_all = {
                "timezone": "UTC",
                "weekly": [{"weekday": d, "start": "00:00", "end": "24:00"} for d in range(7)],
                "closed_destination": {"kind": "hangup", "target": ""},
            }
            await api(s, "PUT", f"{base}/schedules/open", admin, open_all)
            campaign = {
                "name": "bench",
                "mode": "predictive",
                "caller_number": NUMBER,
                "queue": "sales",
                "schedule": "open",
                "dial_timeout": 20,
                "max_attempts": 1,
            }
            c = await api(s, "POST", f"{base}/campaigns", admin, campaign)
            one = f"{base}/campaigns/{c['id']}"
            await api(s, "POST", f"{one}/contacts.csv", admin, contact_list(contacts, answer))
            await asyncio.sleep(2)  # the forwarded seats' device states settle
            print(
                f"{agents} agents, {contacts} contacts, answer {answer:.0%}, talk {talk} s,"
                f" {seconds} s run",
                flush=True,
            )
            started = time.monotonic()
            await api(s, "POST", f"{one}/state", admin, {"action": "start"})
            while time.monotonic() - started < seconds:
                await asyncio.sleep(10)
                shown = await api(s, "GET", one, admin, None)
                p = shown["progress"]
                print(
                    f"  t={time.monotonic() - started:5.0f}s dialled={p['dialled']}"
                    f" reached={p['reached']} abandoned={p['abandoned']}"
                    f" in_flight={p['in_flight']}",
                    flush=True,
                )
            await api(s, "POST", f"{one}/state", admin, {"action": "pause"})
            run_s = time.monotonic() - started
            shown = await api(s, "GET", one, admin, None)
        db = await asyncpg.connect(admin_dsn)
        try:
            talk_s = await db.fetchval(
                "SELECT coalesce(sum(extract(epoch FROM least(coalesce(ended_at, now()), now())"
                " - answered_at)), 0) FROM campaign_attempts WHERE campaign_id = $1"
                " AND answered_at IS NOT NULL AND (outcome = 'answered' OR agent IS NOT NULL)",
                c["id"],
            )
        finally:
            await db.close()
        p = shown["progress"]
        decisions = [d * 1000 for d in app[keys.DIALER].decisions]
        print()
        occupancy = float(talk_s) / (agents * run_s)
        print(f"occupancy (talk / logged-in)  {occupancy:6.1%}  (target >= 80 %)")
        print(f"abandon rate                  {p['abandon_rate_percent']:6.2f} %  (cap 3 %)")
        print(f"dials per agent-hour          {p['dialled'] / (agents * run_s / 3600):6.0f}")
        print(f"reached / dialled             {p['reached']} / {p['dialled']}")
        if decisions:
            print(
                f"decision latency              p50={statistics.median(decisions):.1f} ms"
                f" p90={pct(decisions, 90):.1f} ms max={max(decisions):.1f} ms"
                f" (n={len(decisions)})"
            )
    finally:
        await carrier_ami.stop()
        await runner.cleanup()
        await cluster.stop()
        admin_db = await asyncpg.connect(f"{PG}/postgres")
        name = admin_dsn.rsplit("/", 1)[1]
        await admin_db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin_db.close()


if __name__ == "__main__":
    args = sys.argv[1:]
    asyncio.run(
        main(
            int(args[0]) if len(args) > 0 else 20,
            int(args[1]) if len(args) > 1 else 2000,
            float(args[2]) if len(args) > 2 else 0.3,
            int(args[3]) if len(args) > 3 else 20,
            int(args[4]) if len(args) > 4 else 90,
        )
    )
