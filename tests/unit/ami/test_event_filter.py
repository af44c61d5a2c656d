"""The AMI user's include filters and the events the control plane reads agree."""

import re
from pathlib import Path

from callcenter.ami.events import WANTED_EVENTS, to_domain_event
from callcenter.observability.metrics import TIMED_EVENTS
from callcenter.reports.wallboard import Wallboard
from callcenter.workspace.events import to_workspace_event

MANAGER_CONF = Path(__file__).parents[3] / "asterisk_conf" / "platform" / "manager.conf"

# Events a queued call raises that nothing of ours reads: the filter keeps them from us.
UNWANTED = (
    "VarSet",
    "Newexten",
    "DialBegin",
    "DialEnd",
    "BridgeEnter",
    "BridgeLeave",
    "BridgeCreate",
    "QueueMemberStatus",
    "DeviceStateChange",
    "NewCallerid",
    "NewConnectedLine",
    "MusicOnHoldStart",
    "RTCPSent",
    "SoftHangupRequest",
    "HangupRequest",
)


def _filtered_names() -> set[str]:
    text = MANAGER_CONF.read_text()
    return set(re.findall(r"^eventfilter\(action\(include\),name\((\w+)\)\)\s*=", text, re.M))


def test_manager_conf_includes_exactly_the_wanted_events() -> None:
    assert _filtered_names() == set(WANTED_EVENTS)
    # No legacy regex filter beside them: it would re-scan every payload.
    assert not re.search(r"^eventfilter\s*=", MANAGER_CONF.read_text(), re.M)


def _disabled_names() -> set[str]:
    found = re.search(r"^disabledevents\s*=\s*(.+)$", MANAGER_CONF.read_text(), re.M)
    assert found, "manager.conf disables the events nobody reads"
    return {name.strip() for name in found.group(1).split(",")}


def test_no_wanted_event_is_disabled_and_the_per_priority_one_is() -> None:
    disabled = _disabled_names()
    assert not disabled & set(WANTED_EVENTS)
    assert {"Newexten", "DialBegin", "BridgeEnter", "DeviceStateChange"} <= disabled
    assert set(UNWANTED) <= disabled


def _message(name: str) -> dict[str, str]:
    """An event named ``name`` with every header some consumer looks at."""
    return {
        "Event": name,
        "Channel": "PJSIP/acme-1001-00000001",
        "Queue": "acme-support",
        "MemberName": "acme-1001",
        "ChannelStateDesc": "Up",
        "UserEvent": "CcCallbackRequested",
        "RemoteAddress": "IPV4/UDP/127.0.0.9/5060",
        "Module": "pbx_config",
        "EndpointName": "acme-1001",
        "Service": "PJSIP",
    }


def test_no_consumer_reads_an_event_the_filter_drops() -> None:
    board = Wallboard()
    for name in UNWANTED:
        msg = _message(name)
        assert name not in WANTED_EVENTS
        assert to_domain_event(msg) is None, name
        assert to_workspace_event(msg) is None, name
        assert board.apply(msg, 0.0) is None, name


def test_every_event_a_consumer_reads_is_wanted() -> None:
    board = Wallboard()
    read = set()
    for name in sorted(WANTED_EVENTS):
        msg = _message(name)
        if to_domain_event(msg) or to_workspace_event(msg) or board.apply(msg, 0.0):
            read.add(name)
    assert read <= WANTED_EVENTS
    assert TIMED_EVENTS <= WANTED_EVENTS  # the metrics' timings need no wider filter
    assert {"AgentCalled", "Hangup", "QueueCallerJoin", "InvalidPassword", "SuccessfulAuth"} <= read
