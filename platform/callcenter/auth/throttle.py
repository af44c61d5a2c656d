"""Pure core of the login limiter: token buckets per username and per source address.

No I/O and no clock of its own: the caller passes ``now``. Each key may hold ``burst``
attempts and regains one every ``refill_s``; a successful sign-in gives its username and
address their attempt back, so only failures (and attempts still in flight) count. Memory is
bounded: at most ``max_keys`` keys per kind, the least recently used forgotten first (a
forgotten key starts again with a full bucket, which is no worse than an idle one).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Rate:
    """``burst`` attempts at once, then one more every ``refill_s`` seconds."""

    burst: int
    refill_s: float

    def __post_init__(self) -> None:
        if self.burst < 1 or self.refill_s <= 0:
            raise ValueError("burst and refill time must be positive")


@dataclass
class Buckets:
    """Token buckets for one kind of key (usernames, or addresses)."""

    rate: Rate
    max_keys: int = 10_000
    _state: OrderedDict[str, tuple[float, float]] = field(default_factory=OrderedDict)

    def level(self, key: str, now: float) -> float:
        """Attempts ``key`` has left now (fractional while refilling)."""
        tokens, at = self._state.get(key, (float(self.rate.burst), now))
        return min(float(self.rate.burst), tokens + max(0.0, now - at) / self.rate.refill_s)

    def take(self, key: str, now: float) -> float:
        """Take one attempt: 0.0 if allowed, else the seconds until one is available."""
        level = self.level(key, now)
        if level < 1.0:
            self._state[key] = (level, now)
            self._state.move_to_end(key)
            return (1.0 - level) * self.rate.refill_s
        self._state[key] = (level - 1.0, now)
        self._state.move_to_end(key)
        while len(self._state) > self.max_keys:
            self._state.popitem(last=False)
        return 0.0

    def give_back(self, key: str, now: float) -> None:
        """Return an attempt (the sign-in succeeded)."""
        if key in self._state:
            level = min(float(self.rate.burst), self.level(key, now) + 1.0)
            self._state[key] = (level, now)

    def __len__(self) -> int:
        return len(self._state)


@dataclass
class LoginThrottle:
    """Both limits together: an attempt must pass its username's and its address's bucket."""

    per_username: Buckets
    per_address: Buckets
    # Refusals held back before they are answered (a tarpit: a client that floods over a few
    # connections then gets ~one answer per connection per hold, not thousands a second);
    # beyond ``max_held`` at once, refusals are answered straight away (bounded memory).
    max_held: int = 2000
    held: int = 0

    def address_wait(self, address: str, now: float) -> int:
        """Whole seconds until ``address`` may try again (0: now), taking nothing: lets a
        flood be refused before its body is even read."""
        level = self.per_address.level(address, now)
        return (
            0 if level >= 1.0 else max(1, math.ceil((1.0 - level) * self.per_address.rate.refill_s))
        )

    def attempt(self, username: str, address: str, now: float) -> int:
        """0 if the attempt may go ahead (and counts), else whole seconds to wait."""
        wait = self.per_address.take(address, now)
        if wait > 0:
            return max(1, math.ceil(wait))
        wait = self.per_username.take(username.lower(), now)
        if wait > 0:
            self.per_address.give_back(address, now)  # refused before any work: not charged
            return max(1, math.ceil(wait))
        return 0

    def succeeded(self, username: str, address: str, now: float) -> None:
        """A right password: this attempt does not count against either key."""
        self.per_username.give_back(username.lower(), now)
        self.per_address.give_back(address, now)
