"""The figures operators watch, in Prometheus form, on a registry of one app.

Counters and histograms are fed where the thing happens, at the cost of an increment: the AMI
reader (``on_ami_event``: one raw handler like the workspace's), the hub (a pop written to a
socket), the CDR sink (a batch committed). Gauges are read at scrape time from the objects
that already know them (pool, hub, sink, AMI client), and calls up are asked of Asterisk
(``CoreShowChannels``) when scraped, so nothing on the call path keeps a count that could
drift. Labels are the node and tenant ids, never phone numbers or channel names.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

if TYPE_CHECKING:  # the components never import this module: only their types are named
    from callcenter.ami.cluster import AmiCluster
    from callcenter.cdr.sink import CdrSink
    from callcenter.workspace.hub import Hub

# Call setup and queue waits last seconds to minutes; AMI and pop latencies are milliseconds.
SETUP_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0)
FAST_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
CDR_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 3600.0)
NO_TENANT = "_none"  # channels without an account code (tenant ids start with a letter)
INBOUND_CONTEXT = "from-carrier"  # the trunk endpoint's context (asterisk_conf pjsip.conf)
TRACKED_LIMIT = 20_000
# The events the timings read: all already let through by the AMI user's filter
# (tests/unit/ami/test_event_filter.py keeps it so).
TIMED_EVENTS = frozenset(
    {"Newchannel", "Newstate", "Hangup", "QueueCallerJoin", "AgentConnect", "QueueCallerAbandon"}
)  # calls being timed at once; the oldest are forgotten beyond it


def _stamp(fields: Mapping[str, str], fallback: float) -> float:
    """Asterisk's event time (``timestampevents = yes``), else when we read it."""
    try:
        return float(fields.get("Timestamp", ""))
    except ValueError:
        return fallback


@dataclass
class _Started:
    """Start times by key, bounded (insertion order: the oldest goes first)."""

    at: dict[str, float] = field(default_factory=dict)

    def start(self, key: str, when: float) -> None:
        self.at.setdefault(key, when)
        if len(self.at) > TRACKED_LIMIT:
            self.at.pop(next(iter(self.at)))

    def stop(self, key: str) -> float | None:
        return self.at.pop(key, None)


@dataclass(frozen=True, slots=True)
class Sources:
    """What the scrape-time collector reads; each is optional (no AMI in many tests)."""

    pool: Any = None  # asyncpg.Pool: typed Any because asyncpg ships no stubs
    hub: Hub | None = None
    cdr_sink: CdrSink | None = None
    ami: AmiCluster | None = None


class PlatformMetrics:
    """One app's metrics: its own registry, the event-fed series and the scrape-time ones."""

    def __init__(self, node: str) -> None:
        self.node = node
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.ami_events = Counter(
            "callcenter_ami_events",
            "AMI events received (rate() is events per second)",
            ["node"],
            registry=r,
        ).labels(node)
        self.ami_lag = Histogram(
            "callcenter_ami_event_lag_seconds",
            "Asterisk's event timestamp to the control plane reading it",
            ["node"],
            buckets=FAST_BUCKETS,
            registry=r,
        ).labels(node)
        self.loop_lag = Histogram(
            "callcenter_event_loop_lag_seconds",
            "How late the event loop runs a timer (a blocked loop delays every AMI read)",
            buckets=FAST_BUCKETS,
            registry=r,
        )
        self.call_setup = Histogram(
            "callcenter_call_setup_seconds",
            "Inbound call: its first channel appearing to it being answered (IVR, announcement,"
            " or an agent for a queue)",
            ["node"],
            buckets=SETUP_BUCKETS,
            registry=r,
        ).labels(node)
        self.queue_answer = Histogram(
            "callcenter_queue_answer_seconds",
            "Caller joining a queue to an agent connecting",
            ["node"],
            buckets=SETUP_BUCKETS,
            registry=r,
        ).labels(node)
        self.pops = Counter(
            "callcenter_screen_pops_delivered",
            "Screen pops written to an agent console's websocket",
            registry=r,
        )
        self.pop_latency = Histogram(
            "callcenter_screen_pop_seconds",
            "AMI event read to the screen pop written to the websocket",
            buckets=FAST_BUCKETS,
            registry=r,
        )
        self.cdr_lag = Histogram(
            "callcenter_cdr_intake_lag_seconds",
            "Call leg end to its CDR committed by the AMI path (a no-op when cdr_pgsql was"
            " first: then the row was already there)",
            buckets=CDR_BUCKETS,
            registry=r,
        )
        self._setups = _Started()
        self._queue_joins = _Started()
        self._scraped = _Scraped(node)
        r.register(self._scraped)

    # ------------------------------------------------------------------ fed by events
    def on_ami_event(self, fields: Mapping[str, str]) -> None:
        """Raw AMI handler (in the reader: a few dict operations, never raises)."""
        now = time.time()
        self.ami_events.inc()
        stamp = _stamp(fields, now)
        if stamp != now:
            self.ami_lag.observe(max(0.0, now - stamp))
        name = fields.get("Event", "")
        if name not in TIMED_EVENTS:
            return
        if name == "Newchannel":
            uniqueid = fields.get("Uniqueid", "")
            # The first channel of a call coming in from a carrier (its endpoint's context); a
            # seat's own call would time the callee's ringing, Local channels are helpers.
            if uniqueid and fields.get("Context") == INBOUND_CONTEXT:
                self._setups.start(uniqueid, stamp)
        elif name == "Newstate" and fields.get("ChannelStateDesc") == "Up":
            began = self._setups.stop(fields.get("Uniqueid", ""))
            if began is not None:
                self.call_setup.observe(max(0.0, stamp - began))
        elif name == "Hangup":
            self._setups.stop(fields.get("Uniqueid", ""))
            self._queue_joins.stop(fields.get("Uniqueid", ""))
        elif name == "QueueCallerJoin":
            self._queue_joins.start(fields.get("Uniqueid", ""), stamp)
        elif name == "AgentConnect":
            began = self._queue_joins.stop(fields.get("Uniqueid", ""))
            if began is not None:
                self.queue_answer.observe(max(0.0, stamp - began))
        elif name == "QueueCallerAbandon":
            self._queue_joins.stop(fields.get("Uniqueid", ""))

    def pop_written(self, delay_s: float) -> None:
        """Hub hook: a pop reached an agent's socket ``delay_s`` after its AMI event."""
        self.pops.inc()
        self.pop_latency.observe(max(0.0, delay_s))

    def cdrs_written(self, ends: list[float], now: float) -> None:
        """CDR sink hook: legs that ended at ``ends`` (epoch s) are committed at ``now``."""
        for end in ends:
            self.cdr_lag.observe(max(0.0, now - end))

    # ------------------------------------------------------------------ read at scrape
    def attach(self, sources: Sources) -> None:
        """Name the objects whose state the scrape reads."""
        self._scraped.sources = sources

    def set_calls(self, per_tenant: Mapping[str, Mapping[str, int]] | None) -> None:
        """Calls and channels up now per tenant (``operations.service.calls_by_tenant``);
        None when Asterisk could not be asked (the series are then absent, not zero)."""
        self._scraped.calls = per_tenant


