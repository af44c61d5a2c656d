"""A local certificate authority and the edge's certificate, made with ``openssl`` at stack
start: SIP apps (TLS) and browsers (WSS) can then verify the edge against ``ca.crt``
instead of trusting anything."""

from __future__ import annotations

import asyncio
from pathlib import Path


async def _openssl(*args: str) -> None:
    proc = await asyncio.create_subprocess_exec(
        "openssl", *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    out, _ = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"openssl {args[0]} failed: {out.decode(errors='replace')[-2000:]}")


async def edge_certificate(directory: Path, *hosts: str, name: str = "edge") -> Path:
    """``ca.crt``/``ca.key`` and ``<name>.crt``/``<name>.key`` (signed by the CA, valid for
    every address in ``hosts``) in ``directory``; returns the CA certificate's path.

    Kept across runs while the edge's certificate names the same addresses (RSA key
    generation is the slow part); made again otherwise.
    """
    ca_key, ca_crt = directory / "ca.key", directory / "ca.crt"
    key, crt, hosts_file = (directory / f"{name}{ext}" for ext in (".key", ".crt", ".hosts"))
    wanted = ",".join(f"IP:{h}" for h in hosts) or "IP:127.0.0.1"

    def current() -> tuple[bool, bool]:
        directory.mkdir(parents=True, exist_ok=True)
        have_ca = ca_key.exists() and ca_crt.exists()
        same = have_ca and crt.exists() and key.exists() and hosts_file.exists()
        return have_ca, same and hosts_file.read_text() == wanted

    have_ca, up_to_date = await asyncio.to_thread(current)
    if up_to_date:
        return ca_crt
    if not have_ca:
        await _openssl(
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "365",
            "-subj", "/CN=callcenter local CA", "-keyout", str(ca_key), "-out", str(ca_crt),
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        )  # fmt: skip
    csr = directory / f"{name}.csr"
    ext = directory / f"{name}.ext"
    await asyncio.to_thread(
        ext.write_text,
        f"subjectAltName={wanted}\nbasicConstraints=CA:FALSE\n"
        "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )
    await _openssl(
        "req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=callcenter-edge",
        "-keyout", str(key), "-out", str(csr),
    )  # fmt: skip
    await _openssl(
        "x509", "-req", "-in", str(csr), "-CA", str(ca_crt), "-CAkey", str(ca_key),
        "-CAcreateserial", "-days", "90", "-extfile", str(ext), "-out", str(crt),
    )  # fmt: skip

    def tidy() -> None:
        csr.unlink()
        ext.unlink()
        hosts_file.write_text(wanted)

    await asyncio.to_thread(tidy)
    return ca_crt
