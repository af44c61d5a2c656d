"""AMI messages become typed domain events; nothing with CR/LF ever reaches AMI."""

import pytest

from callcenter.ami.events import (
    AsteriskBooted,
    ChannelCreated,
    ChannelHungUp,
    ContactChanged,
    DialplanReloaded,
    endpoint_of,
    to_domain_event,
)
from callcenter.ami.values import check_key, check_value
from callcenter.asterisk.live import device_state
from callcenter.errors import InvalidInput


def test_pjsip_channel_names_give_their_endpoint() -> None:
    assert endpoint_of("PJSIP/acme-1001-0000002a") == "acme-1001"
    assert endpoint_of("PJSIP/carrier-00000000") == "carrier"
    assert endpoint_of("Local/600@cc-phones-00000001;1") is None
    assert endpoint_of("PJSIP/") is None


def test_ami_events_translate_to_domain_events() -> None:
    assert to_domain_event({"Event": "FullyBooted"}) == AsteriskBooted()
    assert to_domain_event(
        {
            "Event": "ContactStatus",
            "EndpointName": "acme-1001",
            "AOR": "acme-1001",
            "ContactStatus": "Removed",
        }
    ) == ContactChanged("acme-1001", "acme-1001", "Removed")
    created = to_domain_event(
        {
            "Event": "Newchannel",
            "Channel": "PJSIP/acme-1001-00000003",
            "Uniqueid": "1.3",
            "Linkedid": "1.1",
        }
    )
    assert created == ChannelCreated("PJSIP/acme-1001-00000003", "1.3", "1.1", "acme-1001")
    hung = to_domain_event(
        {
            "Event": "Hangup",
            "Channel": "PJSIP/acme-1001-00000003",
            "Uniqueid": "1.3",
            "Linkedid": "1.1",
            "Cause": "16",
        }
    )
    assert isinstance(hung, ChannelHungUp) and hung.endpoint == "acme-1001"
    assert to_domain_event({"Event": "Reload", "Module": "pbx_config"}) == DialplanReloaded()
    assert to_domain_event({"Event": "VarSet"}) is None


def test_removed_and_unreachable_contacts_are_not_present() -> None:
    assert not ContactChanged("a", "a", "Removed").present
    assert not ContactChanged("a", "a", "Unreachable").present
    assert ContactChanged("a", "a", "Created").present


def test_seat_device_state_follows_registration_and_calls() -> None:
    assert device_state(registered=False, channels=0) == "UNAVAILABLE"
    assert device_state(registered=True, channels=0) == "NOT_INUSE"
    assert device_state(registered=True, channels=2) == "INUSE"


@pytest.mark.parametrize("value", ["x\r\nAction: Originate", "a\nb", "nul\x00", "y" * 2000])
def test_values_that_would_start_a_new_ami_header_are_refused(value: str) -> None:
    with pytest.raises(InvalidInput):
        check_value(value)


@pytest.mark.parametrize("key", ["Bad Key", "X:Y", "", "1abc", "Ch\r\nannel"])
def test_header_names_are_restricted(key: str) -> None:
    with pytest.raises(InvalidInput):
        check_key(key)


def test_ordinary_values_pass_unchanged() -> None:
    assert check_value("DEVICE_STATE(Custom:acme-1001)") == "DEVICE_STATE(Custom:acme-1001)"
    assert check_key("ApplicationData") == "ApplicationData"
