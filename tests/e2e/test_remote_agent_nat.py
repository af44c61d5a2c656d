"""A remote agent behind NAT: a SIP app over TLS and the browser over WSS, each in a network
namespace behind a masquerading router (devstack/netns.py), register at the edge, take a
queue call from the carrier and have audio both ways.

The agent's own addresses (Via, Contact, SDP) are private and unreachable from the host; the
router also translates ports. Signalling comes back through the edge over the agent's own
connection (Path with the address the REGISTER came from); media is not anchored at the
edge: the node sends RTP to the address and port the agent's packets come from
(rtp_symmetric), at an address the site reaches (the seat's media address).
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from e2e.conftest import control_plane
from e2e.test_agent_console import open_console, provision
from e2e.test_routing import open_tenant, route
from e2e.test_whisper_barge import Heard, tone_share

from callcenter import keys
from callcenter.devstack.netns import NatSite
from callcenter.devstack.phones import Account

from stack import PLATFORM_TLS, PLATFORM_WSS, PREFIX, SLOT, Stack, running
from support import CHROMIUM, ApiClient, browser_api, wait_for

pytestmark = pytest.mark.e2e

SITE = NatSite.for_slot(SLOT)
CALLER_HZ, AGENT_HZ = 1004, 440  # the carrier's caller plays Milliwatt


@pytest_asyncio.fixture
async def site(stack: Stack) -> AsyncIterator[NatSite]:
    """The NAT site, built for the test and removed after it; the edge listens on the
    host's address there (tests/stack.py sets ``LAYOUT.remote_ip``; a stack built without
    it gets its edge restarted with it)."""
    reason = NatSite.available()
    if reason:
        pytest.skip(reason)
    if stack.edge.params.get("REMOTE_IP") != SITE.host_ip:
        stack.edge.params = {**stack.edge.params, "REMOTE_IP": SITE.host_ip}
        await stack.edge.stop()
        await stack.edge.start()
        await stack.edge.wait_nodes_up(1)
    await SITE.up()
    try:
        yield SITE
    finally:
        await SITE.down()


async def _queue_tenant(api: ApiClient, tid: str, number: str) -> dict[str, str]:
    """A tenant whose number rings a queue with one seat; the seat's SIP login."""
    admin = await open_tenant(api, tid, number)
    _, seat = await admin.call(
        "POST", f"/api/v1/tenants/{tid}/seats", {"extension": "1001"}, expect=201
    )
    await admin.call(
        "POST",
        f"/api/v1/tenants/{tid}/queues",
        {"name": "support", "extension": "600", "members": [{"extension": "1001"}]},
        expect=201,
    )
    await route(admin, tid, number, {"type": "queue", "target": "support"})
    return dict(seat["sip"])


async def _rtp_dest(api: ApiClient, endpoint: str) -> str:
    """Where the node sends the agent's RTP (address:port), read from its channel."""
    ami = api.client.app[keys.AMI]
    channels = await ami.action_list("CoreShowChannels")
    names = [
        c["Channel"] for c in channels if c.get("Channel", "").startswith(f"PJSIP/{endpoint}-")
    ]
    assert names, channels
    reply = await ami.action("Getvar", Channel=names[0], Variable="CHANNEL(rtp,dest)")
    return str(reply.get("Value", ""))


async def test_a_sip_app_behind_nat_registers_over_tls_and_takes_a_queue_call(
    stack: Stack, platform_api: ApiClient, site: NatSite, db: Any, uid: str
) -> None:
    tid, number = "rn" + uid, "4008500101"
    sip = await _queue_tenant(platform_api, tid, number)
    user = sip["username"]
    # The node's SIP address is internal to the cluster: the agent's media goes to an
    # address its site reaches (set before the seat is first read, so nothing is cached).
    await db.execute(
        "UPDATE ps_endpoints SET media_address = $2, bind_rtp_to_media_address = 'yes'"
        " WHERE id = $1",
        user,
        site.host_ip,
    )
    # The SIP app verifies the edge's certificate against the stack's CA.
    ca_inner = f"/srv/callcenter/phones/{PREFIX}-edge-ca.crt"
    ca_host = stack.sandbox.host_path(ca_inner)
    ca_host.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(stack.edge.etc / "ca.crt", ca_host)
    account = Account(user, sip["password"], f"{site.host_ip}:{PLATFORM_TLS}", transport="tls")
    agent = stack.phone(f"nat-{uid}", account, tone_hz=AGENT_HZ, record=True)
    agent.site, agent.cafile = site, ca_inner
    caller_file = f"heard-nat-{uid}.wav"
    sync = platform_api.client.app[keys.SYNC]
    async with running(agent):

        async def registered() -> Any:
            return await db.fetchrow("SELECT uri, path FROM ps_contacts WHERE endpoint = $1", user)

        contact = await wait_for(registered, 10)
        # The phone wrote its private address; the edge's Path holds the translated one.
        assert site.agent_ip in contact["uri"], contact
        assert f"received=sip:{site.public_ip}:" in contact["path"], contact
        await wait_for(lambda: sync.state_of(user) == "NOT_INUSE", 10)

        call = asyncio.ensure_future(
            stack.carrier_ami.originate(
                Channel=f"PJSIP/{number}@platform",
                Context="caller",
                Exten="tone_rec",
                Priority=1,
                CallerID='"13800138000" <13800138000>',
                Variable=f"HEARD_FILE={stack.carrier.inner_dir}/{caller_file}",
                Timeout=20000,
                timeout=30,
            )
        )
        try:
            await agent.wait_event("CALL_ESTABLISHED", timeout=15)
            await call
            caller = Heard(stack.carrier.host_dir / caller_file, 8000)
            heard = Heard(agent.heard_wav, 48000)
            await asyncio.sleep(1.0)
            for h in (caller, heard):
                h.mark()
            await wait_for(lambda: caller.grown(2.0) and heard.grown(2.0), 10)
            agent_hears_caller = tone_share(heard.since(), 48000, CALLER_HZ)
            caller_hears_agent = tone_share(caller.since(), 8000, AGENT_HZ)
            dest = await _rtp_dest(platform_api, user)
        finally:
            with contextlib.suppress(Exception):
                await agent.command("hangup")
            with contextlib.suppress(Exception):
                for ch in await stack.carrier_channels():
                    await stack.carrier_ami.action("Hangup", Channel=ch["Channel"])
    print(
        f"\nNAT agent over TLS: contact {contact['uri']} path {contact['path']};"
        f" node sends RTP to {dest}; agent hears the caller {agent_hears_caller:.2f},"
        f" the caller hears the agent {caller_hears_agent:.2f}"
    )
    # The node answers the translated address and port, never the private one.
    assert dest.startswith(f"{site.public_ip}:"), dest
    assert agent_hears_caller > 0.5
    assert caller_hears_agent > 0.1  # a mix with its own tone: 0.26 measured


