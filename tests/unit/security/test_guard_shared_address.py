"""The guard cannot be turned against a victim: what counts, who is spared, how much it holds."""

from callcenter.ami.events import SipAuthFailed, SipAuthSucceeded, to_domain_event
from callcenter.security.guard import Guard, Policy

OFFICE = "203.0.113.7"


def test_requests_anyone_can_spoof_are_not_failures() -> None:
    # A REGISTER for a user that does not exist: a single spoofed packet produces it.
    unknown = {"Event": "InvalidAccountID", "AccountID": "x", "RemoteAddress": "IPV4/UDP/1.2.3.4/5"}
    assert to_domain_event(unknown) is None
    # A wrong digest response needs our challenge's nonce: it counts.
    failed = {**unknown, "Event": "ChallengeResponseFailed"}
    assert to_domain_event(failed) == SipAuthFailed("1.2.3.4", "x", "ChallengeResponseFailed")


def test_successful_sip_authentications_are_read_and_ami_logins_are_not() -> None:
    ok = {
        "Event": "SuccessfulAuth",
        "Service": "PJSIP",
        "AccountID": "acme-1001",
        "RemoteAddress": "IPV4/UDP/203.0.113.7/5060",
    }
    assert to_domain_event(ok) == SipAuthSucceeded(OFFICE, "acme-1001")
    assert to_domain_event({**ok, "Service": "AMI"}) is None


def test_an_address_where_seats_authenticate_is_never_blocked() -> None:
    guard = Guard(Policy(threshold=3, window_s=60, block_s=600, trust_s=100))
    guard.succeeded(OFFICE, 0)
    assert all(guard.failed(OFFICE, 1 + t * 0.1) is None for t in range(50))
    assert not guard.is_blocked(OFFICE, 10)
    # Each success renews the trust; without one for trust_s, failures count again.
    guard.succeeded(OFFICE, 50)
    assert guard.failed(OFFICE, 149) is None and guard.is_trusted(OFFICE, 149)
    assert not guard.is_trusted(OFFICE, 150)
    assert guard.failed(OFFICE, 151) is None and guard.failed(OFFICE, 152) is None
    assert guard.failed(OFFICE, 153) is not None


def test_failure_windows_stay_bounded_under_a_flood_of_addresses() -> None:
    # A long window: nothing runs out by itself while the flood lasts.
    guard = Guard(Policy(threshold=5, window_s=10_000, block_s=5), max_addresses=100)
    for i in range(10_000):
        guard.failed(f"10.{i // 65536}.{i // 256 % 256}.{i % 256}", i * 0.01)
        guard.succeeded(f"172.16.{i // 256 % 256}.{i % 256}", i * 0.01)
    failures, trusted, blocks = guard.sizes()
    assert failures <= 100 and trusted <= 100 and blocks == 0


def test_one_address_never_holds_more_than_threshold_timestamps() -> None:
    guard = Guard(Policy(threshold=3, window_s=10_000, block_s=5))
    guard.succeeded(OFFICE, 0)
    guard.allow = frozenset({"10.0.0.1"})
    for t in range(1000):
        guard.failed(OFFICE, t)
        guard.failed("10.0.0.1", t)
    assert guard.sizes()[0] == 0


def test_live_blocks_are_capped_and_the_cap_frees_as_blocks_run_out() -> None:
    guard = Guard(Policy(threshold=1, window_s=60, block_s=100, max_blocks=50))
    blocks = [guard.failed(f"10.1.{i // 256}.{i % 256}", i * 0.001) for i in range(5_000)]
    assert sum(b is not None for b in blocks) == 50
    assert guard.refused == 4_950
    assert guard.sizes()[2] == 50
    # When the first blocks have run out, new ones are taken again.
    assert guard.failed("10.9.9.9", 101) is not None
    assert guard.sizes()[2] <= 50


def test_a_block_read_back_at_start_makes_later_failures_count_for_nothing() -> None:
    """A restarted control plane replays the recent failures after reading the live blocks:
    a blocked address is not blocked again (its block would be extended)."""
    guard = Guard(policy=Policy(threshold=2, window_s=60, block_s=100, max_blocks=5))
    guard.restore_block("198.51.100.7", until=1100.0)
    assert guard.is_blocked("198.51.100.7", 1000.0)
    assert guard.failed("198.51.100.7", 1000.0) is None
    assert guard.failed("198.51.100.7", 1001.0) is None
    # Once it has run out, failures count again.
    assert guard.failed("198.51.100.7", 1200.0) is None
    assert guard.failed("198.51.100.7", 1201.0) is not None
