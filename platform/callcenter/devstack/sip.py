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

    async def challenge(self, user: str) -> tuple[str, dict[str, str]]:
        """A REGISTER without credentials: its Call-ID and the challenge's parameters."""
        call_id = secrets.token_hex(10)
        reply = await self._request(user, call_id, None)
        found = re.search(r"WWW-Authenticate: Digest (.*)", reply, re.IGNORECASE)
        assert found, reply
        return call_id, dict(re.findall(r'(\w+)="?([^",\r\n]*)"?', found.group(1)))

    def credentials(self, user: str, password: str, challenge: dict[str, str]) -> str:
        """The Authorization answering ``challenge`` with ``password``."""
        uri = f"sip:{self.host}:{self.port}"
        realm, nonce = challenge["realm"], challenge["nonce"]
        cnonce, nc = secrets.token_hex(8), "00000001"
        ha1 = _md5(f"{user}:{realm}:{password}")
        ha2 = _md5(f"REGISTER:{uri}")
        response = _md5(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
        opaque = f', opaque="{challenge["opaque"]}"' if "opaque" in challenge else ""
        return (
            f'Digest username="{user}", realm="{realm}", nonce="{nonce}", uri="{uri}",'
            f' response="{response}", algorithm=MD5, qop=auth, nc={nc}, cnonce="{cnonce}"{opaque}'
        )

    async def answer(self, user: str, call_id: str, credentials: str) -> int:
        """Send a REGISTER carrying ``credentials`` (from this address); its final status."""
        reply = await self._request(user, call_id, credentials)
        return int(reply.split(" ", 2)[1])

    async def register(self, user: str, password: str) -> int:
        """The final status of a REGISTER answered with digest auth when challenged."""
        call_id = secrets.token_hex(10)
        reply = await self._request(user, call_id, None)
        status = int(reply.split(" ", 2)[1])
        if status != 401:
            return status
        found = re.search(r"WWW-Authenticate: Digest (.*)", reply, re.IGNORECASE)
        assert found, reply
        challenge = dict(re.findall(r'(\w+)="?([^",\r\n]*)"?', found.group(1)))
        return await self.answer(user, call_id, self.credentials(user, password, challenge))


_SDP = (
    "v=0\r\no=probe 1 1 IN IP4 {ip}\r\ns=probe\r\nc=IN IP4 {ip}\r\nt=0 0\r\n"
    "m=audio 40000 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
)


def _invite(
    method: str,
    ip: str,
    lport: int,
    host: str,
    port: int,
    proto: str,
    ids: dict[str, str],
    extra: tuple[str, ...] = (),
) -> str:
    """One request of the probe's dialog (INVITE, ACK, CANCEL, BYE) as wire text."""
    body = _SDP.format(ip=ip) if method == "INVITE" else ""
    to_tag = f";tag={ids['to_tag']}" if ids.get("to_tag") and method in ("ACK", "BYE") else ""
    cseq = f"{ids['cseq_bye']} BYE" if method == "BYE" else f"1 {method}"
    branch = ids["branch_bye"] if method == "BYE" else ids["branch"]
    lines = [
        f"{method} sip:{ids['to']}@{host}:{port} SIP/2.0",
        f"Via: SIP/2.0/{proto} {ip}:{lport};branch={branch};rport",
        "Max-Forwards: 70",
        f"From: <sip:{ids['from']}@{ip}>;tag={ids['from_tag']}",
        f"To: <sip:{ids['to']}@{host}:{port}>{to_tag}",
        f"Call-ID: {ids['call_id']}",
        f"CSeq: {cseq}",
        f"Contact: <sip:{ids['from']}@{ip}:{lport};transport={proto.lower()}>",
    ]
    if method == "INVITE":
        lines += extra
    if body:
        lines.append("Content-Type: application/sdp")
    lines += [f"Content-Length: {len(body.encode())}", "", body]
    return "\r\n".join(lines)


class _Wire:
    """One transport of the probe: UDP, TCP or a SIP websocket, bound to ``local_ip``."""

    def __init__(self, proto: str) -> None:
        self.proto = proto
        self.lport = 0
        self._udp: asyncio.DatagramTransport | None = None
        self._udp_in = _Proto()
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._session: Any = None
        self._ws: Any = None

    async def open(self, local_ip: str, host: str, port: int) -> None:
        """Connect (or bind, for UDP) from ``local_ip``."""
        loop = asyncio.get_running_loop()
        if self.proto == "UDP":
            self._udp, _ = await loop.create_datagram_endpoint(
                lambda: self._udp_in, local_addr=(local_ip, 0), remote_addr=(host, port)
            )
            self.lport = self._udp.get_extra_info("sockname")[1]
        elif self.proto == "TCP":
            self._reader, self._writer = await asyncio.open_connection(
                host, port, local_addr=(local_ip, 0)
            )
            self.lport = self._writer.get_extra_info("sockname")[1]
        else:
            import aiohttp

            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(local_addr=(local_ip, 0))
            )
            self._ws = await self._session.ws_connect(f"ws://{host}:{port}/ws", protocols=("sip",))
            self.lport = 0

    async def send(self, text: str) -> None:
        """Send one SIP message."""
        if self._udp is not None:
            self._udp.sendto(text.encode())
        elif self._writer is not None:
            self._writer.write(text.encode())
            await self._writer.drain()
        else:
            await self._ws.send_str(text)

    async def receive(self, timeout: float) -> str:
        """The next SIP message received."""
        if self._udp is not None:
            return await asyncio.wait_for(self._udp_in.replies.get(), timeout)
        if self._reader is not None:
            head = await asyncio.wait_for(self._reader.readuntil(b"\r\n\r\n"), timeout)
            length = re.search(rb"(?im)^(?:Content-Length|l)\s*:\s*(\d+)", head)
            body = await self._reader.readexactly(int(length.group(1))) if length else b""
            return (head + body).decode(errors="replace")
        msg = await asyncio.wait_for(self._ws.receive(), timeout)
        return str(msg.data)

    async def close(self) -> None:
        """Close whatever was opened."""
        if self._udp is not None:
            self._udp.close()
        if self._writer is not None:
            self._writer.close()
        if self._ws is not None:
            await self._ws.close()
        if self._session is not None:
            await self._session.close()


