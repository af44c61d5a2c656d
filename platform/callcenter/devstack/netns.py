"""A remote agent's site behind NAT, made of two network namespaces of the test's own.

::

    host (the edge, the nodes)  --veth--  router namespace  --veth--  agent namespace
    <prefix>.0.1/24                       <prefix>.0.2 | <prefix>.1.1  <prefix>.1.2/24
                                          MASQUERADE out of its WAN side

The agent's address (``<prefix>.1.2``) is private: the host has no route to it, so every
reply and every RTP packet must go to the address and port the router translated it to
(``<prefix>.0.2``), as for a home office behind a broadband router. The router translates
ports too (``--random``), so a peer that trusts the agent's own Via, Contact or SDP gets
nothing through. The NAT rules live inside the router namespace: the host's own tables are
left alone, and the host forwards nothing (its ip_forward stays as it is, off), so traffic
goes only between the host and these namespaces.

Needs root, ``ip`` and ``iptables`` (deploy/setup.sh installs it).
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import shutil
import socket
import threading
from dataclasses import dataclass
from typing import Any

_CLONE_NEWNET = 0x40000000


def _enter(ns: str) -> None:
    """Move the calling thread into network namespace ``ns``."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(f"/run/netns/{ns}", os.O_RDONLY)
    try:
        if libc.setns(fd, _CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns {ns}")
    finally:
        os.close(fd)


def _listener_in(ns: str, host: str, port: int) -> socket.socket:
    """A listening TCP socket inside ``ns`` (made by a thread of its own, like below)."""
    _enter(ns)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(16)
    return sock


def _socket_in(ns: str, host: str, port: int) -> socket.socket:
    """A TCP connection made from inside namespace ``ns`` (run in a thread of its own: the
    thread enters the namespace and ends; the socket stays in it)."""
    _enter(ns)
    return socket.create_connection((host, port), timeout=2)


async def _in_thread(make: Any) -> socket.socket:
    """Run ``make`` (which enters a namespace) in a fresh thread that then ends."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[socket.socket] = loop.create_future()

    def run() -> None:
        try:
            sock = make()
        except OSError as exc:
            loop.call_soon_threadsafe(done.set_exception, exc)
        else:
            loop.call_soon_threadsafe(done.set_result, sock)

    threading.Thread(target=run, name="netns", daemon=True).start()
    sock = await done
    sock.setblocking(False)
    return sock


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


async def _sh(*argv: str, check: bool = True) -> str:
    proc = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    out, _ = await proc.communicate()
    text = out.decode(errors="replace")
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: {text.strip()}")
    return text


@dataclass(frozen=True, slots=True)
class NatSite:
    """Names and addresses of one site; ``up`` builds it, ``down`` removes every trace."""

    name: str  # short: interface names are ``<name>h`` etc. (at most 15 characters)
    prefix: str  # the first two octets of its /24s, e.g. "10.203"

    @classmethod
    def for_slot(cls, slot: int) -> NatSite:
        """The site of a test slot (CALLCENTER_TEST_SLOT): ``cc<slot>``, 10.20<slot>.x."""
        return cls(name=f"cc{slot}", prefix=f"10.{200 + slot}")

    @property
    def agent_ns(self) -> str:
        """The namespace the agent's programs run in."""
        return f"{self.name}nat"

    @property
    def router_ns(self) -> str:
        """The namespace doing the NAT."""
        return f"{self.name}rtr"

    @property
    def host_ip(self) -> str:
        """The host's address on the site's WAN: where the agent reaches the edge and nodes."""
        return f"{self.prefix}.0.1"

    @property
    def public_ip(self) -> str:
        """The site's public address: what the host sees every agent packet come from."""
        return f"{self.prefix}.0.2"

    @property
    def agent_ip(self) -> str:
        """The agent's private address (unreachable from the host)."""
        return f"{self.prefix}.1.2"

    @staticmethod
    def available() -> str | None:
        """Why a site cannot be built here, or None."""
        for tool in ("ip", "iptables"):
            if shutil.which(tool) is None:
                return f"{tool} is not installed"
        return None

    async def open_connection(
        self, host: str, port: int
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """A TCP stream to ``host:port`` as seen from the agent's namespace (e.g. a phone's
        control socket on the namespace's own loopback)."""
        sock = await _in_thread(lambda: _socket_in(self.agent_ns, host, port))
        return await asyncio.open_connection(sock=sock)

    async def serve_host_port(self, port: int) -> asyncio.Server:
        """Make the host's ``127.0.0.1:port`` (e.g. the control plane serving the console)
        appear at ``127.0.0.1:port`` inside the agent's namespace, as a page served from the
        agent's own machine would; close the returned server to stop. SIP and media do not
        go this way: they cross the NAT."""

        async def bridge(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                up_reader, up_writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                writer.close()
                return
            await asyncio.gather(_pump(reader, up_writer), _pump(up_reader, writer))

        sock = await _in_thread(lambda: _listener_in(self.agent_ns, "127.0.0.1", port))
        return await asyncio.start_server(bridge, sock=sock)

    def argv(self, *cmd: str) -> list[str]:
        """A command line that runs ``cmd`` inside the agent's namespace."""
        return ["ip", "netns", "exec", self.agent_ns, *cmd]

    async def up(self) -> None:
        """Build the site (after removing a leftover of a killed run)."""
        await self.down()
        host, wan, lan, agent = (f"{self.name}{s}" for s in ("h", "w", "l", "a"))
        rtr = ["ip", "-n", self.router_ns]
        ag = ["ip", "-n", self.agent_ns]
        p = self.prefix
        for step in (
            ["ip", "netns", "add", self.router_ns],
            ["ip", "netns", "add", self.agent_ns],
            ["ip", "link", "add", host, "type", "veth",
             "peer", "name", wan, "netns", self.router_ns],
            [*rtr, "link", "add", lan, "type", "veth",
             "peer", "name", agent, "netns", self.agent_ns],
            ["ip", "addr", "add", f"{self.host_ip}/24", "dev", host],
            ["ip", "link", "set", host, "up"],
            [*rtr, "addr", "add", f"{self.public_ip}/24", "dev", wan],
            [*rtr, "addr", "add", f"{p}.1.1/24", "dev", lan],
            [*rtr, "link", "set", "lo", "up"],
            [*rtr, "link", "set", wan, "up"],
            [*rtr, "link", "set", lan, "up"],
            [*ag, "addr", "add", f"{self.agent_ip}/24", "dev", agent],
            [*ag, "link", "set", "lo", "up"],
            [*ag, "link", "set", agent, "up"],
            [*ag, "route", "add", "default", "via", f"{p}.1.1"],
            ["ip", "netns", "exec", self.router_ns, "sysctl", "-qw", "net.ipv4.ip_forward=1"],
            # The host never sends the site's private addresses anywhere (its default route
            # would carry them off the machine): unreachable, as on the internet.
            ["ip", "route", "add", "unreachable", f"{p}.0.0/16"],
            [
                "ip", "netns", "exec", self.router_ns, "iptables", "-t", "nat", "-A",
                "POSTROUTING", "-s", f"{p}.1.0/24", "-o", wan, "-j", "MASQUERADE", "--random",
            ],
        ):  # fmt: skip
            await _sh(*step)

    async def down(self) -> None:
        """Remove both namespaces (their interfaces, rules and the host's veth end go too)."""
        for ns in (self.agent_ns, self.router_ns):
            pids = (await _sh("ip", "netns", "pids", ns, check=False)).split()
            for pid in pids:
                if pid.isdigit():
                    await _sh("kill", "-9", pid, check=False)
            await _sh("ip", "netns", "del", ns, check=False)
        await _sh("ip", "link", "del", f"{self.name}h", check=False)
        await _sh("ip", "route", "del", "unreachable", f"{self.prefix}.0.0/16", check=False)
