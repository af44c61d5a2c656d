"""Start, stop and talk to one Asterisk instance of the local stack."""

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
from callcenter.devstack.sandbox import Sandbox


@dataclass
class AsteriskInstance:
    """An Asterisk with its own directories under ``/srv/callcenter/<name>`` in the sandbox."""

    sandbox: Sandbox
    name: str
    flavour: str  # "platform" or "carrier"
    params: Mapping[str, str]
    # messages.log's verbosity (logger.conf LOG_VERBOSE): 3 locally, where tests read the
    # dialplan's steps; a production node runs at 0 (docker-compose.yml), as bench/load.py.
    log_verbose: int = 3
    process: asyncio.subprocess.Process | None = field(default=None, init=False)

    @property
    def inner_dir(self) -> str:
        """The instance directory as Asterisk sees it."""
        return f"/srv/callcenter/{self.name}"

    @property
    def host_dir(self) -> Path:
        """The instance directory as the host sees it."""
        return self.sandbox.host_path(self.inner_dir)

    @property
    def conf(self) -> str:
        """asterisk.conf as Asterisk sees it."""
        return f"{self.inner_dir}/etc/asterisk.conf"

    def render(self) -> None:
        """Write fresh configuration; keep nothing from an earlier run but the directory."""
        if self.host_dir.exists():
            shutil.rmtree(self.host_dir)
        for sub in ("etc", "run", "spool", "log", "db", "cache"):
            (self.host_dir / sub).mkdir(parents=True, exist_ok=True)
        render_dir(
            self.flavour,
            self.host_dir / "etc",
            {
                "LOG_VERBOSE": str(self.log_verbose),
                **self.params,
                "DIR": self.inner_dir,
                "SYSTEM_NAME": self.name,
            },
        )

    def _kill_leftover(self) -> None:
        """An instance left running by a killed run would hold our ports: stop it first."""
        pidfile = self.host_dir / "run" / "asterisk.pid"
        try:
            pid = int(pidfile.read_text().strip())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (OSError, ValueError):
            return
        if self.conf.encode() in cmdline:
            os.kill(pid, signal.SIGKILL)

    async def start(self, timeout: float = 30.0) -> None:
        """Start in the foreground (``-f``) as a child and wait until fully booted."""
        self._kill_leftover()
        self.render()
        log = open(self.host_dir / "log" / "console.log", "wb")  # noqa: ASYNC230
        self.process = await asyncio.create_subprocess_exec(
            *self.sandbox.argv("asterisk", "-f", "-C", self.conf),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            # unixODBC reads this instance's data source (res_odbc.conf names it).
            env={**os.environ, "ODBCINI": f"{self.inner_dir}/etc/odbc.ini"},
        )
        log.close()
        socket = self.host_dir / "run" / "asterisk.ctl"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not socket.exists():
            if self.process.returncode is not None or loop.time() > deadline:
                raise RuntimeError(f"asterisk {self.name} did not start; see {self.host_dir}/log")
            await asyncio.sleep(0.05)
        await self.cli("core waitfullybooted", timeout=timeout)

    async def cli(self, command: str, timeout: float = 15.0) -> str:
        """Run a CLI command against this instance (never the default one)."""
        if not (self.host_dir / "run" / "asterisk.ctl").exists():
            raise RuntimeError(f"asterisk {self.name} is not running")
        proc = await asyncio.create_subprocess_exec(
            *self.sandbox.argv("asterisk", "-C", self.conf, "-rx", command),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await asyncio.wait_for(proc.communicate(), timeout)
        return out.decode(errors="replace")

    async def stop(self) -> None:
        """Stop now; kill if it does not exit within five seconds."""
        if self.process is None or self.process.returncode is not None:
            return
        with contextlib.suppress(Exception):
            await self.cli("core stop now", timeout=5)
        try:
            await asyncio.wait_for(self.process.wait(), 5)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()

    async def kill(self) -> None:
        """SIGKILL, as a crash would."""
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
