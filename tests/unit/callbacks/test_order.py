"""Callbacks keep their caller's place: arrival order from channel uniqueids."""

from __future__ import annotations

from callcenter.callbacks.service import _callback_id, arrival, stand_in_channel


def test_arrival_orders_by_epoch_then_sequence() -> None:
    first = arrival("test-platform-1795732241.16")
    assert first < arrival("test-platform-1795732241.17") < arrival("test-platform-1795732242.2")
    # A sequence number is compared as a number, not as text ("9" before "16").
    assert arrival("pbx-1795732241.9") < first


def test_an_unknown_uniqueid_sorts_last() -> None:
    assert arrival("") > arrival("x-1795732241.16")
    assert arrival("garbage") > arrival("x-1795732241.16")


def test_stand_in_channels_are_recognised_and_nothing_else() -> None:
    assert stand_in_channel(12) == "Local/cb12@cc-callback-wait/n"
    assert _callback_id("Local/cb12@cc-callback-wait-0000001f;2") == 12
    assert _callback_id("Local/cb12@cc-forward-0000001f;2") is None
    assert _callback_id("PJSIP/acme-1001-00000001") is None
    assert _callback_id("Local/cbx@cc-callback-wait-1;2") is None
