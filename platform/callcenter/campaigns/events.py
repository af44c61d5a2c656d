"""The campaign call's AMI events, typed. Pure.

``UserEvent: CcCampaign`` comes from the hangup handlers of the two halves (cc-campaign-end);
``AgentConnect`` with the answered half as its caller channel says which agent took it;
``UserEvent: CcDnc`` from an IVR's "do not call me again" (cc-dest) names the tenant and the
caller's number.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from callcenter.ami.events import endpoint_of


@dataclass(frozen=True, slots=True)
class LegEnded:
    """One half of a campaign call hung up: ``dial`` (the customer leg, Asterisk's
    DIALSTATUS) or ``answered`` (what the answered half did: '', abandoned, machine...)."""

    attempt_id: int
    leg: str
    status: str
    linkedid: str
    keys: str = ""  # an agentless survey: the key the customer pressed


@dataclass(frozen=True, slots=True)
class AgentTook:
    """An agent of the queue answered a campaign call."""

    attempt_id: int
    agent: str
    linkedid: str


@dataclass(frozen=True, slots=True)
class DncRequest:
    """A caller asked in one of the tenant's IVRs not to be called again."""

    tenant_id: str
    number: str


TENANT_RE = re.compile(r"^[a-z][a-z0-9]{1,15}$")
NUMBER_RE = re.compile(r"^[0-9]{3,20}$")


def _attempt(raw: str) -> int | None:
    raw = raw.strip()
    return int(raw) if raw.isdigit() and len(raw) <= 18 else None


def attempt_of_channel(channel: str) -> int | None:
    """``Local/ca12@cc-campaign-dial-0000001f;1`` (either half) -> 12."""
    if not channel.startswith("Local/ca") or "@cc-campaign-dial-" not in channel:
        return None
    return _attempt(channel[len("Local/ca") :].split("@", 1)[0])


def campaign_event(msg: Mapping[str, str]) -> LegEnded | AgentTook | DncRequest | None:
    """The campaign meaning of one raw AMI event, if it has one."""
    name = msg.get("Event", "")
    if name == "UserEvent" and msg.get("UserEvent") == "CcDnc":
        tenant, number = msg.get("Tenant", "").strip(), msg.get("Number", "").strip()
        if not TENANT_RE.match(tenant) or not NUMBER_RE.match(number):
            return None
        return DncRequest(tenant, number)
    if name == "UserEvent" and msg.get("UserEvent") == "CcCampaign":
        attempt = _attempt(msg.get("Attempt", ""))
        leg = msg.get("Leg", "").strip()
        if attempt is None or leg not in ("dial", "answered"):
            return None
        keys = "".join(c for c in msg.get("Keys", "") if c.isdigit())[:8]
        return LegEnded(attempt, leg, msg.get("Status", "").strip(), msg.get("Linkedid", ""), keys)
    if name == "AgentConnect":
        attempt = attempt_of_channel(msg.get("Channel", ""))
        if attempt is None:
            return None
        agent = endpoint_of(msg.get("DestChannel", "")) or msg.get("MemberName", "")
        return AgentTook(attempt, agent, msg.get("Linkedid", ""))
    return None
