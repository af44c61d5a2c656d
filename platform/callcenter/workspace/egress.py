"""Outgoing requests to tenant-supplied URLs (CRM lookups, webhooks): public addresses only.

A tenant admin chooses these URLs, so without this check the control plane could be made to
reach services on its own network (metadata endpoints, databases' HTTP ports, Asterisk's
HTTP server). Loopback, private, link-local and reserved addresses are refused unless the
deployment allows them (``CALLCENTER_INTEGRATIONS_ALLOW_PRIVATE``, for tests and on-premise
CRMs).

The check sits in the connector's resolver (:class:`CheckedResolver`): a name is resolved
once per connection, every address it resolves to is checked, and the connection goes to
exactly those addresses (the request keeps the name as Host and TLS server name). So a
rebinding DNS that answers a public address to a first lookup and 127.0.0.1 to the next
cannot slip between a check and the connection: there is no second lookup. A URL whose host
is an address literal never meets the resolver, so :func:`check_url` checks it before the
request. Replies are read up to a cap (:func:`read_capped`): a tenant's server cannot make
the control plane buffer an endless body.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import ResolveResult
from aiohttp.resolver import ThreadedResolver

from callcenter.errors import Forbidden


class EgressRefused(OSError):
    """A tenant URL's host resolved to an address the policy refuses (or to nothing)."""


class BodyTooLarge(ValueError):
    """A tenant server's reply was longer than the cap."""


def is_public(address: str) -> bool:
    """Whether an IP address is a public unicast address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return ip.is_global and not ip.is_multicast


def _literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def check_url(url: str, *, allow_private: bool) -> None:
    """Refuse (Forbidden) a URL that is not http(s) with a host, or whose host is an address
    literal the policy refuses; names are checked by :class:`CheckedResolver`."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:
        raise Forbidden("not a URL", field="url") from exc
    if parts.scheme not in ("http", "https") or not host:
        raise Forbidden("an http(s) URL with a host is required", field="url")
    literal = _literal(host)
    if literal is not None and not allow_private and not is_public(literal):
        raise Forbidden("private addresses are not allowed", field="url")


class CheckedResolver(ThreadedResolver):
    """The system resolver, with every answer checked before aiohttp connects to it."""

    def __init__(self, *, allow_private: bool) -> None:
        super().__init__()
        self._allow_private = allow_private

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve ``host`` once; refuse it whole if any address is not public."""
        results = await super().resolve(host, port, family)
        if self._allow_private:
            return results
        refused = [r["host"] for r in results if not is_public(r["host"])]
        if refused or not results:
            raise EgressRefused(f"{host} resolves to an address that is not public")
        return results


def client_session(*, allow_private: bool) -> aiohttp.ClientSession:
    """The session for tenant URLs: its connector only reaches checked addresses, it ignores
    proxy settings of the environment and keeps no cookies between tenants."""
    connector = aiohttp.TCPConnector(resolver=CheckedResolver(allow_private=allow_private))
    return aiohttp.ClientSession(
        connector=connector,
        headers={"User-Agent": "callcenter"},
        trust_env=False,
        cookie_jar=aiohttp.DummyCookieJar(),
    )


def refused(exc: BaseException) -> bool:
    """Whether a client error is the policy's refusal (rather than a network failure)."""
    return isinstance(exc, aiohttp.ClientConnectorError) and isinstance(exc.os_error, EgressRefused)


async def read_capped(resp: aiohttp.ClientResponse, limit: int) -> bytes:
    """The reply's body, or BodyTooLarge as soon as it is longer than ``limit`` bytes (the
    rest is never read; the connection is closed)."""
    if resp.content_length is not None and resp.content_length > limit:
        resp.close()
        raise BodyTooLarge(f"reply of {resp.content_length} bytes, cap {limit}")
    body = bytearray()
    async for chunk in resp.content.iter_chunked(16 * 1024):
        body += chunk
        if len(body) > limit:
            resp.close()
            raise BodyTooLarge(f"reply longer than the cap of {limit} bytes")
    return bytes(body)
