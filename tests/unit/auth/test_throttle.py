"""The sign-in limiter's pure core: buckets per username and address, bounded memory."""

from callcenter.auth.throttle import Buckets, LoginThrottle, Rate


def throttle(max_keys: int = 100) -> LoginThrottle:
    return LoginThrottle(
        per_username=Buckets(Rate(3, 10.0), max_keys=max_keys),
        per_address=Buckets(Rate(5, 1.0), max_keys=max_keys),
    )


def test_a_username_gets_its_burst_then_waits_for_the_refill() -> None:
    t = throttle()
    assert [t.attempt("Alice", f"10.0.0.{i}", 0.0) for i in range(4)] == [0, 0, 0, 10]
    assert t.attempt("alice", "10.0.0.9", 5.0) == 5  # usernames are case-insensitive
    assert t.attempt("alice", "10.0.0.9", 10.0) == 0


def test_an_address_gets_its_burst_whatever_the_usernames() -> None:
    t = throttle()
    waits = [t.attempt(f"user{i}", "192.0.2.1", 0.0) for i in range(6)]
    assert waits == [0, 0, 0, 0, 0, 1]
    assert t.address_wait("192.0.2.1", 0.0) == 1
    assert t.address_wait("192.0.2.1", 1.0) == 0


def test_a_refusal_by_username_does_not_charge_the_address() -> None:
    t = throttle()
    for _ in range(3):
        t.attempt("bob", "192.0.2.2", 0.0)
    assert t.attempt("bob", "192.0.2.2", 0.0) > 0
    assert t.per_address.level("192.0.2.2", 0.0) == 2.0


def test_a_right_password_gives_the_attempt_back() -> None:
    t = throttle()
    for _ in range(10):
        assert t.attempt("carol", "192.0.2.3", 0.0) == 0
        t.succeeded("carol", "192.0.2.3", 0.0)


def test_memory_is_bounded_under_a_spray() -> None:
    t = throttle(max_keys=50)
    for i in range(10_000):
        t.attempt(f"u{i}", f"10.{i // 256 % 256}.{i % 256}.1", float(i))
    assert len(t.per_address) <= 50 and len(t.per_username) <= 50
