"""Outgoing requests to tenant-supplied URLs (CRM lookups, webhooks): public addresses only.

A tenant admin chooses these URLs, so without this check the control plane could be made to
reach services on its own network (metadata endpoints, databases' HTTP ports, Asterisk's
HTTP server). Loopback, private, link-local and reserved addresses are refused unless the
deployment allows them (``CALLCENTER_INTEGRATIONS_ALLOW_PRIVATE``, for tests and on-premise
CRMs). The check resolves the name just before the request; a rebinding DNS could still race
it, which a connector-level resolver would close.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlparse

from callcenter.errors import Forbidden


def is_public(address: str) -> bool:
    """Whether an IP address is a public unicast address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return ip.is_global and not ip.is_multicast


async def check_destination(url: str, *, allow_private: bool) -> None:
    """Refuse a URL whose host resolves to a non-public address (Forbidden)."""
    if allow_private:
        return
    host = urlparse(url).hostname
    if not host:
        raise Forbidden("no host in URL", field="url")
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise Forbidden("host does not resolve", field="url") from exc
    for info in infos:
        if not is_public(str(info[4][0])):
            raise Forbidden("private addresses are not allowed", field="url")
