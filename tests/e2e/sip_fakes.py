"""SIP user agents small enough to read: a carrier or a node as the edge sees them.

One UDP socket each. A ``FakeUa`` answers what reaches it according to its ``mode``
(answer with SDP, stay silent like a dead host, ask for credentials first, answer
503 like a carrier in trouble, or 486 like a busy callee) and records
INVITEs and REGISTERs; it can also send an INVITE and wait for the final answer, ACK it, and
end the dialog with a BYE along the Record-Route it learnt.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Literal, cast

Mode = Literal["answer", "dead", "challenge", "failing", "busy"]


def header(message: str, name: str) -> str:
    """The first ``name`` header's value ('' when absent)."""
    found = re.search(rf"^{name}:[ \t]*(.*?)\r$", message, re.M | re.I)
    return found.group(1) if found else ""


def headers(message: str, name: str) -> list[str]:
    """Every ``name`` header's value, in order."""
    return re.findall(rf"^{name}:[ \t]*(.*?)\r$", message, re.M | re.I)


def ruri_user(request: str) -> str:
    """The user part of a request's Request-URI."""
    uri = request.split(" ", 2)[1]
    return uri.split(":", 1)[1].split("@", 1)[0] if "@" in uri else ""


@dataclass
class Answer:
    """The final reply to an INVITE we sent (status 0: none in time)."""

    status: int
    reply: str = ""