class _Scraped(Collector):
    """Gauges and counters that live in other objects, read when Prometheus scrapes."""

    def __init__(self, node: str) -> None:
        self.node = node
        self.sources = Sources()
        self.calls: Mapping[str, Mapping[str, int]] | None = None

    def describe(self) -> Iterator[Metric]:
        # Declared empty: the series depend on what is attached, read only at collect().
        return iter(())

    def collect(self) -> Iterator[Metric]:
        s = self.sources
        yield from self._calls()
        if s.ami is not None:
            up = GaugeMetricFamily(
                "callcenter_ami_connected", "Logged in to the node's AMI", labels=["node"]
            )
            backlog = GaugeMetricFamily(
                "callcenter_ami_dispatch_backlog",
                "AMI events read and not yet dispatched to the typed handlers",
                labels=["node"],
            )
            # One series per node of the cluster (the one of the settings when none is
            # registered, named like the other series).
            for name in s.ami.nodes or [self.node]:
                connected = s.ami.node_connected(name)
                up.add_metric([name], 1.0 if connected else 0.0)
                backlog.add_metric([name], float(s.ami.client(name).backlog) if connected else 0)
            yield up
            yield backlog
        if s.hub is not None:
            yield from _hub(s.hub)
        if s.cdr_sink is not None:
            yield from _sink(s.cdr_sink)
        if s.pool is not None:
            yield from _pool(s.pool)

    def _calls(self) -> Iterator[Metric]:
        if self.calls is None:
            return
        calls = GaugeMetricFamily(
            "callcenter_calls_up",
            "Calls up now (distinct linked ids) per tenant",
            labels=["tenant", "node"],
        )
        channels = GaugeMetricFamily(
            "callcenter_channels_up", "Channels up now per tenant", labels=["tenant", "node"]
        )
        for tenant, counts in self.calls.items():
            calls.add_metric([tenant or NO_TENANT, self.node], float(counts["calls"]))
            channels.add_metric([tenant or NO_TENANT, self.node], float(counts["channels"]))
        yield calls
        yield channels


def _hub(hub: Hub) -> Iterator[Metric]:
    clients = GaugeMetricFamily(
        "callcenter_websocket_clients",
        "Live websocket clients (agent consoles, wallboards) per tenant",
        labels=["tenant"],
    )
    for tenant, n in sorted(hub.counts().items()):
        clients.add_metric([tenant], float(n))
    yield clients
    yield CounterMetricFamily(
        "callcenter_websocket_cut",
        "Websocket clients cut off for falling behind (they reconnect and get a snapshot)",
        value=float(hub.dropped),
    )


def _sink(sink: CdrSink) -> Iterator[Metric]:
    yield GaugeMetricFamily(
        "callcenter_cdr_pending",
        "CDRs received over AMI and not yet committed",
        value=float(sink.pending),
    )
    for name, what, value in (
        ("received", "received over AMI", sink.received),
        ("written", "committed by the AMI path", sink.written),
        ("dropped", "dropped: the buffer was full", sink.dropped),
    ):
        yield CounterMetricFamily(f"callcenter_cdr_{name}", f"CDRs {what}", value=float(value))


def _pool(pool: Any) -> Iterator[Metric]:
    for name, what, value in (
        ("size", "connections open", pool.get_size()),
        ("idle", "connections open and idle", pool.get_idle_size()),
        ("max", "connections the pool may open", pool.get_max_size()),
    ):
        yield GaugeMetricFamily(
            f"callcenter_db_pool_{name}", f"Control plane database pool: {what}", value=value
        )


__all__ = ["NO_TENANT", "PlatformMetrics", "Sources"]
