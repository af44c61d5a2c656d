"""Counting the calls up now from Asterisk's channel list (pure) and asking Asterisk for it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from callcenter.auth.principal import Principal
from callcenter.errors import Unavailable


def calls_by_tenant(channels: Iterable[Mapping[str, str]]) -> dict[str, dict[str, int]]:
    """Per tenant (the channel's account code): calls (distinct linked ids) and channels.

    Channels without an account code (the carrier trunk before routing, Local helpers) are
    counted under ``""``, so the platform's total stays honest.
    """
    linked: dict[str, set[str]] = {}
    count: dict[str, int] = {}
    for ch in channels:
        tenant = ch.get("AccountCode", "") or ""
        count[tenant] = count.get(tenant, 0) + 1
        linked.setdefault(tenant, set()).add(ch.get("Linkedid") or ch.get("Uniqueid", ""))
    return {t: {"calls": len(linked[t]), "channels": count[t]} for t in sorted(count)}


async def calls_now(ami: Any | None, who: Principal) -> dict[str, Any]:
    """Operator: calls up now on the platform Asterisk, in total and per tenant."""
    who.require_operator()
    if ami is None or not ami.connected:
        raise Unavailable("Asterisk manager interface is not connected")
    channels = await ami.action_list("CoreShowChannels")
    per_tenant = calls_by_tenant(channels)
    return {
        "calls": len({c.get("Linkedid") or c.get("Uniqueid", "") for c in channels}),
        "channels": len(channels),
        "tenants": [{"tenant_id": t or None, **v} for t, v in per_tenant.items()],
    }
