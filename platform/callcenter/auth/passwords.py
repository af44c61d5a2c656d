"""Password hashing with scrypt from the standard library, off the event loop.

scrypt costs ~50 ms of CPU and 16 MiB by design; run on the loop it stalls every request
(40 wrong logins once held ``/healthz`` for 2.3 s). ``Hasher`` runs it in a small thread pool
(hashlib releases the GIL while it works) and refuses work beyond a fixed queue, so a flood
cannot pile up unbounded memory or latency.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from callcenter.errors import TooManyAttempts

_N, _R, _P = 2**14, 8, 1
T = TypeVar("T")


def hash_password(password: str) -> str:
    """A salted scrypt hash in the form ``scrypt$<salt>$<hash>`` (blocking: use Hasher)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check of ``password`` against a stored hash (blocking: use Hasher)."""
    try:
        scheme, salt_b64, digest_b64 = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(
        password.encode(), salt=base64.b64decode(salt_b64), n=_N, r=_R, p=_P, dklen=32
    )
    return hmac.compare_digest(digest, base64.b64decode(digest_b64))


def new_secret(nbytes: int = 18) -> str:
    """A random credential safe in SIP, AMI and URLs (no ``;``, ``,`` or quotes)."""
    return secrets.token_urlsafe(nbytes)


def _lower_priority() -> None:
    """Run this (hashing) thread at a lower CPU priority than the event loop's: under a flood
    of guesses the scheduler then gives the loop, and Asterisk, the CPU first. Linux nice
    values are per thread; elsewhere this does nothing."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    except (AttributeError, OSError):
        pass


class Hasher:
    """scrypt in ``workers`` threads with at most ``max_pending`` jobs queued or running."""

    def __init__(self, workers: int = 2, max_pending: int = 16) -> None:
        self._pool = ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="scrypt", initializer=_lower_priority
        )
        self._slots = max_pending
        self.refused = 0

    async def _run(self, fn: Callable[..., T], *args: str) -> T:
        if self._slots <= 0:
            self.refused += 1
            raise TooManyAttempts("the server is busy checking passwords", retry_after_s=1)
        self._slots -= 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._pool, fn, *args)
        finally:
            self._slots += 1

    async def hash(self, password: str) -> str:
        """``hash_password`` in the pool."""
        return await self._run(hash_password, password)

    async def verify(self, password: str, stored: str) -> bool:
        """``verify_password`` in the pool."""
        return await self._run(verify_password, password, stored)

    def close(self) -> None:
        """Stop the threads (jobs already running finish)."""
        self._pool.shutdown(wait=False, cancel_futures=True)
