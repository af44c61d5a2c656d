"""Who may scrape ``/metrics`` by address, and the settings behind it."""

from __future__ import annotations

import pytest

from callcenter.observability.api import address_allowed
from callcenter.settings import Settings


@pytest.mark.parametrize(
    ("peer", "setting", "allowed"),
    [
        ("127.0.0.1", "127.0.0.1,::1", True),
        ("::1", "127.0.0.1,::1", True),
        ("10.1.2.3", "127.0.0.1,::1", False),
        ("10.1.2.3", "127.0.0.1, 10.0.0.0/8", True),
        ("fe80::1%eth0", "fe80::/10", True),  # a scoped IPv6 peer
        ("127.0.0.1", "", False),  # empty: operators' tokens only
        (None, "127.0.0.1", False),  # a Unix socket has no address
        ("not-an-address", "127.0.0.1", False),
    ],
)
def test_direct_peers_in_the_allow_list(peer: str | None, setting: str, allowed: bool) -> None:
    assert address_allowed(peer, setting) is allowed


def test_settings_name_the_node_and_refuse_bad_values() -> None:
    env = {"CALLCENTER_AMI_HOST": "10.0.0.5", "CALLCENTER_AMI_PORT": "5038"}
    assert Settings.from_env(env).node == "10.0.0.5:5038"
    assert Settings.from_env({**env, "CALLCENTER_NODE_NAME": "pbx-sz-1"}).node == "pbx-sz-1"
    assert Settings.from_env(env).metrics_allow == "127.0.0.1,::1"
    assert Settings.from_env(env).log_format is None
    with pytest.raises(ValueError, match="not-a-net"):
        Settings.from_env({"CALLCENTER_METRICS_ALLOW": "127.0.0.1,not-a-net"})
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        Settings.from_env({"CALLCENTER_LOG_FORMAT": "xml"})
