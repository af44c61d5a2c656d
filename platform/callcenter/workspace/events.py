"""Queue and call events of the agent workspace, made from raw AMI messages. Pure.

Agents are identified by ``MemberName`` (the seat's endpoint id ``<tenant>-<ext>``), never by
``Interface``: a forward-to-mobile seat's interface is a Local channel. The tenant is the
prefix of the queue and endpoint names; callers check it against the agent directory (loaded
from PostgreSQL) before trusting it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from callcenter.ami.events import endpoint_of


def channel_vars(raw: str) -> dict[str, str]:
    """``ChanVariable`` lines (``NAME=value``, one per line) as a dict."""
    out: dict[str, str] = {}
    for line in raw.splitlines():
        name, sep, value = line.partition("=")
        if sep and name:
            out[name.strip()] = value.strip()
    return out


@dataclass(frozen=True, slots=True)
class CallContext:
    """What is known about the caller when a call rings an agent."""

    linkedid: str
    caller_uniqueid: str
    caller_number: str
    caller_name: str
    queue: str  # full app_queue name ``<tenant>-<queue>``, or "" for a direct call
    did: str = ""
    ivr_keys: str = ""
    entered_at: float | None = None  # epoch seconds the call entered the platform
    selfservice_digits: str = ""  # what the caller typed at an IVR digit node (CC_SS_DIGITS)
    selfservice_lookup: str = ""  # the lookup's outcome: found, not_found, error, timeout


@dataclass(frozen=True, slots=True)
class AgentCalled:
    """A queue call rings a member."""

    member: str  # endpoint id
    agent_channel: str
    context: CallContext
    stamp: float | None = None  # Asterisk's event time (manager.conf timestampevents)


@dataclass(frozen=True, slots=True)
class AgentConnected:
    """A member answered a queue call."""

    member: str
    agent_channel: str
    queue: str
    linkedid: str
    hold_time: int


@dataclass(frozen=True, slots=True)
class AgentCompleted:
    """A queue call a member answered ended."""

    member: str
    queue: str
    linkedid: str
    talk_time: int
    hold_time: int
    reason: str


@dataclass(frozen=True, slots=True)
class AgentRingStopped:
    """A member stopped being rung (no answer, or the caller left the queue)."""

    member: str
    queue: str
    linkedid: str


@dataclass(frozen=True, slots=True)
class CallerLeft:
    """The caller hung up or left the queue before an agent answered."""

    queue: str
    linkedid: str


@dataclass(frozen=True, slots=True)
class CallerJoined:
    """A caller joined a queue (the time it waited is counted from here when nothing better)."""

    queue: str
    linkedid: str
    uniqueid: str


@dataclass(frozen=True, slots=True)
class MemberPaused:
    """app_queue reports a member paused or unpaused."""

    member: str
    queue: str
    paused: bool
    reason: str


@dataclass(frozen=True, slots=True)
class SeatChannel:
    """A channel of a seat appeared (``up=True``) or hung up; direct and click-to-call calls."""

    member: str
    channel: str
    uniqueid: str
    linkedid: str
    up: bool
    context: CallContext | None = None


@dataclass(frozen=True, slots=True)
class SeatAnswered:
    """A seat's channel was answered (NewState Up)."""

    member: str
    channel: str
    linkedid: str


WorkspaceEvent = (
    AgentCalled
    | AgentConnected
    | AgentCompleted
    | AgentRingStopped
    | CallerLeft
    | CallerJoined
    | MemberPaused
    | SeatChannel
    | SeatAnswered
)


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0


