"""The call's context, announced once by the dialplan, on the later events of its channels.

Consumers read a call's context (tenant, number dialled, IVR keys, when it entered, self-service
digits and lookup, whether talk is detected) from ``ChanVariable`` lines. Asterisk can add those
to every AMI event itself (manager.conf ``channelvars``), but it then reads the variables for
every channel snapshot - every dialplan priority of every call - and formats them into every
event, including the ones each session's filter drops: about a third of a priority's CPU on a
node (issue 16, docs/resilience.md). Instead the dialplan sends ``UserEvent(CcCall, ...)`` with
the values just before a call rings anyone (Queue, Dial), and :class:`CallVars` attaches them to
the later events of the announcing channel (by ``Uniqueid``) and of every other channel of the
same call (by ``Linkedid``: the agent's leg). The headers it reads are set by our dialplan from
filtered values; an event that already has ``ChanVariable`` lines keeps its own.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import MutableMapping

# UserEvent header -> the channel variable consumers know it by.
HEADERS = {
    "Tenant": "TENANT",
    "Did": "CC_DID",
    "IvrKeys": "CC_IVR_KEYS",
    "Entered": "CC_ENTERED",
    "SsDigits": "CC_SS_DIGITS",
    "SsLookup": "CC_SS_LOOKUP",
    "Talk": "CC_TALK",
}
USER_EVENT = "CcCall"


class CallVars:
    """Announced call contexts by channel and by call, the oldest forgotten past ``limit``."""

    def __init__(self, limit: int = 20_000) -> None:
        self._limit = limit
        self._by_channel: OrderedDict[str, str] = OrderedDict()
        self._by_call: OrderedDict[str, str] = OrderedDict()

    def __len__(self) -> int:
        return len(self._by_channel) + len(self._by_call)

    def feed(self, fields: MutableMapping[str, str]) -> None:
        """Remember an announcement, or add the call's lines to ``fields`` in place."""
        uniqueid = fields.get("Uniqueid", "")
        linkedid = fields.get("Linkedid", "") or uniqueid
        event = fields.get("Event", "")
        if event == "UserEvent" and fields.get("UserEvent") == USER_EVENT:
            lines = "\n".join(
                f"{name}={fields[header]}" for header, name in HEADERS.items() if fields.get(header)
            )
            for table, key in ((self._by_channel, uniqueid), (self._by_call, linkedid)):
                if key:
                    table[key] = lines
                    table.move_to_end(key)
                    while len(table) > self._limit:
                        table.popitem(last=False)
        else:
            lines = self._by_channel.get(uniqueid) or self._by_call.get(linkedid, "")
        if lines and not fields.get("ChanVariable"):
            fields["ChanVariable"] = lines
        if event == "Hangup":
            self._by_channel.pop(uniqueid, None)
            if uniqueid == linkedid:
                self._by_call.pop(linkedid, None)
