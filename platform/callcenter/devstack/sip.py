"""A minimal SIP REGISTER client over UDP, bound to any local address (e.g. 127.0.0.5): an
attacker or a phone in security tests, and the registrar of SIPp agents in the load bench.
Digest auth with qop=auth, MD5."""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
from typing import Any


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 - SIP digest is MD5


class _Proto(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.replies: asyncio.Queue[str] = asyncio.Queue()

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        self.replies.put_nowait(data.decode(errors="replace"))


class SipRegistrar:
    """Sends REGISTERs from ``local_ip`` to the registrar at ``host:port``."""

    def __init__(
        self, local_ip: str, host: str, port: int, local_port: int = 0, expires: int = 60
    ) -> None:
        self.local_ip, self.host, self.port = local_ip, host, port
        self.expires = expires
        self.local_port = local_port
        self._transport: asyncio.DatagramTransport | None = None
        self._proto = _Proto()
        self._cseq = 0

    async def __aenter__(self) -> SipRegistrar:
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(
            lambda: self._proto,
            local_addr=(self.local_ip, self.local_port),
            remote_addr=(self.host, self.port),
        )
        self._transport = transport
        return self

    async def __aexit__(self, *exc: object) -> None:
        """Close the socket."""
        if self._transport is not None:
            self._transport.close()

    async def _request(self, user: str, call_id: str, auth: str | None) -> str:
        if self._transport is None:
            raise RuntimeError("use SipRegistrar as an async context manager")
        lport = self._transport.get_extra_info("sockname")[1]
        self._cseq += 1
        uri = f"sip:{self.host}:{self.port}"
        lines = [
            f"REGISTER {uri} SIP/2.0",
            f"Via: SIP/2.0/UDP {self.local_ip}:{lport};branch=z9hG4bK{secrets.token_hex(8)};rport",
            "Max-Forwards: 70",
            f"From: <sip:{user}@{self.host}>;tag={secrets.token_hex(4)}",
            f"To: <sip:{user}@{self.host}>",
            f"Call-ID: {call_id}",
            f"CSeq: {self._cseq} REGISTER",
            f"Contact: <sip:{user}@{self.local_ip}:{lport}>",
            f"Expires: {self.expires}",
        ]
        if auth:
            lines.append(f"Authorization: {auth}")
        lines += ["Content-Length: 0", "", ""]
        while not self._proto.replies.empty():
            self._proto.replies.get_nowait()
        self._transport.sendto("\r\n".join(lines).encode())
        while True:
            reply = await asyncio.wait_for(self._proto.replies.get(), 5)
            if f"CSeq: {self._cseq} REGISTER" in reply and not reply.startswith("SIP/2.0 100"):
                return reply

    async def request(self, method: str, timeout: float = 5.0) -> str:
        """Wait for a request (e.g. an INVITE to this registered phone); answer nothing."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            message = await asyncio.wait_for(
                self._proto.replies.get(), max(0.01, deadline - loop.time())
            )
            if message.startswith(f"{method} "):
                return message

    async def probe(self, user: str) -> int:
        """One REGISTER without credentials, never answered: what a spoofed packet can do."""
        reply = await self._request(user, secrets.token_hex(10), None)
        return int(reply.split(" ", 2)[1])

    async def register(self, user: str, password: str) -> int:
        """The final status of a REGISTER answered with digest auth when challenged."""
        call_id = secrets.token_hex(10)
        uri = f"sip:{self.host}:{self.port}"
        reply = await self._request(user, call_id, None)
        status = int(reply.split(" ", 2)[1])
        if status != 401:
            return status
        challenge = re.search(r"WWW-Authenticate: Digest (.*)", reply, re.IGNORECASE)
        assert challenge, reply
        params = dict(re.findall(r'(\w+)="?([^",\r\n]*)"?', challenge.group(1)))
        realm, nonce = params["realm"], params["nonce"]
        cnonce, nc = secrets.token_hex(8), "00000001"
        ha1 = _md5(f"{user}:{realm}:{password}")
        ha2 = _md5(f"REGISTER:{uri}")
        response = _md5(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
        opaque = f', opaque="{params["opaque"]}"' if "opaque" in params else ""
        auth = (
            f'Digest username="{user}", realm="{realm}", nonce="{nonce}", uri="{uri}",'
            f' response="{response}", algorithm=MD5, qop=auth, nc={nc}, cnonce="{cnonce}"{opaque}'
        )
        reply = await self._request(user, call_id, auth)
        return int(reply.split(" ", 2)[1])
