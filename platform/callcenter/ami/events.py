"""Typed domain events made from raw AMI messages. Pure: no I/O, no panoramisk."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

_PJSIP_CHANNEL_PREFIX = "PJSIP/"


@dataclass(frozen=True, slots=True)
class AsteriskBooted:
    """Asterisk finished starting (or we just logged in): state must be re-synced."""


@dataclass(frozen=True, slots=True)
class ContactChanged:
    """A SIP contact of an endpoint registered, refreshed, or went away."""

    endpoint: str
    aor: str
    status: str  # Created, Removed, Reachable, Unreachable, NonQualified, Updated, Unknown

    @property
    def present(self) -> bool:
        """Whether this change leaves the contact usable for calls."""
        return self.status not in ("Removed", "Unreachable")


@dataclass(frozen=True, slots=True)
class ChannelCreated:
    """A channel appeared; ``endpoint`` is set for PJSIP channels."""

    channel: str
    uniqueid: str
    linkedid: str
    endpoint: str | None


@dataclass(frozen=True, slots=True)
class ChannelHungUp:
    """A channel is gone."""

    channel: str
    uniqueid: str
    linkedid: str
    endpoint: str | None
    cause: str


@dataclass(frozen=True, slots=True)
class DialplanReloaded:
    """The dialplan was reloaded: extensions added over AMI are gone and must be re-added."""


@dataclass(frozen=True, slots=True)
class CallbackRequested:
    """A caller in a queue pressed the callback key; the request row is in ``callbacks``."""

    tenant_id: str
    queue: str


@dataclass(frozen=True, slots=True)
class SipAuthFailed:
    """A SIP request from ``address`` carried credentials that failed (AMI security event).

    Only failed digest responses: answering a challenge needs its nonce, which a spoofed
    single packet never sees. ``InvalidAccountID`` (a user that does not exist) and requests
    without credentials are not failures here: anyone can send them from any address.
    """

    address: str
    account: str
    kind: str  # ChallengeResponseFailed, InvalidPassword


@dataclass(frozen=True, slots=True)
class SipAuthSucceeded:
    """A SIP request from ``address`` authenticated as ``account`` (AMI ``SuccessfulAuth``)."""

    address: str
    account: str


SECURITY_FAILURES = frozenset({"ChallengeResponseFailed", "InvalidPassword"})

# Every event the control plane acts on. manager.conf lets only these through (an include
# filter per name), so Asterisk never formats or sends the other ~60 events of a queued call.
WANTED_EVENTS = frozenset(
    {
        # connection and configuration
        "FullyBooted",
        "Shutdown",
        "Reload",
        "OriginateResponse",  # panoramisk resolves an async Originate on it
        # channels and phones (device state, seat calls, live calls per tenant)
        "ContactStatus",
        "Newchannel",
        "Newstate",
        "Hangup",
        "UserEvent",
        "ChanSpyStart",
        # talk detection of recorded calls (quality/talk.py)
        "ChannelTalkingStart",
        "ChannelTalkingStop",
        "Hold",
        "Unhold",
        # queues: screen pop, agent states, wallboard
        "QueueCallerJoin",
        "QueueCallerLeave",
        "QueueCallerAbandon",
        "QueueMemberPause",
        "AgentCalled",
        "AgentConnect",
        "AgentComplete",
        "AgentRingNoAnswer",
        "AgentDump",
        # metering
        "Cdr",
    }
    | SECURITY_FAILURES
    | {"SuccessfulAuth"}
)


def remote_ip(remote_address: str) -> str | None:
    """``IPV4/UDP/127.0.0.5/5060`` -> ``127.0.0.5``; ``IPV6/UDP/::1/5060`` -> ``::1``."""
    parts = remote_address.split("/")
    if len(parts) < 4 or parts[0] not in ("IPV4", "IPV6"):
        return None
    return "/".join(parts[2:-1]) or None


DomainEvent = (
    AsteriskBooted
    | ContactChanged
    | ChannelCreated
    | ChannelHungUp
    | DialplanReloaded
    | CallbackRequested
    | SipAuthFailed
    | SipAuthSucceeded
)


def endpoint_of(channel: str) -> str | None:
    """The seat a channel belongs to, or None.

    ``PJSIP/acme-1001-0000002a`` -> ``acme-1001``; the first half of a forwarded seat's
    Local channel, ``Local/acme-1001@cc-forward-0000001b;1``, -> ``acme-1001``.
    """
    if channel.startswith("Local/") and channel.endswith(";1"):
        exten, at, rest = channel[len("Local/") :].partition("@")
        return exten if at and rest.startswith("cc-forward-") else None
    if not channel.startswith(_PJSIP_CHANNEL_PREFIX):
        return None
    rest = channel[len(_PJSIP_CHANNEL_PREFIX) :]
    name, sep, _ = rest.rpartition("-")
    return name if sep and name else None


def to_domain_event(msg: Mapping[str, str]) -> DomainEvent | None:
    """Translate one AMI event (case-sensitive field names as Asterisk sends them)."""
    name = msg.get("Event", "")
    if name == "FullyBooted":
        return AsteriskBooted()
    if name == "ContactStatus":
        endpoint = msg.get("EndpointName", "")
        if not endpoint:
            return None
        return ContactChanged(
            endpoint=endpoint, aor=msg.get("AOR", ""), status=msg.get("ContactStatus", "Unknown")
        )
    if name == "Newchannel":
        channel = msg.get("Channel", "")
        return ChannelCreated(
            channel=channel,
            uniqueid=msg.get("Uniqueid", ""),
            linkedid=msg.get("Linkedid", ""),
            endpoint=endpoint_of(channel),
        )
    if name == "Hangup":
        channel = msg.get("Channel", "")
        return ChannelHungUp(
            channel=channel,
            uniqueid=msg.get("Uniqueid", ""),
            linkedid=msg.get("Linkedid", ""),
            endpoint=endpoint_of(channel),
            cause=msg.get("Cause", ""),
        )
    if name == "UserEvent" and msg.get("UserEvent") == "CcCallbackRequested":
        return CallbackRequested(tenant_id=msg.get("Tenant", ""), queue=msg.get("Queue", ""))
    if name in SECURITY_FAILURES:
        address = remote_ip(msg.get("RemoteAddress", ""))
        if address is None:
            return None
        return SipAuthFailed(address=address, account=msg.get("AccountID", ""), kind=name)
    if name == "SuccessfulAuth" and msg.get("Service") == "PJSIP":
        address = remote_ip(msg.get("RemoteAddress", ""))
        if address is None:
            return None
        return SipAuthSucceeded(address=address, account=msg.get("AccountID", ""))
    if name == "Reload" and msg.get("Module", "").lower() in ("pbx_config", "pbx_config.so"):
        return DialplanReloaded()
    return None
