"""Start, stop and talk to the SIP edge (Kamailio, from the host's Debian packages)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from callcenter.asterisk.render import render_dir
from callcenter.devstack.certs import edge_certificate

KAMAILIO = "/usr/sbin/kamailio"


async def _run(*argv: str, timeout: float = 30.0) -> str:
    proc = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    out, _ = await asyncio.wait_for(proc.communicate(), timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed: {out.decode(errors='replace')[-2000:]}")
    return out.decode(errors="replace")


@dataclass
class EdgeInstance:
    """A Kamailio edge with its own directory (configuration, run files, log)."""

    directory: Path
    params: Mapping[str, str]
    process: asyncio.subprocess.Process | None = field(default=None, init=False)

    @property
    def etc(self) -> Path:
        """Where its rendered configuration lives."""
        return self.directory / "etc"

    @property
    def run_dir(self) -> Path:
        """Its control socket and pid file."""
        return self.directory / "run"

    @property
    def log_path(self) -> Path:
        """Everything Kamailio printed."""
        return self.directory / "log" / "kamailio.log"

    def render(self) -> None:
        """Fresh configuration; the certificate survives (it is slow to make)."""
        for sub in ("etc", "run", "log"):
            (self.directory / sub).mkdir(parents=True, exist_ok=True)
        for stale in self.run_dir.iterdir():
            stale.unlink()
        render_dir(
            "edge",
            self.etc,
            {**self.params, "ETC_DIR": str(self.etc), "RUN_DIR": str(self.run_dir)},
        )
        # Remote sites (agents behind NAT, devstack/netns.py) reach the edge at another
        # address, which may appear only after the edge started (ip_free_bind).
        remote, p = self.params.get("REMOTE_IP", ""), self.params
        listens = (
            [
                "ip_free_bind=1",
                f"listen=udp:{remote}:{p['SIP_PORT']}",
                f"listen=tcp:{remote}:{p['SIP_PORT']}",
                f"listen=tls:{remote}:{p['TLS_PORT']}",
                f"listen=tcp:{remote}:{p['WS_PORT']}",
                f"listen=tls:{remote}:{p['WSS_PORT']}",
            ]
            if remote
            else []
        )
        (self.etc / "remote.cfg").write_text("".join(f"{line}\n" for line in listens))

    def _kill_leftover(self) -> None:
        """An edge left running by a killed run would hold our ports: stop it first."""
        pidfile = self.run_dir / "kamailio.pid"
        try:
            pid = int(pidfile.read_text().strip())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (OSError, ValueError):
            return
        if str(self.etc).encode() in cmdline:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)

    async def start(self, timeout: float = 20.0) -> None:
        """Render, check the configuration, start in the foreground, wait for its sockets."""
        if shutil.which(KAMAILIO) is None:
            raise RuntimeError("kamailio is not installed (deploy/setup.sh installs it)")
        self._kill_leftover()
        self.render()
        # TLS and WSS: a certificate for every address the edge listens on, signed by the
        # stack's own CA (etc/ca.crt), which SIP apps and browsers can verify against.
        hosts = [self.params["PUBLIC_IP"], self.params.get("REMOTE_IP", "")]
        await edge_certificate(self.etc, *[h for h in hosts if h])
        cfg = str(self.etc / "kamailio.cfg")
        await _run(KAMAILIO, "-c", "-f", cfg)
        log = open(self.log_path, "ab")  # noqa: ASYNC230
        self.process = await asyncio.create_subprocess_exec(
            KAMAILIO,
            "-DD",
            "-E",
            "-f",
            cfg,
            "-m",
            "128",
            "-M",
            "16",
            "-P",
            str(self.run_dir / "kamailio.pid"),
            "-Y",
            str(self.run_dir),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        log.close()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not (self.run_dir / "ctl.sock").exists():
            if self.process.returncode is not None or loop.time() > deadline:
                raise RuntimeError(f"kamailio did not start; see {self.log_path}")
            await asyncio.sleep(0.05)

    async def rpc(self, *command: str) -> str:
        """A kamcmd command over the control socket (``dispatcher.list``, ...)."""
        return await _run(
            "kamcmd", "-s", f"unix:{self.run_dir / 'ctl.sock'}", *command, timeout=10.0
        )

    async def wait_nodes_up(self, count: int, timeout: float = 15.0) -> None:
        """Until the dispatcher sees ``count`` nodes active (probing answered)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            listing = await self.rpc("dispatcher.list")
            if listing.count("FLAGS: AP") >= count:
                return
            if loop.time() > deadline:
                raise RuntimeError(f"edge: fewer than {count} nodes up:\n{listing}")
            await asyncio.sleep(0.2)

    async def stop(self) -> None:
        """Stop the whole process group; kill if it lingers."""
        if self.process is None or self.process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), 5)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            await self.process.wait()