async def probe_invite(
    local_ip: str,
    host: str,
    port: int,
    *,
    transport: str,
    from_user: str,
    to_user: str,
    timeout: float = 4.0,
    headers: tuple[str, ...] = (),
) -> int:
    """Send an unauthenticated INVITE claiming to be ``from_user``; the final status.

    An attacker's call attempt in security tests (``headers``: extra lines such as a forged
    ``X-CC-Role: trunk``). A call that is answered is hung up again (ACK, BYE); one still
    ringing at ``timeout`` is cancelled and reported by its last provisional status (0: no
    answer at all).
    """
    wire = _Wire(transport.upper())
    await wire.open(local_ip, host, port)
    ids = {
        "from": from_user,
        "to": to_user,
        "call_id": secrets.token_hex(10),
        "from_tag": secrets.token_hex(4),
        "branch": "z9hG4bK" + secrets.token_hex(8),
        "branch_bye": "z9hG4bK" + secrets.token_hex(8),
        "cseq_bye": "2",
    }
    ip, proto = local_ip, wire.proto

    def request(method: str) -> str:
        return _invite(method, ip, wire.lport, host, port, proto, ids, headers)

    status = 0
    try:
        await wire.send(request("INVITE"))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            left = deadline - loop.time()
            if left <= 0:
                await wire.send(request("CANCEL"))
                return status
            try:
                reply = await wire.receive(left)
            except TimeoutError:
                continue
            if not reply.startswith("SIP/2.0") or "INVITE" not in reply.split("CSeq:", 1)[-1][:20]:
                continue
            status = int(reply.split(" ", 2)[1])
            if status < 200:
                continue
            tag = re.search(r"(?im)^(?:To|t)\s*:.*;tag=([^;\s>]+)", reply)
            ids["to_tag"] = tag.group(1) if tag else ""
            await wire.send(request("ACK"))
            if status < 300:
                await wire.send(request("BYE"))
            return status
    finally:
        await asyncio.sleep(0.1)
        await wire.close()
