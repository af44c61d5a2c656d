"""The real stack for end-to-end tests: the SIP edge, two platform nodes, the carrier, phones."""

from __future__ import annotations

import contextlib
import itertools
import os
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass

from callcenter.ami.client import AmiClient
from callcenter.devstack.asterisk import AsteriskInstance
from callcenter.devstack.cluster import Cluster, ClusterLayout
from callcenter.devstack.edge import EdgeInstance
from callcenter.devstack.phones import Account, SoftPhone
from callcenter.devstack.sandbox import Sandbox

# Ports of the test stack: apart from the demo's (5060/5038/8088) so both can run at once.
# CALLCENTER_TEST_SLOT (0-4) shifts every port and directory, so several checkouts of the
# project can run their end-to-end suites on one machine at the same time.
SLOT = int(os.environ.get("CALLCENTER_TEST_SLOT", "0"))
PREFIX = "test" if SLOT == 0 else f"test{SLOT}"
# PLATFORM_SIP and PLATFORM_HTTP are the edge's (127.0.0.1: SIP over UDP/TCP, and SIP over
# WebSocket for browsers); every node listens on its own address with the same SIP port.
PLATFORM_SIP, PLATFORM_AMI, PLATFORM_HTTP = 5170 + 20 * SLOT, 5178 + 20 * SLOT, 8178 + 20 * SLOT
PLATFORM_TLS, PLATFORM_WSS = 5171 + 20 * SLOT, 8179 + 20 * SLOT
CARRIER_HOST, CARRIER_SIP, CARRIER_AMI = "127.0.0.2", 5170 + 20 * SLOT, 5179 + 20 * SLOT
PLATFORM_RTP, CARRIER_RTP = 12000 + 2000 * SLOT, 13000 + 2000 * SLOT
AMI_USER, AMI_SECRET = "callcenter", secrets.token_urlsafe(18)  # per run
LAYOUT = ClusterLayout(
    prefix=PREFIX,
    sip_port=PLATFORM_SIP,
    tls_port=PLATFORM_TLS,
    ws_port=PLATFORM_HTTP,
    wss_port=PLATFORM_WSS,
    ami_port=PLATFORM_AMI,
    http_port=PLATFORM_HTTP,
    rtp_base=PLATFORM_RTP,
    carrier_host=CARRIER_HOST,
    carrier_sip_port=CARRIER_SIP,
    carrier_ami_port=CARRIER_AMI,
    carrier_rtp_base=CARRIER_RTP,
    rtp_ports=500,
)
PLATFORM_AMI_HOST = LAYOUT.node_ip(0)  # the first node's AMI (the second's: LAYOUT.node_ip(1))

_phone_ports = itertools.count(25100 + 400 * SLOT, 4)


@dataclass
class Stack:
    """Everything an end-to-end test drives."""

    sandbox: Sandbox
    cluster: Cluster
    carrier_ami: AmiClient
    dsn: str

    @property
    def platform(self) -> AsteriskInstance:
        """The first node: the home of every tenant while it is the only node registered."""
        return self.cluster.nodes[0]

    @property
    def nodes(self) -> list[AsteriskInstance]:
        """Every platform node (the second is started but registered by the tests that use it)."""
        return self.cluster.nodes

    @property
    def carrier(self) -> AsteriskInstance:
        """The carrier Asterisk (a trunk of the platform, calling in through the edge)."""
        return self.cluster.carrier

    @property
    def edge(self) -> EdgeInstance:
        """The SIP edge every phone and the carrier talk to."""
        return self.cluster.edge

    def phone(
        self, name: str, *accounts: Account, tone_hz: int = 440, record: bool = False
    ) -> SoftPhone:
        """A baresip phone (not yet started) sending a sine of ``tone_hz``; with ``record``
        it keeps what it hears (``SoftPhone.heard_wav``)."""
        port = next(_phone_ports)
        return SoftPhone(
            self.sandbox,
            f"{PREFIX}-{name}",
            port,
            port + 2000,
            list(accounts),
            tone_hz=tone_hz,
            record=record,
        )

    async def call_in(self, number: str, caller: str = "13800138000") -> dict[str, str]:
        """The carrier calls ``number`` on the platform; its side plays a tone."""
        return await self.carrier_ami.originate(
            Channel=f"PJSIP/{number}@platform",
            Context="caller",
            Exten="tone",
            Priority=1,
            CallerID=f'"{caller}" <{caller}>',
            Timeout=20000,
            timeout=30,
        )

    async def call_in_pressing(
        self, number: str, keys: str, caller: str = "13800138000", delay: float = 1.0
    ) -> dict[str, str]:
        """The carrier calls ``number`` and, once answered, presses ``keys`` (w = 0.5 s)."""
        return await self.carrier_ami.originate(
            Channel=f"PJSIP/{number}@platform",
            Context="caller",
            Exten="keys",
            Priority=1,
            CallerID=f'"{caller}" <{caller}>',
            Variable=[f"DTMF_KEYS={keys}", f"DTMF_DELAY={delay}"],
            Timeout=20000,
            timeout=30,
        )

    async def carrier_channels(self) -> list[dict[str, str]]:
        """The carrier's live channels."""
        return await self.carrier_ami.action_list("CoreShowChannels")


@contextlib.asynccontextmanager
async def running(*phones: SoftPhone) -> AsyncIterator[None]:
    """Start phones and always stop them."""
    try:
        for phone in phones:
            await phone.start()
        yield
    finally:
        for phone in phones:
            await phone.stop()