def _float(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def _context(msg: Mapping[str, str], queue: str) -> CallContext:
    cv = channel_vars(msg.get("ChanVariable", ""))
    number = msg.get("CallerIDNum", "")
    return CallContext(
        linkedid=msg.get("Linkedid", ""),
        caller_uniqueid=msg.get("Uniqueid", ""),
        caller_number="" if number == "<unknown>" else number,
        caller_name=""
        if msg.get("CallerIDName", "") == "<unknown>"
        else msg.get("CallerIDName", ""),
        queue=queue,
        did=cv.get("CC_DID", ""),
        ivr_keys=cv.get("CC_IVR_KEYS", ""),
        entered_at=_float(cv.get("CC_ENTERED", "")),
        selfservice_digits="".join(c for c in cv.get("CC_SS_DIGITS", "") if c.isdigit())[:20],
        selfservice_lookup=_lookup_status(cv.get("CC_SS_LOOKUP", "")),
    )


def _lookup_status(value: str) -> str:
    return value if value in ("found", "not_found", "error", "timeout") else ""


def to_workspace_event(msg: Mapping[str, str]) -> WorkspaceEvent | None:
    """Translate one raw AMI event; None for events the workspace does not use."""
    name = msg.get("Event", "")
    member = msg.get("MemberName", "")
    queue = msg.get("Queue", "")
    linkedid = msg.get("Linkedid", "")
    if name == "AgentCalled" and member:
        return AgentCalled(
            member,
            msg.get("DestChannel", ""),
            _context(msg, queue),
            _float(msg.get("Timestamp", "")),
        )
    if name == "AgentConnect" and member:
        return AgentConnected(
            member, msg.get("DestChannel", ""), queue, linkedid, _int(msg.get("HoldTime", ""))
        )
    if name == "AgentComplete" and member:
        return AgentCompleted(
            member,
            queue,
            linkedid,
            _int(msg.get("TalkTime", "")),
            _int(msg.get("HoldTime", "")),
            msg.get("Reason", ""),
        )
    if name in ("AgentRingNoAnswer", "AgentDump") and member:
        return AgentRingStopped(member, queue, linkedid)
    if name == "QueueCallerAbandon":
        return CallerLeft(queue, linkedid)
    if name == "QueueCallerJoin":
        return CallerJoined(queue, linkedid, msg.get("Uniqueid", ""))
    if name == "QueueMemberPause" and member:
        return MemberPaused(member, queue, msg.get("Paused", "0") == "1", msg.get("Reason", ""))
    if name in ("Newchannel", "Hangup"):
        channel = msg.get("Channel", "")
        ep = endpoint_of(channel)
        if ep is None:
            return None
        ctx = None
        if name == "Newchannel":
            ctx = _direct_context(msg)
        return SeatChannel(
            ep, channel, msg.get("Uniqueid", ""), linkedid, up=name == "Newchannel", context=ctx
        )
    if name == "Newstate" and msg.get("ChannelStateDesc") == "Up":
        channel = msg.get("Channel", "")
        ep = endpoint_of(channel)
        if ep is not None:
            return SeatAnswered(ep, channel, linkedid)
    return None


def _direct_context(msg: Mapping[str, str]) -> CallContext:
    # On a seat's own channel the "connected line" is the other party (the caller for a call
    # that rings the seat; for click-to-call the platform itself until the customer answers).
    cv = channel_vars(msg.get("ChanVariable", ""))
    number = msg.get("ConnectedLineNum", "")
    name = msg.get("ConnectedLineName", "")
    return CallContext(
        linkedid=msg.get("Linkedid", ""),
        caller_uniqueid=msg.get("Linkedid", ""),
        caller_number="" if number == "<unknown>" else number,
        caller_name="" if name == "<unknown>" else name,
        queue="",
        did=cv.get("CC_DID", ""),
        ivr_keys=cv.get("CC_IVR_KEYS", ""),
        entered_at=_float(cv.get("CC_ENTERED", "")),
        selfservice_digits="".join(c for c in cv.get("CC_SS_DIGITS", "") if c.isdigit())[:20],
        selfservice_lookup=_lookup_status(cv.get("CC_SS_LOOKUP", "")),
    )


@dataclass
class Waits:
    """When each caller joined a queue, by linkedid (bounded: oldest forgotten first)."""

    limit: int = 10_000
    joined: dict[str, float] = field(default_factory=dict)

    def join(self, linkedid: str, now: float) -> None:
        """Remember the first time ``linkedid`` joined a queue."""
        self.joined.setdefault(linkedid, now)
        while len(self.joined) > self.limit:
            self.joined.pop(next(iter(self.joined)))

    def forget(self, linkedid: str) -> None:
        """The call is over."""
        self.joined.pop(linkedid, None)
