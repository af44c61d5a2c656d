"""Pure core of the brute-force guard: when an address has failed too often, block it.

No I/O: the service feeds it failures with their time and applies the blocks it returns.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Policy:
    """``threshold`` failures within ``window_s`` block the address for ``block_s``."""

    threshold: int = 10
    window_s: float = 60.0
    block_s: float = 900.0

    def __post_init__(self) -> None:
        if self.threshold < 1 or self.window_s <= 0 or self.block_s <= 0:
            raise ValueError("threshold, window and block time must be positive")


@dataclass(frozen=True, slots=True)
class Block:
    """Block ``address`` until ``until`` (same clock as the failures' times)."""

    address: str
    until: float
    failures: int


@dataclass
class Guard:
    """Sliding-window failure counter per address; addresses in ``allow`` are never blocked."""

    policy: Policy = field(default_factory=Policy)
    allow: frozenset[str] = frozenset()
    max_addresses: int = 100_000
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _blocked_until: dict[str, float] = field(default_factory=dict)

    def failed(self, address: str, now: float) -> Block | None:
        """Record a failure; a Block when this one crosses the threshold."""
        if address in self.allow:
            return None
        if self._blocked_until.get(address, 0.0) > now:
            return None  # already blocked: Asterisk refuses it before authentication
        times = self._failures.get(address)
        if times is None:
            if len(self._failures) >= self.max_addresses:
                self.forget(now)
            times = self._failures[address] = deque()
        times.append(now)
        while times and times[0] <= now - self.policy.window_s:
            times.popleft()
        if len(times) < self.policy.threshold:
            return None
        count = len(times)
        del self._failures[address]
        until = now + self.policy.block_s
        self._blocked_until[address] = until
        return Block(address=address, until=until, failures=count)

    def forget(self, now: float) -> None:
        """Drop windows and blocks that have run out (bounded memory under a spray attack)."""
        cutoff = now - self.policy.window_s
        for address in [a for a, t in self._failures.items() if not t or t[-1] <= cutoff]:
            del self._failures[address]
        for address in [a for a, u in self._blocked_until.items() if u <= now]:
            del self._blocked_until[address]

    def is_blocked(self, address: str, now: float) -> bool:
        """Whether the guard has a live block for ``address``."""
        return self._blocked_until.get(address, 0.0) > now