@pytest_asyncio.fixture
async def nat_browser(site: NatSite, tmp_path: Path) -> AsyncIterator[Any]:
    """Debian's chromium running inside the site's agent namespace (through a wrapper that
    Playwright launches), trusting nothing but ignoring the edge's private CA."""
    wrapper = tmp_path / "chromium-in-site"
    wrapper.write_text(f'#!/bin/sh\nexec {" ".join(site.argv(CHROMIUM))} "$@"\n')
    wrapper.chmod(0o755)
    async with browser_api().async_playwright() as pw:
        chromium = await pw.chromium.launch(
            executable_path=str(wrapper),
            headless=True,
            args=[
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                "--disable-features=WebRtcHideLocalIpsWithMdns",
                "--ignore-certificate-errors",
            ],
        )
        try:
            yield chromium
        finally:
            await chromium.close()


async def test_the_browser_behind_nat_registers_over_wss_and_takes_a_queue_call(
    aiohttp_client: Any, stack: Stack, site: NatSite, nat_browser: Any, uid: str, db: Any
) -> None:
    api = await control_plane(
        aiohttp_client, stack, sip_ws_url=f"wss://{site.host_ip}:{PLATFORM_WSS}"
    )
    tenant, number = "rw" + uid, "4008500102"
    await provision(api, tenant, number, wrapup=0)
    endpoint = f"{tenant}-1001"
    # The page comes from the agent's own loopback (a secure context, as the console would
    # be over HTTPS); the softphone's WSS and its media cross the NAT.
    console = await site.serve_host_port(api.client.port)
    context = None
    try:
        context, page = await open_console(nat_browser, api, f"{tenant}-agent")
        contact = await db.fetchrow(
            "SELECT uri, path FROM ps_contacts WHERE endpoint = $1", endpoint
        )
        assert f"received=sip:{site.public_ip}:" in contact["path"], contact
        await page.click("#login")
        await page.wait_for_selector("#presence[data-presence='available']")
        sync = api.client.app[keys.SYNC]
        await wait_for(lambda: sync.state_of(endpoint) == "NOT_INUSE")

        call = asyncio.ensure_future(stack.call_in(number))
        await page.wait_for_selector("#answer:enabled", timeout=15_000)
        await page.click("#answer")
        await page.wait_for_selector("#presence[data-presence='on_call']", timeout=10_000)
        await call
        await asyncio.sleep(3)
        stats = await page.evaluate("cc.rtpStats()")
        pair = await page.evaluate(
            """async () => {
                const s = await cc.pc.getStats();
                let pair = null; const cands = {};
                s.forEach((r) => {
                    const chosen = r.nominated && r.state === 'succeeded';
                    if (r.type === 'candidate-pair' && chosen) pair = r;
                    if (r.type.endsWith('-candidate')) cands[r.id] = r;
                });
                if (!pair) return null;
                const l = cands[pair.localCandidateId], r = cands[pair.remoteCandidateId];
                return {local: `${l.address}:${l.port} ${l.candidateType}`,
                        remote: `${r.address}:${r.port} ${r.candidateType}`};
            }"""
        )
        dest = await _rtp_dest(api, endpoint)
        await page.click("#hangup")
        print(
            f"\nNAT browser over WSS: contact {contact['uri']} path {contact['path']};"
            f" ICE pair {pair}; node sends RTP to {dest}; page RTP {stats}"
        )
        assert stats["received"] > 50 and stats["sent"] > 50, stats
        assert dest.startswith(f"{site.public_ip}:"), dest
    finally:
        if context is not None:
            with contextlib.suppress(Exception):
                await context.close()
        console.close()
        with contextlib.suppress(Exception):
            for ch in await stack.carrier_channels():
                await stack.carrier_ami.action("Hangup", Channel=ch["Channel"])