@dataclass(eq=False)
class FakeUa(asyncio.DatagramProtocol):
    """A user agent on ``host:port``."""

    host: str
    port: int
    mode: Mode = "answer"
    invites: list[str] = field(default_factory=list)
    registers: list[str] = field(default_factory=list)
    # Replies to our own requests, by Call-ID (several calls may be in flight at once).
    replies: dict[str, asyncio.Queue[str]] = field(default_factory=dict)
    transport: asyncio.DatagramTransport | None = None

    @property
    def numbers(self) -> list[str]:
        """The users of the initial INVITEs received (the numbers called)."""
        return [ruri_user(m) for m in self.invites]

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def send(self, text: str, addr: tuple[str, int]) -> None:
        """One datagram."""
        assert self.transport is not None
        self.transport.sendto(text.encode(), addr)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        message = data.decode(errors="replace")
        if message.startswith("SIP/2.0 "):
            waiting = self.replies.get(header(message, "Call-ID"))
            if waiting is not None:
                waiting.put_nowait(message)
            return
        method = message.split(" ", 1)[0]
        initial = ";tag=" not in header(message, "To")
        if method == "INVITE" and initial:
            self._invite(message, addr)
        elif method == "REGISTER":
            self.registers.append(message)
            if not header(message, "Authorization"):
                self.reply(message, addr, 401, "Unauthorized", challenge="WWW-Authenticate")
            else:
                self.reply(message, addr, 200, "OK")
        elif method in ("INVITE", "BYE", "CANCEL", "OPTIONS", "UPDATE", "INFO"):
            self.reply(message, addr, 200, "OK", sdp=method == "INVITE")

    def _invite(self, message: str, addr: tuple[str, int]) -> None:
        if self.mode == "dead":
            return
        if self.mode in ("failing", "busy"):
            status, reason = (
                (503, "Service Unavailable") if self.mode == "failing" else (486, "Busy Here")
            )
            self.reply(message, addr, status, reason)
            return
        if self.mode == "challenge" and not header(message, "Proxy-Authorization"):
            self.reply(
                message, addr, 407, "Proxy Authentication Required", challenge="Proxy-Authenticate"
            )
            return
        self.invites.append(message)
        self.reply(message, addr, 200, "OK", sdp=True)

    def reply(
        self,
        request: str,
        addr: tuple[str, int],
        status: int,
        reason: str,
        *,
        sdp: bool = False,
        challenge: str = "",
    ) -> None:
        """Answer ``request`` (echoing its Vias and Record-Routes, as a UAS must)."""
        body = (
            f"v=0\r\no=- 1 1 IN IP4 {self.host}\r\ns=-\r\nc=IN IP4 {self.host}\r\nt=0 0\r\n"
            f"m=audio {self.port + 2} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n"
            if sdp
            else ""
        )
        to = header(request, "To")
        if ";tag=" not in to:
            to += ";tag=" + uuid.uuid4().hex[:8]
        lines = [f"SIP/2.0 {status} {reason}"]
        lines += [f"Via: {v}" for v in headers(request, "Via")]
        lines += [f"Record-Route: {r}" for r in headers(request, "Record-Route")]
        lines += [
            f"From: {header(request, 'From')}",
            f"To: {to}",
            f"Call-ID: {header(request, 'Call-ID')}",
            f"CSeq: {header(request, 'CSeq')}",
            f"Contact: <sip:ua@{self.host}:{self.port}>",
        ]
        if challenge:
            lines.append(f'{challenge}: Digest realm="carrier", nonce="{uuid.uuid4().hex}"')
        if body:
            lines.append("Content-Type: application/sdp")
        lines.append(f"Content-Length: {len(body)}")
        self.send("\r\n".join(lines) + "\r\n\r\n" + body, addr)

    async def invite(
        self,
        dest: tuple[str, int],
        number: str,
        *,
        to: str | None = None,
        extra: str = "",
        timeout: float = 8.0,
    ) -> Answer:
        """Send an INVITE for ``number`` to ``dest``; the final answer (a refusal is ACKed,
        a 2xx is left to ``ack``/``bye``)."""
        call_id, tag = uuid.uuid4().hex, uuid.uuid4().hex[:8]
        via = f"SIP/2.0/UDP {self.host}:{self.port};branch=z9hG4bK{uuid.uuid4().hex[:12]};rport"
        start = (
            f"Via: {via}\r\nMax-Forwards: 70\r\nFrom: <sip:13800000000@{self.host}>;tag={tag}\r\n"
        )
        replies = self.replies.setdefault(call_id, asyncio.Queue())
        sdp = (
            f"v=0\r\no=- 1 1 IN IP4 {self.host}\r\ns=-\r\nc=IN IP4 {self.host}\r\nt=0 0\r\n"
            f"m=audio {self.port + 2} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
        )
        self.send(
            f"INVITE sip:{number}@{dest[0]}:{dest[1]} SIP/2.0\r\n{start}"
            f"To: <sip:{to or number}@{dest[0]}>\r\nCall-ID: {call_id}\r\nCSeq: 1 INVITE\r\n"
            f"Contact: <sip:13800000000@{self.host}:{self.port}>\r\n{extra}"
            f"Content-Type: application/sdp\r\nContent-Length: {len(sdp)}\r\n\r\n{sdp}",
            dest,
        )
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                reply = await asyncio.wait_for(replies.get(), left)
            except TimeoutError:
                break
            status = int(reply.split(" ")[1])
            if status < 200:
                continue
            if status >= 300:  # ACK of a refusal: hop by hop, same branch
                self.send(
                    f"ACK sip:{number}@{dest[0]}:{dest[1]} SIP/2.0\r\n{start}"
                    f"To: {header(reply, 'To')}\r\nCall-ID: {call_id}\r\nCSeq: 1 ACK\r\n"
                    "Content-Length: 0\r\n\r\n",
                    dest,
                )
            return Answer(status, reply)
        return Answer(0)

    def in_dialog(self, answer: Answer, dest: tuple[str, int], method: str, cseq: int) -> None:
        """ACK or BYE in the dialog a 2xx set up, through ``dest`` (the edge) by its Route."""
        reply = answer.reply
        routes = "".join(f"Route: {r}\r\n" for r in reversed(headers(reply, "Record-Route")))
        contact = re.search(r"<([^>]+)>", header(reply, "Contact"))
        assert contact is not None
        via = f"SIP/2.0/UDP {self.host}:{self.port};branch=z9hG4bK{uuid.uuid4().hex[:12]};rport"
        self.send(
            f"{method} {contact.group(1)} SIP/2.0\r\nVia: {via}\r\nMax-Forwards: 70\r\n"
            f"From: {header(reply, 'From')}\r\nTo: {header(reply, 'To')}\r\n"
            f"Call-ID: {header(reply, 'Call-ID')}\r\nCSeq: {cseq} {method}\r\n{routes}"
            "Content-Length: 0\r\n\r\n",
            dest,
        )


@contextlib.asynccontextmanager
async def fake_ua(host: str, port: int, mode: Mode = "answer") -> AsyncIterator[FakeUa]:
    """A ``FakeUa`` bound to ``host:port`` for the block; closing it "kills" it."""
    transport, ua = await asyncio.get_running_loop().create_datagram_endpoint(
        lambda: FakeUa(host, port, mode), local_addr=(host, port)
    )
    ua.transport = transport
    try:
        yield ua
    finally:
        transport.close()
