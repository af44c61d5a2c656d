"""`callcenter serve` outside the demo and test stacks: no start on a default or weak secret,
so no token signed with a published key is ever accepted."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import sys
import time

import aiohttp
import jwt

OLD_DEFAULT = "change-me-in-production-please-32b"  # settings.py's former default


def _env(dsn: str, port: int, **secret_env: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLCENTER_")}
    env |= {
        "CALLCENTER_DSN": dsn,
        "CALLCENTER_HTTP_PORT": str(port),
        "CALLCENTER_AMI_ENABLED": "0",
    }
    return env | secret_env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def _serve(env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "callcenter",
        "serve",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_serve_refuses_to_start_without_secrets_or_with_published_ones(dsn: str) -> None:
    port = _free_port()
    for secret_env, named in [
        ({}, "CALLCENTER_JWT_SECRET is not set"),
        ({"CALLCENTER_JWT_SECRET": OLD_DEFAULT}, "CALLCENTER_JWT_SECRET is a published default"),
        (
            {
                "CALLCENTER_JWT_SECRET": secrets.token_urlsafe(40),
                "CALLCENTER_OPERATOR_PASSWORD": "change-me-now",
            },
            "CALLCENTER_OPERATOR_PASSWORD is a published default",
        ),
    ]:
        proc = await _serve(_env(dsn, port, **secret_env))
        _, err = await asyncio.wait_for(proc.communicate(), 30)
        assert proc.returncode == 2, err
        assert named in err.decode()
        with socket.socket() as s:  # nothing ever listened
            assert s.connect_ex(("127.0.0.1", port)) != 0


async def test_with_generated_secrets_it_serves_and_refuses_a_token_forged_with_the_old_key(
    dsn: str,
) -> None:
    port = _free_port()
    env = _env(
        dsn,
        port,
        CALLCENTER_JWT_SECRET=secrets.token_urlsafe(40),
        CALLCENTER_OPERATOR_PASSWORD=secrets.token_urlsafe(16),
    )
    proc = await _serve(env)
    base = f"http://127.0.0.1:{port}"
    now = int(time.time())
    forged = jwt.encode(
        {
            "sub": "1",
            "usr": "operator",
            "role": "operator",
            "tid": None,
            "iat": now,
            "exp": now + 600,
            "iss": "callcenter",
        },
        OLD_DEFAULT,
        algorithm="HS256",
    )
    try:
        async with aiohttp.ClientSession() as http:
            deadline = time.monotonic() + 30
            while True:
                try:
                    async with http.get(f"{base}/healthz") as resp:
                        if resp.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    pass
                assert time.monotonic() < deadline, "serve did not come up"
                await asyncio.sleep(0.2)
            async with http.get(
                f"{base}/api/v1/tenants", headers={"Authorization": f"Bearer {forged}"}
            ) as resp:
                assert resp.status == 401
                assert (await resp.json())["error"] == "invalid-token"
    finally:
        proc.terminate()
        await proc.communicate()
