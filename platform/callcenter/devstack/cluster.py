"""The local platform in its one shape: the SIP edge in front of N Asterisk nodes, and a
carrier Asterisk that calls in through the edge. The demo runs one node, the tests two."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import asyncpg

from callcenter.devstack.asterisk import AsteriskInstance
from callcenter.devstack.edge import EdgeInstance
from callcenter.devstack.sandbox import Sandbox


@dataclass(frozen=True, slots=True)
class ClusterLayout:
    """Addresses and ports of one local cluster (the demo, each test slot, each bench).

    Phones and carriers see only ``public_ip`` (the edge). The edge reaches the nodes from
    ``internal_ip``; node *i* listens on ``node_ips[i]`` (SIP, AMI and HTTP ports are the
    same on every node, the addresses differ), so a node can tell the edge from anyone else.
    """

    prefix: str
    sip_port: int  # the edge's UDP/TCP port, and every node's SIP port
    tls_port: int
    ws_port: int
    wss_port: int
    ami_port: int  # every node's AMI port (on its own address)
    http_port: int  # every node's HTTP port (on its own address)
    rtp_base: int
    carrier_host: str
    carrier_sip_port: int
    carrier_ami_port: int
    carrier_rtp_base: int
    nodes: int = 2
    public_ip: str = "127.0.0.1"
    internal_ip: str = "127.0.0.10"
    node_ip_base: int = 11  # node i listens on 127.0.0.(11 + i)
    rtp_ports: int = 1000  # per node (two per call leg), and for the carrier
    node_capacity: int = 200
    remote_ip: str = ""  # the edge also listens here, for remote sites (devstack/netns.py)

    def node_ip(self, index: int) -> str:
        """The address node ``index`` listens on."""
        return f"127.0.0.{self.node_ip_base + index}"

    def node_name(self, index: int) -> str:
        """Its name in the ``nodes`` table and its Asterisk systemname."""
        return f"{self.prefix}-node{index + 1}"


def one_node_layout(
    prefix: str,
    sip_port: int,
    ami_port: int,
    http_port: int,
    rtp_base: int,
    carrier_ami_port: int,
    carrier_rtp_base: int,
    rtp_ports: int = 1000,
) -> ClusterLayout:
    """The edge and one node, for the benches: the edge's WebSocket ports are ``http_port``
    + 8 and + 9, the carrier Asterisk listens on 127.0.0.2 at ``sip_port``."""
    return ClusterLayout(
        prefix=prefix,
        sip_port=sip_port,
        tls_port=sip_port + 1,
        ws_port=http_port + 8,
        wss_port=http_port + 9,
        ami_port=ami_port,
        http_port=http_port,
        rtp_base=rtp_base,
        carrier_host="127.0.0.2",
        carrier_sip_port=sip_port,
        carrier_ami_port=carrier_ami_port,
        carrier_rtp_base=carrier_rtp_base,
        nodes=1,
        rtp_ports=rtp_ports,
    )


def _db_params(dsn: str) -> dict[str, str]:
    db = urlparse(dsn)
    return {
        "DB_HOST": db.hostname or "127.0.0.1",
        "DB_PORT": str(db.port or 5432),
        "DB_NAME": db.path.lstrip("/"),
        "DB_USER": db.username or "postgres",
        "DB_PASS": db.password or "",
    }


def _kamailio_db_url(dsn: str) -> str:
    p = _db_params(dsn)
    return f"postgres://{p['DB_USER']}:{p['DB_PASS']}@{p['DB_HOST']}:{p['DB_PORT']}/{p['DB_NAME']}"


@dataclass
class Cluster:
    """The edge, its nodes and the carrier; ``start`` brings all of them up."""

    layout: ClusterLayout
    edge: EdgeInstance
    nodes: list[AsteriskInstance]
    carrier: AsteriskInstance
    names: list[str] = field(default_factory=list)

    @property
    def platform(self) -> AsteriskInstance:
        """The first node (where a lone node's tenants live)."""
        return self.nodes[0]

    async def register(self, dsn: str, nodes: int | None = None) -> None:
        """Make the first ``nodes`` nodes (all by default) and the carrier trunk known to the
        platform, as an operator would through the API: rows of ``nodes`` and ``trunks``."""
        lay = self.layout
        conn = await asyncpg.connect(dsn)
        try:
            for i, name in enumerate(self.names[:nodes]):
                await conn.execute(
                    "INSERT INTO nodes (name, sip_host, sip_port, ami_host, ami_port, capacity)"
                    " VALUES ($1, $2, $3, $2, $4, $5) ON CONFLICT (name) DO UPDATE SET"
                    " sip_host = EXCLUDED.sip_host, sip_port = EXCLUDED.sip_port,"
                    " ami_host = EXCLUDED.ami_host, ami_port = EXCLUDED.ami_port",
                    name,
                    lay.node_ip(i),
                    lay.sip_port,
                    lay.ami_port,
                    lay.node_capacity,
                )
            await conn.execute(
                "INSERT INTO trunks (name, host, port, max_channels) VALUES ('carrier', $1, $2,"
                " 1000) ON CONFLICT (name) DO UPDATE SET host = EXCLUDED.host,"
                " port = EXCLUDED.port",
                lay.carrier_host,
                lay.carrier_sip_port,
            )
        finally:
            await conn.close()

    async def start(self, nodes_up: int | None = None) -> None:
        """Nodes and carrier in parallel, then the edge; wait until it sees ``nodes_up``
        nodes alive (every node by default; only registered nodes count)."""
        await asyncio.gather(*(n.start() for n in self.nodes), self.carrier.start())
        await self.edge.start()
        await self.edge.wait_nodes_up(len(self.nodes) if nodes_up is None else nodes_up)

    async def stop(self) -> None:
        """Everything down (the edge first: no new calls)."""
        await self.edge.stop()
        await asyncio.gather(*(n.stop() for n in self.nodes), self.carrier.stop())


def build_cluster(
    sandbox: Sandbox,
    dsn: str,
    ami_user: str,
    ami_secret: str,
    layout: ClusterLayout,
) -> Cluster:
    """The edge, ``layout.nodes`` platform nodes reading ``dsn`` (Asterisk's role), and the
    carrier."""
    db = _db_params(dsn)
    ami = {"AMI_USER": ami_user, "AMI_SECRET": ami_secret}
    half = layout.rtp_ports
    nodes = []
    names = []
    for i in range(layout.nodes):
        name = layout.node_name(i)
        names.append(name)
        ip = layout.node_ip(i)
        rtp = layout.rtp_base + i * half
        nodes.append(
            AsteriskInstance(
                sandbox,
                name,
                "platform",
                {
                    **db,
                    **ami,
                    "AMI_BIND": ip,
                    "SIP_BIND": ip,
                    "SIP_PORT": str(layout.sip_port),
                    "AMI_PORT": str(layout.ami_port),
                    "HTTP_PORT": str(layout.http_port),
                    "RTP_START": str(rtp),
                    "RTP_END": str(rtp + half - 1),
                    "EDGE_HOST": layout.internal_ip,
                    "EDGE_PORT": str(layout.sip_port),
                },
            )
        )
    carrier = AsteriskInstance(
        sandbox,
        f"{layout.prefix}-carrier",
        "carrier",
        {
            **db,
            **ami,
            "AMI_BIND": "127.0.0.1",
            "SIP_BIND": layout.carrier_host,
            "SIP_PORT": str(layout.carrier_sip_port),
            "AMI_PORT": str(layout.carrier_ami_port),
            "RTP_START": str(layout.carrier_rtp_base),
            "RTP_END": str(layout.carrier_rtp_base + layout.rtp_ports - 1),
            "PLATFORM_HOST": layout.public_ip,
            "PLATFORM_PORT": str(layout.sip_port),
        },
    )
    edge = EdgeInstance(
        Path(sandbox.host_path(f"/srv/callcenter/{layout.prefix}-edge")),
        {
            "PUBLIC_IP": layout.public_ip,
            "SIP_PORT": str(layout.sip_port),
            "TLS_PORT": str(layout.tls_port),
            "WS_PORT": str(layout.ws_port),
            "WSS_PORT": str(layout.wss_port),
            "INTERNAL_IP": layout.internal_ip,
            "INTERNAL_PORT": str(layout.sip_port),
            "DB_URL": _kamailio_db_url(dsn),
            "REMOTE_IP": layout.remote_ip,
        },
    )
    return Cluster(layout, edge, nodes, carrier, names)
