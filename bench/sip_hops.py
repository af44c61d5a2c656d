"""Where a call's setup time goes, hop by hop: a capture of SIP on loopback with the kernel's
own receive stamps (SO_TIMESTAMPNS), so a slow reader does not move them.

Run it beside ``bench/load.py`` while a step is placing calls (root: a packet socket on
``lo``; a BPF filter passes only UDP to or from ports 5360-5399, the bench's SIP ports, so
RTP never reaches Python). For every Call-ID it keeps the first INVITE, and the first 100 and
200 to an INVITE, seen between each pair of addresses, and prints the time between consecutive
ones: e.g. the carrier's INVITE at the edge -> the edge's INVITE to the node (the edge's hop),
the node's INVITE -> its 100 (PJSIP took the request up: identified, session made), its 100 ->
its 200 (channel, dialplan up to the answer, the answer's turn on the session's serializer),
the node's 200 -> the edge's 200 to the carrier.

    .venv/bin/python bench/sip_hops.py 15
"""

from __future__ import annotations

import collections
import ctypes
import itertools
import re
import socket
import struct
import sys
import time

from load import CARRIER_IP, LAYOUT, NODE_IP, SIP, UAC_PORT, UAS_PORT

SO_ATTACH_FILTER, SO_TIMESTAMPNS = 26, 35
# IPv4, UDP, source or destination port in 5360..5399; anything else dropped in the kernel.
BPF = [
    (0x28, 0, 0, 12), (0x15, 0, 10, 0x800), (0x30, 0, 0, 23), (0x15, 0, 8, 17),
    (0xB1, 0, 0, 14), (0x48, 0, 0, 14), (0x35, 0, 1, 5360), (0x25, 0, 3, 5399),
    (0x48, 0, 0, 16), (0x35, 0, 2, 5360), (0x25, 1, 0, 5399), (0x06, 0, 0, 65535),
    (0x06, 0, 0, 0),
]  # fmt: skip
CALL_ID = re.compile(rb"\r\n(?:Call-ID|i):\s*([^\r\n]+)", re.I)
CSEQ = re.compile(rb"\r\nCSeq:\s*\d+\s+(\w+)", re.I)
# Who is who, from bench/load.py's own layout (this directory is on sys.path when run).
NAMES = {
    f"{CARRIER_IP}:{UAC_PORT}": "carrier",
    f"{LAYOUT.public_ip}:{SIP}": "edge",
    f"{LAYOUT.internal_ip}:{SIP}": "edge(int)",
    f"{NODE_IP}:{SIP}": "node",
    f"127.0.0.1:{UAS_PORT}": "agents",
}


def capture(seconds: float) -> dict[bytes, dict[str, float]]:
    """Call-ID -> {"INV a>b" or "200 a>b": kernel receive time of its first packet}."""
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(0x0003))
    program = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *i) for i in BPF))
    sock.setsockopt(
        socket.SOL_SOCKET, SO_ATTACH_FILTER, struct.pack("HL", len(BPF), ctypes.addressof(program))
    )
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    sock.bind(("lo", 0))
    sock.settimeout(0.5)
    seen: dict[bytes, dict[str, float]] = collections.defaultdict(dict)
    end = time.time() + seconds
    while time.time() < end:
        try:
            packet, ancillary, _flags, address = sock.recvmsg(65535, 64)
        except TimeoutError:
            continue
        if address[2] == socket.PACKET_OUTGOING:  # loopback shows each packet twice
            continue
        stamps = [d for level, kind, d in ancillary if (level, kind) == (1, SO_TIMESTAMPNS)]
        if not stamps:
            continue
        sec, nsec = struct.unpack("ll", stamps[0][:16])
        hop = sip_hop(packet[14:])
        if hop is not None:
            seen[hop[0]].setdefault(hop[1], sec + nsec / 1e9)
    sock.close()
    return seen


def sip_hop(ip: bytes) -> tuple[bytes, str] | None:
    """(Call-ID, "INV a>b" / "100 a>b" / "200 a>b") of an INVITE or a 100 or 200 to one."""
    header = (ip[0] & 15) * 4
    src, dst = socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20])
    sport, dport = struct.unpack("!HH", ip[header : header + 4])
    payload = ip[header + 8 :]
    if payload.startswith(b"INVITE "):
        kind = "INV"
    elif payload.startswith((b"SIP/2.0 100", b"SIP/2.0 200")):
        cseq = CSEQ.search(payload)
        if cseq is None or cseq.group(1) != b"INVITE":
            return None
        kind = payload[8:11].decode()
    else:
        return None
    call_id = CALL_ID.search(payload)
    if call_id is None:
        return None
    a, b = f"{src}:{sport}", f"{dst}:{dport}"
    return call_id.group(1), f"{kind} {NAMES.get(a, a)}>{NAMES.get(b, b)}"


def report(seen: dict[bytes, dict[str, float]]) -> None:
    """p50/p90/p99 of the time between consecutive hops of each call, commonest first."""
    gaps: dict[str, list[float]] = collections.defaultdict(list)
    for hops in seen.values():
        ordered = sorted(hops.items(), key=lambda kv: kv[1])
        for (first, t1), (second, t2) in itertools.pairwise(ordered):
            gaps[f"{first:24s} -> {second}"].append((t2 - t1) * 1000)
    for name, values in sorted(gaps.items(), key=lambda kv: -len(kv[1]))[:10]:
        values.sort()
        n = len(values)
        p50, p90, p99 = (values[min(n - 1, int(n * q))] for q in (0.5, 0.9, 0.99))
        print(f"n={n:4d} p50={p50:8.2f} p90={p90:8.2f} p99={p99:8.2f} ms  {name}")


if __name__ == "__main__":
    report(capture(float(sys.argv[1]) if len(sys.argv) > 1 else 15.0))
