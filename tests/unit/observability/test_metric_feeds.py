"""The metrics fed by AMI events and hooks, on an app's own registry."""

from __future__ import annotations

from callcenter.observability.metrics import PlatformMetrics


def value(m: PlatformMetrics, name: str, **labels: str) -> float | None:
    return m.registry.get_sample_value(name, labels)


def test_an_inbound_call_is_timed_from_its_first_channel_to_its_answer() -> None:
    m = PlatformMetrics("pbx1")
    trunk = {
        "Channel": "PJSIP/carrier-00000001",
        "Context": "from-carrier",
        "Uniqueid": "1.1",
        "Linkedid": "1.1",
    }
    m.on_ami_event({"Event": "Newchannel", "Timestamp": "100.0", **trunk})
    # A seat's channel of the same call is not the call's setup.
    seat = {
        "Channel": "PJSIP/acme-1001-00000002",
        "Context": "cc-phone-entry",
        "Uniqueid": "1.2",
        "Linkedid": "1.1",
    }
    m.on_ami_event({"Event": "Newchannel", "Timestamp": "100.5", **seat})
    m.on_ami_event({"Event": "QueueCallerJoin", "Timestamp": "100.2", **trunk})
    m.on_ami_event({"Event": "AgentConnect", "Timestamp": "103.2", **trunk})
    m.on_ami_event({"Event": "Newstate", "ChannelStateDesc": "Up", "Timestamp": "103.0", **seat})
    m.on_ami_event({"Event": "Newstate", "ChannelStateDesc": "Up", "Timestamp": "103.25", **trunk})
    assert value(m, "callcenter_call_setup_seconds_count", node="pbx1") == 1
    assert value(m, "callcenter_call_setup_seconds_sum", node="pbx1") == 3.25
    assert value(m, "callcenter_queue_answer_seconds_sum", node="pbx1") == 3.0
    assert value(m, "callcenter_ami_events_total", node="pbx1") == 6


def test_a_call_hung_up_before_its_answer_is_forgotten() -> None:
    m = PlatformMetrics("pbx1")
    trunk = {"Channel": "PJSIP/carrier-1", "Context": "from-carrier", "Uniqueid": "2.1"}
    m.on_ami_event({"Event": "Newchannel", **trunk})
    m.on_ami_event({"Event": "Hangup", **trunk})
    m.on_ami_event({"Event": "Newstate", "ChannelStateDesc": "Up", **trunk})
    assert value(m, "callcenter_call_setup_seconds_count", node="pbx1") == 0


def test_pops_and_cdr_lag_hooks() -> None:
    m = PlatformMetrics("pbx1")
    m.pop_written(0.004)
    m.cdrs_written([10.0, 11.0], now=12.0)
    assert value(m, "callcenter_screen_pops_delivered_total") == 1
    assert value(m, "callcenter_screen_pop_seconds_count") == 1
    assert value(m, "callcenter_cdr_intake_lag_seconds_sum") == 3.0


def test_two_apps_have_separate_registries() -> None:
    a, b = PlatformMetrics("pbx1"), PlatformMetrics("pbx1")
    a.pop_written(0.01)
    assert value(b, "callcenter_screen_pops_delivered_total") == 0
