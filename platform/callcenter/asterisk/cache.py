"""Expiry of Asterisk's sorcery memory caches of seats (asterisk_conf/platform/sorcery.conf).

Asterisk reads a seat's endpoint, auth and AOR from PostgreSQL once and then from memory, so
the control plane must drop exactly what changed once its transaction commits. The AMI
``SorceryMemoryCache*`` actions need the ``system`` class, which the AMI user does not hold:
a fixed dialplan job (``sorcery-expire`` in ``cc-control``) does it, reached by Originate,
which returns once the job has run.
"""

from __future__ import annotations

from callcenter.ami.client import AmiClient

CACHES = ("cc_endpoints", "cc_auths", "cc_aors")


async def expire_seat(ami: AmiClient, endpoint: str | None) -> None:
    """Drop one seat's cached endpoint, auth and AOR (``None``: every cached seat).

    Raises the AMI client's ``DomainError`` when Asterisk cannot be reached; the next AMI
    (re)connect expires everything anyway.
    """
    await ami.originate(
        Channel="Local/sorcery-expire@cc-control",
        Application="Wait",
        Data="0",
        Variable=[f"CC_OBJECT={endpoint or ''}", "CDR_PROP(disable)=1"],
        Timeout=5000,
        timeout=10,
    )
