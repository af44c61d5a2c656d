"""Talk detection without speech recognition: who spoke when, from Asterisk's TALK_DETECT.

The dialplan sets ``TALK_DETECT`` on both legs of a recorded queue call (the customer's at
``cc-record``, the agent's by the Queue's connect gosub), marking the call ``CC_TALK=1``.
Asterisk then raises ``ChannelTalkingStart`` and ``ChannelTalkingStop`` (whose ``Duration``
is the talking time in ms, sent one silence threshold after talking ends). Two traps
(``ASTERISK_NOTES.md``): no Stop comes when the far end stops sending RTP, and none at
hangup, so talk still open at the end of the call is closed there.

``TalkTracker.step`` is a pure state machine over raw AMI fields: it returns the figures of
each call that ended (agent and customer talk share, longest silence, over-talk, hold time,
flags), for the runtime to store. No I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from callcenter.asterisk.naming import tenant_of_queue

Span = tuple[float, float]


@dataclass(frozen=True, slots=True)
class TalkRules:
    """When a call is flagged for review."""

    silence_s: float = 10.0  # a silence longer than this
    agent_share: float = 0.8  # the agent speaking more than this share of the call
    overtalk_s: float = 3.0  # both speaking at once longer than this, in total


def merge(spans: Iterable[Span]) -> list[Span]:
    """Sorted, non-overlapping spans covering the same time."""
    out: list[Span] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def clip(spans: Iterable[Span], start: float, end: float) -> list[Span]:
    """The spans cut to ``[start, end]``, merged."""
    return merge((max(a, start), min(b, end)) for a, b in spans)


def total(spans: Iterable[Span]) -> float:
    """Time covered (spans must not overlap: merge first)."""
    return sum(b - a for a, b in spans)


def overlap(a: list[Span], b: list[Span]) -> float:
    """Time covered by both (each list merged)."""
    out, i, j = 0.0, 0, 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if hi > lo:
            out += hi - lo
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def longest_gap(spans: list[Span], start: float, end: float) -> float:
    """The longest time in ``[start, end]`` no span covers (spans merged and clipped)."""
    longest, at = 0.0, start
    for a, b in spans:
        longest = max(longest, a - at)
        at = max(at, b)
    return max(longest, end - at)


def flags_for(
    silence_s: float, agent_share: float | None, overtalk_s: float, rules: TalkRules
) -> tuple[str, ...]:
    """The flags a call's figures raise under ``rules``."""
    flags = []
    if silence_s > rules.silence_s:
        flags.append("long_silence")
    if agent_share is not None and agent_share > rules.agent_share:
        flags.append("agent_dominates")
    if overtalk_s > rules.overtalk_s:
        flags.append("overtalk")
    return tuple(flags)


def with_rules(f: TalkFigures, rules: TalkRules) -> TalkFigures:
    """The same figures, flagged by a tenant's own rules."""
    return replace(f, flags=flags_for(f.longest_silence_s, f.agent_share, f.overtalk_s, rules))


@dataclass(frozen=True, slots=True)
class TalkFigures:
    """One call's talk figures, seconds from the agent's answer to the hangup."""

    seconds: float
    agent_talk_s: float
    customer_talk_s: float
    agent_share: float | None
    customer_share: float | None
    longest_silence_s: float
    overtalk_s: float
    hold_s: float
    flags: tuple[str, ...]
    segments: tuple[dict[str, Any], ...]  # {"side", "start", "end"}, from the answer


def figures(
    customer: Iterable[Span],
    agent: Iterable[Span],
    hold: Iterable[Span],
    start: float,
    end: float,
    rules: TalkRules = TalkRules(),
) -> TalkFigures:
    """Talk figures of a call answered at ``start`` and ended at ``end``.

    Silence is when neither side speaks and the call is not on hold (music plays then)."""
    end = max(start, end)
    seconds = end - start
    c, a, h = clip(customer, start, end), clip(agent, start, end), clip(hold, start, end)
    agent_s, customer_s = total(a), total(c)
    silence = longest_gap(merge([*c, *a, *h]), start, end)
    over = overlap(a, c)
    agent_share = agent_s / seconds if seconds > 0 else None
    customer_share = customer_s / seconds if seconds > 0 else None
    flags = flags_for(silence, agent_share, over, rules)
    segments = [
        {"side": side, "start": round(s - start, 2), "end": round(e - start, 2)}
        for side, spans in (("agent", a), ("customer", c), ("hold", h))
        for s, e in spans
    ]
    segments.sort(key=lambda x: (x["start"], x["side"]))
    return TalkFigures(
        seconds=round(seconds, 2),
        agent_talk_s=round(agent_s, 2),
        customer_talk_s=round(customer_s, 2),
        agent_share=None if agent_share is None else round(agent_share, 3),
        customer_share=None if customer_share is None else round(customer_share, 3),
        longest_silence_s=round(silence, 2),
        overtalk_s=round(over, 2),
        hold_s=round(total(h), 2),
        flags=flags,
        segments=tuple(segments),
    )


# ------------------------------------------------------------------ the tracker
@dataclass
class _Channel:
    seen: float = 0.0  # the last event's time (pruning)
    talking_since: float | None = None
    spans: list[Span] = field(default_factory=list)
    held_since: float | None = None
    holds: list[Span] = field(default_factory=list)


