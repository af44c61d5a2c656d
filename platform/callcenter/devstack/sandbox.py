"""Run programs of the Debian sid sandbox (a chroot) or of the host, transparently."""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


@dataclass(frozen=True, slots=True)
class Sandbox:
    """Where Asterisk and baresip run: ``root`` is the chroot, or None for the host."""

    root: Path | None

    def host_path(self, inside: str) -> Path:
        """The host path of a path as seen inside the sandbox."""
        return Path(inside) if self.root is None else self.root / inside.lstrip("/")

    def argv(self, *cmd: str) -> list[str]:
        """A command line that runs ``cmd`` inside the sandbox."""
        return list(cmd) if self.root is None else ["chroot", str(self.root), *cmd]

    @classmethod
    async def ensure(cls) -> Sandbox:
        """Use the host's asterisk/baresip when installed, else build or reuse the chroot."""
        if shutil.which("asterisk") and shutil.which("baresip"):
            return cls(root=None)
        proc = await asyncio.create_subprocess_exec(
            "bash", str(REPO / "deploy" / "sandbox.sh"), "ensure", stdout=asyncio.subprocess.PIPE
        )
        out, _ = await proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError("deploy/sandbox.sh ensure failed")
        path = out.decode().strip()
        return cls(root=Path(path) if path else None)
