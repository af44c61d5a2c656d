"""AMI ``Cdr`` events (cdr_manager) to ``cdr`` rows, the same row cdr_pgsql writes. Pure.

cdr_manager sends times in Asterisk's local time without a zone; the platform Asterisk runs
in UTC (docs/architecture.md), so they are read as UTC. The key (uniqueid, sequence) comes
from the [mappings] in cdr_manager.conf; an event without it is refused, never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from callcenter.ami.channels import LostCall

# AMA flags as cdr_pgsql stores them (ast_channel_string2amaflag).
_AMA = {"OMIT": 1, "BILLING": 2, "DOCUMENTATION": 3}

# cdr column -> Cdr event header, for the text columns.
_TEXT = {
    "clid": "CallerID",
    "src": "Source",
    "dst": "Destination",
    "dcontext": "DestinationContext",
    "channel": "Channel",
    "dstchannel": "DestinationChannel",
    "lastapp": "LastApplication",
    "lastdata": "LastData",
    "disposition": "Disposition",
    "accountcode": "AccountCode",
    "peeraccount": "PeerAccount",
    "uniqueid": "UniqueID",
    "linkedid": "LinkedID",
    "userfield": "UserField",
}
_OPTIONAL = {
    "tenantid": "TenantID",
    "did": "DID",
    "direction": "Direction",
    "queue": "Queue",
}

_CAMPAIGN = {"campaign": "Campaign", "campaign_contact": "CampaignContact", "survey": "Survey"}

COLUMNS: tuple[str, ...] = (
    "calldate",
    "start",
    "answer",
    "end",
    "duration",
    "billsec",
    "amaflags",
    "sequence",
    *_TEXT,
    *_OPTIONAL,
    "written_by",
    # Added last (migration 0021): a row spooled before it is one shorter (sink pads it).
    "ivr_keys",
    # Added last (migration 0024): a record spooled before it existed is one value short and
    # is padded with None when replayed (cdr/sink.py).
    "selfservice",
    # Added last (migration 0022, merged after 0024): campaign calls' tags and the inbound
    # survey score; records spooled before them are padded the same way.
    *_CAMPAIGN,
)


class NotACdr(ValueError):
    """The event lacks what a billable CDR row needs."""


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        raise NotACdr(f"bad time {value!r}") from None


def _int(value: str | None, name: str) -> int:
    text = (value or "0").strip()
    if not text.lstrip("-").isdigit():
        raise NotACdr(f"bad {name} {value!r}")
    return int(text)


def cdr_row(event: Mapping[str, str]) -> tuple[Any, ...]:
    """The ``cdr`` row of one ``Cdr`` event, values in ``COLUMNS`` order."""
    if event.get("Event") != "Cdr":
        raise NotACdr("not a Cdr event")
    uniqueid = event.get("UniqueID", "").strip()
    sequence = event.get("Sequence", "").strip()
    if not uniqueid or not sequence.isdigit():
        raise NotACdr("Cdr event without UniqueID/Sequence: check cdr_manager.conf [mappings]")
    start = _time(event.get("StartTime"))
    values: dict[str, Any] = {
        "calldate": start or datetime.now(UTC),
        "start": start,
        "answer": _time(event.get("AnswerTime")),
        "end": _time(event.get("EndTime")),
        "duration": _int(event.get("Duration"), "Duration"),
        "billsec": _int(event.get("BillableSeconds"), "BillableSeconds"),
        "amaflags": _AMA.get(event.get("AMAFlags", "").strip().upper(), 3),
        "sequence": int(sequence),
    }
    for column, header in _TEXT.items():
        values[column] = event.get(header, "")
    for column, header in _OPTIONAL.items():
        values[column] = event.get(header) or None  # cdr_pgsql leaves unset variables NULL
    values["written_by"] = "ami"
    # The IVR keys pressed ("1-2"): only digits, * and # and the separator are kept.
    keys = "".join(c for c in event.get("IvrKeys", "") if c in "0123456789*#-")[:64]
    values["ivr_keys"] = keys or None
    values["selfservice"] = event.get("Selfservice") or None  # the IVR lookup's outcome
    for column, header in _CAMPAIGN.items():
        values[column] = event.get(header) or None
    return tuple(values[c] for c in COLUMNS)


NODE_LOST = "node-lost"  # ``written_by`` of the legs the control plane writes for a lost node
NODE_LOST_SEQUENCE = -1  # Asterisk's own sequences start at 0: never the key of a real leg


def lost_call_row(call: LostCall) -> tuple[Any, ...]:
    """The ``cdr`` row of a call that was up on a node lost for good, ended at the loss.

    Keyed (linkedid, -1): one per call, whoever writes it and however often.
    """
    values: dict[str, Any] = {
        "calldate": call.start,
        "start": call.start,
        "answer": call.answer,
        "end": call.end,
        "duration": call.duration,
        "billsec": call.billsec,
        "amaflags": 3,
        "sequence": NODE_LOST_SEQUENCE,
        "clid": call.src,
        "src": call.src,
        "dst": call.did,
        "dcontext": "",
        "channel": call.channel,
        "dstchannel": call.dstchannel,
        "lastapp": "",
        "lastdata": "",
        "disposition": "ANSWERED" if call.answer is not None else "NO ANSWER",
        "accountcode": call.tenant,
        "peeraccount": "",
        "uniqueid": call.linkedid,
        "linkedid": call.linkedid,
        "userfield": "",
        "tenantid": call.tenant or None,
        "did": call.did or None,
        "direction": call.direction,
        "queue": None,
        "selfservice": None,
        "campaign": None,
        "campaign_contact": None,
        "survey": None,
        "written_by": NODE_LOST,
        "ivr_keys": None,
    }
    return tuple(values[c] for c in COLUMNS)
