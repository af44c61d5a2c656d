"""Pure core of the brute-force guard: when an address has failed too often, block it.

No I/O: the service feeds it failed and successful authentications with their time and
applies the blocks it returns.

What counts is chosen so that the guard cannot be turned against a victim:

- only failed *digest responses* count (a request that carried credentials answering our
  challenge). A spoofed single UDP packet - a REGISTER without credentials, or for a user
  that does not exist - never reaches that point, so it costs an attacker nothing and
  counts for nothing;
- an address where seats authenticate successfully (an office behind one NAT) is trusted
  for ``trust_s`` after each success and never blocked meanwhile;
- every table is bounded: failure windows and trusted addresses by ``max_addresses``
  (least recently seen dropped first), live blocks by ``max_blocks`` (the ACL Asterisk
  checks on every request stays short; past the cap, new blocks are refused and counted).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import TypeVar

_V = TypeVar("_V")


@dataclass(frozen=True, slots=True)
class Policy:
    """``threshold`` failures within ``window_s`` block the address for ``block_s``."""

    threshold: int = 10
    window_s: float = 60.0
    block_s: float = 900.0
    trust_s: float = 3600.0  # how long one successful authentication spares its address
    max_blocks: int = 1000

    def __post_init__(self) -> None:
        if self.threshold < 1 or self.window_s <= 0 or self.block_s <= 0:
            raise ValueError("threshold, window and block time must be positive")
        if self.trust_s < 0 or self.max_blocks < 1:
            raise ValueError("trust time must not be negative, the block cap must be positive")


@dataclass(frozen=True, slots=True)
class Block:
    """Block ``address`` until ``until`` (same clock as the failures' times)."""

    address: str
    until: float
    failures: int


def _touch(table: dict[str, float], key: str, value: float) -> None:
    """Set ``table[key]`` and move it to the end (dicts keep insertion order: oldest first)."""
    table.pop(key, None)
    table[key] = value


def _trim(table: dict[str, _V], limit: int) -> None:
    """Drop the oldest entries beyond ``limit``: O(1) each, never a scan."""
    while len(table) > limit:
        del table[next(iter(table))]


@dataclass
class Guard:
    """Sliding-window failure counter per address; addresses in ``allow`` are never blocked."""

    policy: Policy = field(default_factory=Policy)
    allow: frozenset[str] = frozenset()
    max_addresses: int = 100_000
    refused: int = 0  # blocks not taken because ``max_blocks`` were live
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _trusted_until: dict[str, float] = field(default_factory=dict)
    _blocked_until: dict[str, float] = field(default_factory=dict)

    def succeeded(self, address: str, now: float) -> None:
        """A seat authenticated from ``address``: spare it for ``trust_s``."""
        self._failures.pop(address, None)
        _touch(self._trusted_until, address, now + self.policy.trust_s)
        _trim(self._trusted_until, self.max_addresses)

    def failed(self, address: str, now: float) -> Block | None:
        """Record a failed digest response; a Block when this one crosses the threshold."""
        if address in self.allow or self.is_trusted(address, now):
            return None
        if self.is_blocked(address, now):
            return None  # already blocked: the edge refuses it before authentication
        times = self._failures.pop(address, None)
        if times is None:
            times = deque(maxlen=self.policy.threshold)
        self._failures[address] = times  # now the most recently seen
        _trim(self._failures, self.max_addresses)
        times.append(now)
        while times and times[0] <= now - self.policy.window_s:
            times.popleft()
        if len(times) < self.policy.threshold:
            return None
        count = len(times)
        del self._failures[address]
        if len(self._blocked_until) >= self.policy.max_blocks:
            self._forget_blocks(now)
            if len(self._blocked_until) >= self.policy.max_blocks:
                self.refused += 1
                return None
        until = now + self.policy.block_s
        self._blocked_until[address] = until
        return Block(address=address, until=until, failures=count)

    def restore_block(self, address: str, until: float) -> None:
        """A block made before (read back at start): failures meanwhile change nothing."""
        if len(self._blocked_until) < self.policy.max_blocks:
            self._blocked_until[address] = until

    def unblock(self, address: str) -> None:
        """Forget a block (lifted, or never applied)."""
        self._blocked_until.pop(address, None)

    def _forget_blocks(self, now: float) -> None:
        for address in [a for a, u in self._blocked_until.items() if u <= now]:
            del self._blocked_until[address]

    def forget(self, now: float) -> None:
        """Drop windows, trusts and blocks that have run out (called now and then)."""
        cutoff = now - self.policy.window_s
        for address in [a for a, t in self._failures.items() if not t or t[-1] <= cutoff]:
            del self._failures[address]
        for address in [a for a, u in self._trusted_until.items() if u <= now]:
            del self._trusted_until[address]
        self._forget_blocks(now)

    def is_blocked(self, address: str, now: float) -> bool:
        """Whether the guard has a live block for ``address``."""
        return self._blocked_until.get(address, 0.0) > now

    def is_trusted(self, address: str, now: float) -> bool:
        """Whether a seat authenticated from ``address`` within ``trust_s``."""
        return self._trusted_until.get(address, 0.0) > now

    def sizes(self) -> tuple[int, int, int]:
        """Entries held: (failure windows, trusted addresses, live or unexpired blocks)."""
        return len(self._failures), len(self._trusted_until), len(self._blocked_until)
