"""Expiry of Asterisk's sorcery memory caches of seats (asterisk_conf/platform/sorcery.conf).

Asterisk reads a seat's endpoint, auth and AOR from PostgreSQL once and then from memory, so
the control plane drops exactly what changed once its transaction commits. The AMI
``SorceryMemoryCache*`` actions need the ``system`` class, which the AMI user does not hold:
a fixed dialplan job (``sorcery-expire`` in ``cc-control``) does it, reached by Originate,
which returns once the job has run.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from callcenter.ami.cluster import AmiCluster

Cache = Literal["endpoints", "auths", "aors"]
SEAT: tuple[Cache, ...] = ("endpoints", "auths", "aors")  # everything of a seat
ENDPOINT: tuple[Cache, ...] = ("endpoints",)  # caller ID, webrtc/transport
AUTH: tuple[Cache, ...] = ("auths",)  # the SIP password


async def expire(
    ami: AmiCluster,
    endpoint: str | None,
    caches: Iterable[Cache] = SEAT,
    *,
    node: str | None = None,
) -> None:
    """Drop one seat's objects from ``caches`` (``endpoint`` None: every object in them), on
    ``node`` or else on every connected node (after a failover any node may serve a seat).

    Raises the AMI client's ``DomainError`` when no node can be reached; the next AMI
    (re)connect of a node expires everything there anyway.
    """
    names = " ".join(dict.fromkeys(caches))
    if not names:
        return
    fields: dict[str, object] = {
        "Channel": "Local/sorcery-expire@cc-control",
        "Application": "Wait",
        "Data": "0",
        "Variable": [f"CC_OBJECT={endpoint or ''}", f"CC_CACHES={names}", "CDR_PROP(disable)=1"],
        "Timeout": 5000,
    }
    if node is not None:
        await ami.client(node).originate(timeout=10, **fields)
    else:
        await ami.broadcast_originate(timeout=10, **fields)