@dataclass
class _Call:
    tenant_id: str
    extension: str
    customer: str  # channel names
    agent: str
    answered_at: float


@dataclass(frozen=True, slots=True)
class TalkDone:
    """A tracked call ended: store its figures."""

    tenant_id: str
    linkedid: str
    extension: str
    figures: TalkFigures


def _stamp(fields: Mapping[str, str], now: float) -> float:
    try:
        return float(fields.get("Timestamp", ""))
    except ValueError:
        return now


def _flag_set(raw: str, name: str) -> bool:
    return any(line.strip() == f"{name}=1" for line in raw.splitlines())


# A channel or call not heard of for this long lost its Hangup (an AMI reconnect, a node
# restart): forget it rather than keep it for ever.
STALE_S = 6 * 3600.0
PRUNE_EVERY = 5000  # events


class TalkTracker:
    """Talk spans per channel, and the recorded queue calls they belong to."""

    def __init__(self, rules: TalkRules = TalkRules()) -> None:
        self.rules = rules
        self.channels: dict[str, _Channel] = {}
        self.calls: dict[str, _Call] = {}  # linkedid -> call
        self._by_channel: dict[str, str] = {}  # channel -> linkedid of a tracked call
        self._events = 0

    def prune(self, now: float) -> int:
        """Forget channels and calls idle for ``STALE_S``; how many went."""
        gone = [c for c, ch in self.channels.items() if now - ch.seen > STALE_S]
        for c in gone:
            del self.channels[c]
        old = [k for k, call in self.calls.items() if now - call.answered_at > STALE_S]
        for k in old:
            call = self.calls.pop(k)
            self._by_channel.pop(call.customer, None)
            self._by_channel.pop(call.agent, None)
        return len(gone) + len(old)

    def _channel(self, name: str, at: float) -> _Channel:
        ch = self.channels.setdefault(name, _Channel())
        ch.seen = at
        return ch

    def step(self, fields: Mapping[str, str], now: float) -> TalkDone | None:
        """Feed one raw AMI event; the figures of a call that just ended, if any."""
        self._events += 1
        if self._events % PRUNE_EVERY == 0:
            self.prune(_stamp(fields, now))
        name = fields.get("Event")
        channel = fields.get("Channel", "")
        if name == "ChannelTalkingStart":
            at = _stamp(fields, now)
            self._channel(channel, at).talking_since = at
        elif name == "ChannelTalkingStop":
            ch = self.channels.get(channel)
            if ch is not None and ch.talking_since is not None:
                ch.seen = _stamp(fields, now)
                try:
                    duration = int(fields.get("Duration", "0")) / 1000
                except ValueError:
                    duration = 0.0
                ch.spans.append((ch.talking_since, ch.talking_since + duration))
                ch.talking_since = None
        elif name in ("Hold", "Unhold"):
            at = _stamp(fields, now)
            ch = self._channel(channel, at)
            if name == "Hold" and ch.held_since is None:
                ch.held_since = at
            elif name == "Unhold" and ch.held_since is not None:
                ch.holds.append((ch.held_since, at))
                ch.held_since = None
        elif name == "AgentConnect":
            if _flag_set(fields.get("ChanVariable", ""), "CC_TALK"):
                self._connect(fields, now)
        elif name == "Hangup":
            return self._hangup(channel, _stamp(fields, now))
        return None

    def _connect(self, fields: Mapping[str, str], now: float) -> None:
        queue = fields.get("Queue", "")
        tenant = tenant_of_queue(queue)
        member = fields.get("MemberName", "")
        linkedid = fields.get("Linkedid", "")
        customer, agent = fields.get("Channel", ""), fields.get("DestChannel", "")
        if not (tenant and linkedid and customer and agent and member.startswith(tenant + "-")):
            return
        self.calls[linkedid] = _Call(
            tenant, member.removeprefix(tenant + "-"), customer, agent, _stamp(fields, now)
        )
        self._by_channel[customer] = linkedid
        self._by_channel[agent] = linkedid

    def _hangup(self, channel: str, at: float) -> TalkDone | None:
        linkedid = self._by_channel.get(channel)
        if linkedid is None:
            self.channels.pop(channel, None)  # not (or no longer) part of a tracked call
            return None
        call = self.calls.pop(linkedid)
        self._by_channel.pop(call.customer, None)
        self._by_channel.pop(call.agent, None)
        spans: dict[str, list[Span]] = {}
        holds: list[Span] = []
        for side, name in (("customer", call.customer), ("agent", call.agent)):
            ch = self.channels.pop(name, None) or _Channel()
            # No Stop at hangup (nor when RTP stops): talk still open ends with the call.
            closed = [(ch.talking_since, at)] if ch.talking_since is not None else []
            spans[side] = [*ch.spans, *closed]
            holds += ch.holds + ([(ch.held_since, at)] if ch.held_since is not None else [])
        result = figures(spans["customer"], spans["agent"], holds, call.answered_at, at, self.rules)
        return TalkDone(call.tenant_id, linkedid, call.extension, result)
