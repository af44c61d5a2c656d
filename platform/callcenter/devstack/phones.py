"""Real SIP softphones for tests and the demo: baresip driven over its ctrl_tcp socket.

ctrl_tcp speaks netstrings (``<len>:<json>,``): commands ``{"command": ..., "params": ...}``
and events ``{"event": true, "type": "CALL_ESTABLISHED", ...}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from callcenter.devstack.netns import NatSite
from callcenter.devstack.sandbox import Sandbox


@dataclass(frozen=True, slots=True)
class Account:
    """A SIP account a phone registers."""

    username: str
    password: str
    registrar: str  # host:port
    auto_answer: bool = True
    transport: str = "udp"  # udp, tcp or tls


@dataclass
class SoftPhone:
    """One baresip process holding one or more accounts."""

    sandbox: Sandbox
    name: str
    sip_port: int
    ctrl_port: int
    accounts: list[Account]
    tone_hz: int = 440  # what the phone "says": a sine at this frequency
    record: bool = False  # keep what it hears in heard.wav (48 kHz, 16-bit mono)
    site: NatSite | None = None  # run inside this NAT site's agent namespace
    cafile: str | None = None  # verify a TLS registrar against this CA (path in the sandbox)
    events: list[dict[str, Any]] = field(default_factory=list)
    _process: asyncio.subprocess.Process | None = field(default=None, init=False)
    _reader: asyncio.StreamReader | None = field(default=None, init=False)
    _writer: asyncio.StreamWriter | None = field(default=None, init=False)
    _task: asyncio.Task[None] | None = field(default=None, init=False)
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition, init=False)
    _responses: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue, init=False)

    @property
    def inner_dir(self) -> str:
        """The phone's configuration directory as baresip sees it."""
        return f"/srv/callcenter/phones/{self.name}"

    @property
    def heard_wav(self) -> Path:
        """Host path of what the phone heard on its current call (with ``record``)."""
        return self.sandbox.host_path(self.inner_dir) / "heard.wav"

    def _write_config(self) -> None:
        host_dir = self.sandbox.host_path(self.inner_dir)
        if host_dir.exists():
            shutil.rmtree(host_dir)
        host_dir.mkdir(parents=True)
        modules = ["g711.so", "ausine.so", "aufile.so", "account.so", "menu.so", "ctrl_tcp.so"]
        config = [
            "poll_method epoll",
            f"sip_listen {'0.0.0.0' if self.site else '127.0.0.1'}:{self.sip_port}",
            "sip_trans_def udp",
            f"audio_player aufile,{self.inner_dir}/heard.wav"
            if self.record
            else "audio_player aufile,/dev/null",
            f"audio_source ausine,{self.tone_hz}",
            "audio_alert aufile,/dev/null",
            "ausrc_srate 48000",
            "auplay_srate 48000",
            "rtp_ports 30000-30999" if self.sip_port % 2 == 0 else "rtp_ports 31000-31999",
            "module_path /usr/lib/baresip/modules",
            *(f"module {m}" for m in modules),
            f"ctrl_tcp_listen 127.0.0.1:{self.ctrl_port}",
        ]
        if self.cafile:
            config += [f"sip_cafile {self.cafile}", "sip_verify_server yes"]
        (host_dir / "config").write_text("\n".join(config) + "\n")
        lines = []
        for acc in self.accounts:
            answer = ";answermode=auto" if acc.auto_answer else ""
            lines.append(
                f"<sip:{acc.username}@{acc.registrar};transport={acc.transport}>"
                f";auth_user={acc.username};auth_pass={acc.password}"
                f";audio_codecs=PCMU;regint=300;mediaenc=none{answer}"
            )
        (host_dir / "accounts").write_text("\n".join(lines) + "\n")
        (host_dir / "contacts").write_text("")

    async def start(self) -> None:
        """Start baresip and connect to its control socket."""
        self._write_config()
        log = open(self.sandbox.host_path(self.inner_dir) / "baresip.log", "wb")  # noqa: ASYNC230
        argv = self.sandbox.argv("baresip", "-f", self.inner_dir)
        self._process = await asyncio.create_subprocess_exec(
            *(self.site.argv(*argv) if self.site else argv),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )
        log.close()
        for _ in range(100):
            try:
                if self.site is not None:
                    self._reader, self._writer = await self.site.open_connection(
                        "127.0.0.1", self.ctrl_port
                    )
                else:
                    self._reader, self._writer = await asyncio.open_connection(
                        "127.0.0.1", self.ctrl_port
                    )
                break
            except OSError:
                if self._process.returncode is not None:
                    raise RuntimeError(f"baresip {self.name} exited") from None
                await asyncio.sleep(0.1)
        else:
            raise RuntimeError(f"baresip {self.name} control socket did not open")
        self._task = asyncio.create_task(self._read_loop())

    async def stop(self) -> None:
        """Stop baresip."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(
                asyncio.CancelledError, asyncio.IncompleteReadError, ConnectionError
            ):
                await self._task
        if self._writer is not None:
            self._writer.close()
        if self._process is not None and self._process.returncode is None:
            self._process.terminate()
            try:
                await asyncio.wait_for(self._process.wait(), 3)
            except TimeoutError:
                self._process.kill()
                await self._process.wait()

    async def _read_loop(self) -> None:
        assert self._reader is not None
        while not self._reader.at_eof():
            try:
                length = await self._reader.readuntil(b":")
            except asyncio.IncompleteReadError:
                return
            payload = await self._reader.readexactly(int(length[:-1]) + 1)
            message = json.loads(payload[:-1])
            if message.get("event"):
                async with self._changed:
                    self.events.append(message)
                    self._changed.notify_all()
            elif message.get("response"):
                self._responses.put_nowait(message)

    async def command(self, command: str, params: str = "") -> dict[str, Any]:
        """Send one command and return its response."""
        assert self._writer is not None
        body = json.dumps({"command": command, "params": params, "token": command}).encode()
        self._writer.write(str(len(body)).encode() + b":" + body + b",")
        await self._writer.drain()
        return await asyncio.wait_for(self._responses.get(), 5)

    async def wait_event(
        self, kind: str, timeout: float = 10.0, account: str | None = None, after: int = 0
    ) -> dict[str, Any]:
        """Wait for an event of ``kind`` (optionally of one account) seen after index ``after``."""

        def match() -> dict[str, Any] | None:
            for ev in self.events[after:]:
                if ev.get("type") == kind and (
                    account is None or account in str(ev.get("accountaor", ""))
                ):
                    return ev
            return None

        async with self._changed:
            found = await asyncio.wait_for(self._changed.wait_for(match), timeout)
        assert found is not None
        return found

    def seen(self, kind: str, account: str | None = None) -> int:
        """How many events of ``kind`` (for ``account``) were seen so far."""
        return sum(
            1
            for ev in self.events
            if ev.get("type") == kind
            and (account is None or account in str(ev.get("accountaor", "")))
        )
