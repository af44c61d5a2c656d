"""``GET /metrics``: the Prometheus text exposition of this control plane.

Who may read it: a scraper from an address in ``CALLCENTER_METRICS_ALLOW`` (addresses or
networks, comma-separated; loopback by default; empty: none) connecting directly, or anyone
with an operator's bearer token. A request that came through a proxy (``Forwarded`` or
``X-Forwarded-For`` present) is never admitted by address: the proxy's own address would
stand for every client behind it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import AsyncIterator
from functools import cache

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from callcenter import keys
from callcenter.errors import DomainError, Forbidden
from callcenter.observability.metrics import Sources
from callcenter.operations.service import calls_by_tenant
from callcenter.tasks import cancel_and_wait
from callcenter.web.io import principal_of
from callcenter.workspace.lifecycle import WORKSPACE

log = logging.getLogger(__name__)

routes = web.RouteTableDef()

CALLS_TIMEOUT_S = 5.0  # a scrape waits this long at most for Asterisk's channel list
LOOP_TICK_S = 0.25

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def allowed_networks(setting: str) -> tuple[Network, ...]:
    """``127.0.0.1,::1,10.0.0.0/8`` as networks (a bad entry is a start-up error)."""
    return tuple(ipaddress.ip_network(a.strip()) for a in setting.split(",") if a.strip())


def address_allowed(peer: str | None, setting: str) -> bool:
    """Whether a direct peer's address is in the allow-list."""
    if not peer:
        return False
    try:
        address = ipaddress.ip_address(peer.split("%", 1)[0])
    except ValueError:
        return False
    return any(address in net for net in allowed_networks(setting))


def _may_read(request: web.Request) -> None:
    proxied = "Forwarded" in request.headers or "X-Forwarded-For" in request.headers
    peer = request.transport.get_extra_info("peername") if request.transport else None
    host = peer[0] if isinstance(peer, tuple) else None
    if not proxied and address_allowed(host, request.app[keys.SETTINGS].metrics_allow):
        return
    who = principal_of(request)  # 401 without a token
    if who.role != "operator":
        raise Forbidden("platform operators only", role=who.role)


@routes.get("/metrics")
async def metrics(request: web.Request) -> web.Response:
    """Prometheus metrics (text format): scrapers from allowed addresses, or operators."""
    _may_read(request)
    platform = request.app[keys.METRICS]
    ami = request.app.get(keys.AMI)
    per_tenant = None
    if ami is not None and ami.connected:
        try:
            channels = await ami.action_list("CoreShowChannels", timeout=CALLS_TIMEOUT_S)
            per_tenant = calls_by_tenant(channels)
        except DomainError as exc:
            log.warning("metrics: calls up not read: %s", exc.message)
    platform.set_calls(per_tenant)
    body = generate_latest(platform.registry)
    response = web.Response(body=body)
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    return response


async def metrics_sources(app: web.Application) -> AsyncIterator[None]:
    """Point the scrape at the pool, hub, CDR sink and AMI; time the event loop's lag."""
    platform = app[keys.METRICS]
    platform.attach(
        Sources(
            pool=app[keys.POOL],
            hub=app[WORKSPACE].hub,
            cdr_sink=app.get(keys.CDR_SINK),
            ami=app.get(keys.AMI),
        )
    )

    async def watch_loop() -> None:
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + LOOP_TICK_S
            await asyncio.sleep(LOOP_TICK_S)
            platform.loop_lag.observe(max(0.0, loop.time() - due))

    task = asyncio.ensure_future(watch_loop())
    task.set_name("event-loop-lag")
    yield
    await cancel_and_wait([task])
    platform.attach(Sources())
