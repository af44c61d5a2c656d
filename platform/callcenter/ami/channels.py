"""The channels up on one Asterisk node, as its AMI events show them. Pure: no I/O.

The cluster (``ami/cluster.py``) keeps one ``ChannelTable`` per node, for routing channel
actions to the node holding the channel and, when a node is lost for good, for metering the
calls that were up there (``lost_calls``): the node itself will never write their CDRs.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from callcenter.ami.callvars import USER_EVENT

_UP = "6"  # AST_STATE_UP
_INBOUND = frozenset({"from-carrier", "from-tenant-pbx"})


def _vars(raw: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in raw.splitlines():
        name, sep, value = line.partition("=")
        if sep and name:
            out[name.strip()] = value.strip()
    return out


def _stamp(fields: Mapping[str, str]) -> float:
    try:
        return float(fields.get("Timestamp", ""))
    except ValueError:
        return time.time()


@dataclass(frozen=True, slots=True)
class Channel:
    """One channel as last seen: where it came from and when it was created and answered."""

    name: str
    uniqueid: str
    linkedid: str
    created: float
    answered: float | None = None
    tenant: str = ""
    did: str = ""
    caller: str = ""  # CallerIDNum, what the CDR's src would be
    contexts: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class LostCall:
    """A call that was up on a lost node, as the control plane saw it, ended at the loss."""

    linkedid: str
    channel: str
    dstchannel: str
    tenant: str
    did: str
    direction: str
    start: datetime
    answer: datetime | None
    end: datetime
    src: str = ""  # the caller's number, as the node's own CDR would have it

    @property
    def duration(self) -> int:
        """Whole seconds from start to the loss."""
        return max(0, int((self.end - self.start).total_seconds()))

    @property
    def billsec(self) -> int:
        """Whole seconds from answer to the loss (0 if never answered)."""
        if self.answer is None:
            return 0
        return max(0, int((self.end - self.answer).total_seconds()))


class ChannelTable:
    """Channels of one node by uniqueid, with a name index; fed every raw event."""

    def __init__(self) -> None:
        self.by_uniqueid: dict[str, Channel] = {}
        self.by_name: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self.by_uniqueid)

    def feed(self, fields: Mapping[str, str]) -> None:
        """Track ``Newchannel``/``Newstate``/``Hangup`` (anything else is ignored)."""
        kind = fields.get("Event")
        if kind == "UserEvent" and fields.get("UserEvent") == USER_EVENT:
            kind = "Newstate"  # the call's context announced (ami.callvars), nothing more
        if kind not in ("Newchannel", "Newstate", "Hangup"):
            return
        uniqueid = fields.get("Uniqueid", "")
        if not uniqueid:
            return
        if kind == "Hangup":
            gone = self.by_uniqueid.pop(uniqueid, None)
            if gone is not None and self.by_name.get(gone.name) == uniqueid:
                del self.by_name[gone.name]
            return
        self._seen(fields, uniqueid, _stamp(fields))

    def _seen(self, fields: Mapping[str, str], uniqueid: str, stamp: float) -> None:
        name = fields.get("Channel", "")
        cv = _vars(fields.get("ChanVariable", ""))
        old = self.by_uniqueid.get(uniqueid)
        if old is None:
            old = Channel(name, uniqueid, fields.get("Linkedid", "") or uniqueid, stamp)
        context = fields.get("Context", "")
        up = fields.get("ChannelState") == _UP
        new = replace(
            old,
            name=name or old.name,
            linkedid=fields.get("Linkedid", "") or old.linkedid,
            answered=old.answered if old.answered is not None or not up else stamp,
            tenant=cv.get("TENANT") or fields.get("AccountCode", "") or old.tenant,
            did=cv.get("CC_DID") or old.did or _dialled(fields),
            caller=old.caller or _number(fields.get("CallerIDNum", "")),
            contexts=old.contexts | {context} if context else old.contexts,
        )
        self.by_uniqueid[uniqueid] = new
        self.by_name[new.name] = uniqueid

    def reload(self, items: Iterable[Mapping[str, str]], now: float) -> None:
        """Replace the table with a ``CoreShowChannels`` listing (after a (re)connect)."""
        known = self.by_uniqueid
        self.by_uniqueid, self.by_name = {}, {}
        for item in items:
            uniqueid = item.get("Uniqueid", "")
            if not uniqueid:
                continue
            if uniqueid in known:  # keep what the events told us (creation, answer times)
                self.by_uniqueid[uniqueid] = known[uniqueid]
                self.by_name[known[uniqueid].name] = uniqueid
            created = now - _seconds(item.get("Duration", ""))
            self._seen(item, uniqueid, created)

    def holds(self, channel: str) -> bool:
        """Whether ``channel`` (a name or a uniqueid) is up here."""
        return channel in self.by_uniqueid or channel in self.by_name

    def calls(self) -> int:
        """Calls (distinct linked ids) up now."""
        return len({c.linkedid for c in self.by_uniqueid.values()})

    def clear(self) -> None:
        """Forget every channel (the node is gone, or its calls were metered)."""
        self.by_uniqueid.clear()
        self.by_name.clear()


def _dialled(fields: Mapping[str, str]) -> str:
    """The number a call from outside dialled: its first extension, which from-carrier and
    from-tenant-pbx take as the DID (digits only, else they refuse the call)."""
    exten = fields.get("Exten", "")
    if fields.get("Context") in _INBOUND and exten.isdigit() and exten.isascii():
        return exten
    return ""


def _number(value: str) -> str:
    return "" if value in ("", "<unknown>") else value


def _seconds(hms: str) -> float:
    try:
        h, m, s = (int(p) for p in hms.split(":"))
    except ValueError:
        return 0.0
    return float(h * 3600 + m * 60 + s)


def _direction(channels: list[Channel]) -> str:
    """The CDR direction the dialplan would have set, guessed from what the events show."""
    contexts = frozenset().union(*(c.contexts for c in channels))
    if any(c.did for c in channels) or "from-carrier" in contexts:
        return "inbound"
    if "cc-callback" in contexts or "cc-callback-wait" in contexts:
        return "callback"
    if "cc-outbound" in contexts:
        return "outbound"
    return "internal"


def lost_calls(channels: Iterable[Channel], lost_at: float) -> list[LostCall]:
    """One record per call (linked id) of ``channels``, ending at ``lost_at``.

    The leg is the call's first channel (the one whose uniqueid is the linked id when it was
    seen), its peer the first other channel; answered at the first answer of any of them.
    """
    calls: dict[str, list[Channel]] = {}
    for ch in channels:
        calls.setdefault(ch.linkedid, []).append(ch)
    end = datetime.fromtimestamp(lost_at, UTC)
    out = []
    for linkedid, legs in sorted(calls.items()):
        legs.sort(key=lambda c: (c.uniqueid != linkedid, c.created, c.uniqueid))
        answers = [c.answered for c in legs if c.answered is not None]
        start = min(c.created for c in legs)
        out.append(
            LostCall(
                linkedid=linkedid,
                channel=legs[0].name,
                dstchannel=legs[1].name if len(legs) > 1 else "",
                tenant=next((c.tenant for c in legs if c.tenant), ""),
                did=next((c.did for c in legs if c.did), ""),
                direction=_direction(legs),
                start=datetime.fromtimestamp(min(start, lost_at), UTC),
                answer=datetime.fromtimestamp(min(min(answers), lost_at), UTC) if answers else None,
                end=end,
                src=legs[0].caller,
            )
        )
    return out
