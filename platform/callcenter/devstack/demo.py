"""``callcenter demo``: the whole platform on this machine with a demo tenant.

PostgreSQL (already running), platform Asterisk 22 and carrier Asterisk in the sandbox, the
control plane on http://127.0.0.1:8080, tenant ``demo`` with 400-800-1234 and 0755-2345-6789,
two seats and a queue. Two softphones register as the agents and one call is placed through
the carrier to show the path works; then it keeps serving until interrupted.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import secrets
import signal
from typing import Any

import aiohttp
from aiohttp import web

from callcenter.app import create_app
from callcenter.db.migrate import migrate_with_roles
from callcenter.devstack.cluster import ClusterLayout, build_cluster
from callcenter.devstack.phones import Account, SoftPhone
from callcenter.devstack.sandbox import Sandbox
from callcenter.settings import Settings

DEMO_TENANT = "demo"
DEMO_ADMIN = ("demo-admin", "demo-admin-pass")
DEMO_AGENT = ("demo-agent", "demo-agent-pass")
DEMO_NUMBERS = ("400-800-1234", "0755-2345-6789")  # README's example must take another


def _defaults() -> Settings:
    env = dict(os.environ)
    # Least privilege, as in production: the superuser only migrates and sets up the roles;
    # the control plane and Asterisk log in as their own (db/roles.py).
    env.setdefault(
        "CALLCENTER_ADMIN_DSN", "postgresql://postgres:postgres@127.0.0.1:5432/callcenter"
    )
    env.setdefault(
        "CALLCENTER_DSN", "postgresql://callcenter_demo:demo-control-db@127.0.0.1:5432/callcenter"
    )
    env.setdefault(
        "CALLCENTER_ASTERISK_DSN",
        "postgresql://callcenter_demo_asterisk:demo-asterisk-db@127.0.0.1:5432/callcenter",
    )
    env.setdefault("CALLCENTER_OPERATOR_PASSWORD", "operator-pass")
    # Secrets of this run only: the demo prints what a user needs, and nothing else is known.
    env.setdefault("CALLCENTER_AMI_SECRET", secrets.token_urlsafe(24))
    env.setdefault("CALLCENTER_JWT_SECRET", secrets.token_urlsafe(40))
    return Settings.from_env(env)


async def _api(
    session: aiohttp.ClientSession,
    method: str,
    url: str,
    token: str | None = None,
    json: Any = None,
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with session.request(method, url, json=json, headers=headers) as resp:
        return resp.status, await resp.json(content_type=None)


async def provision(base: str, settings: Settings) -> dict[str, Any]:
    """Create the demo tenant through the public API (idempotent: reuses what exists)."""
    async with aiohttp.ClientSession() as s:
        _, tok = await _api(
            s,
            "POST",
            f"{base}/api/v1/auth/token",
            json={"username": settings.operator_username, "password": settings.operator_password},
        )
        op = tok["token"]
        await _api(
            s,
            "POST",
            f"{base}/api/v1/tenants",
            op,
            {
                "id": DEMO_TENANT,
                "name": "Demo Trading Co.",
                "admin": {"username": DEMO_ADMIN[0], "password": DEMO_ADMIN[1]},
            },
        )
        for number in DEMO_NUMBERS:
            await _api(
                s, "POST", f"{base}/api/v1/tenants/{DEMO_TENANT}/numbers", op, {"number": number}
            )
        _, tok = await _api(
            s,
            "POST",
            f"{base}/api/v1/auth/token",
            json={"username": DEMO_ADMIN[0], "password": DEMO_ADMIN[1]},
        )
        admin = tok["token"]
        seats = {}
        for ext in ("1001", "1002"):
            # Re-create so the demo always knows the passwords it prints.
            await _api(s, "DELETE", f"{base}/api/v1/tenants/{DEMO_TENANT}/seats/{ext}", admin)
            _, seat = await _api(
                s,
                "POST",
                f"{base}/api/v1/tenants/{DEMO_TENANT}/seats",
                admin,
                {"extension": ext, "name": f"Agent {ext}"},
            )
            seats[ext] = seat["sip"]
        await _api(
            s,
            "POST",
            f"{base}/api/v1/tenants/{DEMO_TENANT}/queues",
            admin,
            {"name": "support", "extension": "600"},
        )
        await _api(
            s,
            "PUT",
            f"{base}/api/v1/tenants/{DEMO_TENANT}/queues/support/members",
            admin,
            {"members": [{"extension": "1001"}, {"extension": "1002"}]},
        )
        await _api(
            s,
            "PUT",
            f"{base}/api/v1/tenants/{DEMO_TENANT}/numbers/4008001234/route",
            admin,
            {"type": "queue", "target": "support"},
        )
        # A browser agent on seat 1003 in queue "sales", and an IVR on the city number:
        # 1 -> support, 2 -> sales.
        await _api(
            s, "POST", f"{base}/api/v1/tenants/{DEMO_TENANT}/seats", admin, {"extension": "1003"}
        )
        await _api(
            s,
            "POST",
            f"{base}/api/v1/tenants/{DEMO_TENANT}/queues",
            admin,
            {"name": "sales", "extension": "601", "members": [{"extension": "1003"}]},
        )
        await _api(
            s,
            "POST",
            f"{base}/api/v1/tenants/{DEMO_TENANT}/agents",
            admin,
            {"username": DEMO_AGENT[0], "password": DEMO_AGENT[1], "extension": "1003"},
        )
        await _api(
            s,
            "PUT",
            f"{base}/api/v1/tenants/{DEMO_TENANT}/ivrs/main",
            admin,
            {
                "entry": "main",
                "menus": {
                    "main": {
                        "prompt": "demo-congrats",
                        "options": {
                            "1": {"kind": "queue", "target": "support"},
                            "2": {"kind": "queue", "target": "sales"},
                        },
                    }
                },
            },
        )
        await _api(
            s,
            "PUT",
            f"{base}/api/v1/tenants/{DEMO_TENANT}/numbers/075523456789/route",
            admin,
            {"type": "ivr", "target": "main"},
        )
        return seats


async def run_demo(serve: bool = True) -> int:
    """Bring the stack up, provision, place one call; serve until SIGINT/SIGTERM."""
    settings = _defaults()
    await migrate_with_roles(
        settings.admin_dsn or settings.dsn, settings.dsn, settings.asterisk_dsn
    )
    sandbox = await Sandbox.ensure()
    # One shape everywhere: the SIP edge in front, here with one node (the tests run two).
    cluster = build_cluster(
        sandbox,
        settings.asterisk_dsn or settings.dsn,
        settings.ami_username,
        settings.ami_secret,
        ClusterLayout(
            prefix="demo",
            sip_port=settings.sip_port,
            tls_port=settings.sip_port + 1,
            ws_port=8088,
            wss_port=8089,
            ami_port=settings.ami_port,
            http_port=8088,
            rtp_base=10000,
            carrier_host="127.0.0.2",
            carrier_sip_port=5060,
            carrier_ami_port=5039,
            carrier_rtp_base=11000,
            nodes=1,
        ),
    )
    await cluster.register(settings.admin_dsn or settings.dsn)
    await cluster.start()
    platform = cluster.platform
    # The control plane runs beside this Asterisk, so it mirrors uploaded prompts itself.
    settings = dataclasses.replace(
        settings,
        ami_host=cluster.layout.node_ip(0),
        prompts_dir=str(platform.host_dir / "prompts"),
        recordings_dir=str(platform.host_dir / "recordings"),
    )
    runner = web.AppRunner(create_app(settings))
    phones: list[SoftPhone] = []
    try:
        await runner.setup()
        await web.TCPSite(runner, settings.http_host, settings.http_port).start()
        base = f"http://{settings.http_host}:{settings.http_port}"
        seats = await provision(base, settings)
        print(
            f"control plane: {base}  (operator: {settings.operator_username} / "
            f"{settings.operator_password}; tenant admin: {DEMO_ADMIN[0]} / {DEMO_ADMIN[1]})"
        )
        print(
            f"agent console: {base}/agent  ({DEMO_AGENT[0]} / {DEMO_AGENT[1]}, seat 1003,"
            f" queue sales; 0755-2345-6789 -> IVR, press 2)"
        )
        print(f"wallboard: {base}/wallboard  ({DEMO_ADMIN[0]} / {DEMO_ADMIN[1]})")
        for ext, sip in seats.items():
            print(f"seat {ext}: {sip['uri']}  password {sip['password']}")
        phones = [
            SoftPhone(
                sandbox,
                f"demo-{ext}",
                24060 + 4 * i,
                25060 + 4 * i,
                [Account(sip["username"], sip["password"], sip["registrar"])],
            )
            for i, (ext, sip) in enumerate(seats.items())
        ]
        for phone in phones:
            await phone.start()
        await asyncio.sleep(1.5)
        from callcenter.ami.client import AmiClient

        carrier_ami = AmiClient("127.0.0.1", 5039, settings.ami_username, settings.ami_secret)
        await carrier_ami.start()
        await carrier_ami.wait_ready()
        await carrier_ami.originate(
            Channel="PJSIP/4008001234@platform",
            Context="caller",
            Exten="tone",
            Priority=1,
            CallerID='"13800138000" <13800138000>',
            Timeout=20000,
        )
        print("demo call: carrier -> 400-800-1234 -> queue 'support' -> agent: answered")
        await asyncio.sleep(2)
        for ch in await carrier_ami.action_list("CoreShowChannels"):
            await carrier_ami.action("Hangup", Channel=ch["Channel"])
        await carrier_ami.stop()
        if serve:
            print("serving; Ctrl-C to stop")
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            await stop.wait()
    finally:
        for phone in phones:
            with contextlib.suppress(Exception):
                await phone.stop()
        await runner.cleanup()
        await cluster.stop()
    return 0
