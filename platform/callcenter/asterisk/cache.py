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

from callcenter.ami.client import AmiClient

Cache = Literal["endpoints", "auths", "aors"]
SEAT: tuple[Cache, ...] = ("endpoints", "auths", "aors")  # everything of a seat
ENDPOINT: tuple[Cache, ...] = ("endpoints",)  # caller ID, webrtc/transport
AUTH: tuple[Cache, ...] = ("auths",)  # the SIP password


async def expire(ami: AmiClient, endpoint: str | None, caches: Iterable[Cache] = SEAT) -> None:
    """Drop one seat's objects from ``caches`` (``endpoint`` None: every object in them).

    Raises the AMI client's ``DomainError`` when Asterisk cannot be reached; the next AMI
    (re)connect expires everything anyway.
    """
    names = " ".join(dict.fromkeys(caches))
    if not names:
        return
    await ami.originate(
        Channel="Local/sorcery-expire@cc-control",
        Application="Wait",
        Data="0",
        Variable=[f"CC_OBJECT={endpoint or ''}", f"CC_CACHES={names}", "CDR_PROP(disable)=1"],
        Timeout=5000,
        timeout=10,
    )
