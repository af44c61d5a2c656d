"""Counting calls per tenant from Asterisk's channel list."""

from __future__ import annotations

from callcenter.operations.service import calls_by_tenant


def test_a_call_is_its_linked_id_and_channels_are_counted_per_tenant() -> None:
    channels = [
        {"AccountCode": "acme", "Linkedid": "1.1", "Uniqueid": "1.1"},
        {"AccountCode": "acme", "Linkedid": "1.1", "Uniqueid": "1.2"},
        {"AccountCode": "acme", "Linkedid": "2.1", "Uniqueid": "2.1"},
        {"AccountCode": "beta", "Linkedid": "3.1", "Uniqueid": "3.1"},
        {"AccountCode": "", "Linkedid": "", "Uniqueid": "4.1"},
    ]
    assert calls_by_tenant(channels) == {
        "": {"calls": 1, "channels": 1},
        "acme": {"calls": 2, "channels": 3},
        "beta": {"calls": 1, "channels": 1},
    }


def test_no_channels_no_calls() -> None:
    assert calls_by_tenant([]) == {}
