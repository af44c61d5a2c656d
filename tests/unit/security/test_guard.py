"""The brute-force guard: a threshold within a window blocks, the block runs out."""

import pytest

from callcenter.ami.events import SipAuthFailed, remote_ip, to_domain_event
from callcenter.security.guard import Guard, Policy


def test_the_threshold_within_the_window_blocks_once() -> None:
    guard = Guard(Policy(threshold=3, window_s=10, block_s=60))
    assert guard.failed("10.0.0.9", 0) is None
    assert guard.failed("10.0.0.9", 1) is None
    block = guard.failed("10.0.0.9", 2)
    assert block is not None and (block.address, block.until, block.failures) == (
        "10.0.0.9",
        62,
        3,
    )
    assert guard.is_blocked("10.0.0.9", 61) and not guard.is_blocked("10.0.0.9", 62)
    assert guard.failed("10.0.0.9", 3) is None  # already blocked: no second block


def test_slow_failures_outside_the_window_never_block() -> None:
    guard = Guard(Policy(threshold=3, window_s=10, block_s=60))
    assert all(guard.failed("10.0.0.9", t * 6.0) is None for t in range(20))


def test_addresses_are_counted_apart_and_allowed_ones_never_block() -> None:
    guard = Guard(Policy(threshold=2, window_s=10, block_s=60), allow=frozenset({"10.0.0.1"}))
    assert guard.failed("10.0.0.1", 0) is None and guard.failed("10.0.0.1", 1) is None
    assert guard.failed("10.0.0.2", 0) is None and guard.failed("10.0.0.3", 0) is None
    assert guard.failed("10.0.0.2", 1) is not None


def test_after_a_block_runs_out_counting_starts_again() -> None:
    guard = Guard(Policy(threshold=2, window_s=10, block_s=5))
    guard.failed("a", 0)
    assert guard.failed("a", 1) is not None
    assert guard.failed("a", 7) is None
    assert guard.failed("a", 8) is not None


def test_memory_stays_bounded_under_a_spray_of_addresses() -> None:
    guard = Guard(Policy(threshold=5, window_s=1, block_s=5), max_addresses=100)
    for i in range(10_000):
        guard.failed(f"10.{i // 65536}.{i // 256 % 256}.{i % 256}", i * 0.01)
    assert len(guard._failures) <= 200


def test_bad_policies_are_refused() -> None:
    with pytest.raises(ValueError):
        Policy(threshold=0)


def test_ami_security_events_become_failures_with_the_source_address() -> None:
    event = to_domain_event(
        {
            "Event": "ChallengeResponseFailed",
            "AccountID": "acme-1001",
            "RemoteAddress": "IPV4/UDP/127.0.0.5/5060",
        }
    )
    assert event == SipAuthFailed("127.0.0.5", "acme-1001", "ChallengeResponseFailed")
    assert remote_ip("IPV6/UDP/2001:db8::1/5060") == "2001:db8::1"
    assert remote_ip("garbage") is None
    assert (
        to_domain_event({"Event": "ChallengeSent", "RemoteAddress": "IPV4/UDP/1.2.3.4/5"}) is None
    )
    assert to_domain_event({"Event": "InvalidAccountID", "RemoteAddress": ""}) is None
