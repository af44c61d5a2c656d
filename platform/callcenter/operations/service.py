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
    channels = await ami.action_list("CoreShowChannels")  # every connected node, tagged
    per_tenant = calls_by_tenant(channels)
    return {
        "calls": len({c.get("Linkedid") or c.get("Uniqueid", "") for c in channels}),
        "channels": len(channels),
        "tenants": [{"tenant_id": t or None, **v} for t, v in per_tenant.items()],
        "live": calls_by_node(channels),
    }


def calls_by_node(channels: Iterable[Mapping[str, str]]) -> list[dict[str, Any]]:
    """Each call up now (linked id) with the node it is on, its tenant and channel count."""
    calls: dict[tuple[str, str], dict[str, Any]] = {}
    for ch in channels:
        key = (ch.get("CcNode", ""), ch.get("Linkedid") or ch.get("Uniqueid", ""))
        call = calls.setdefault(
            key, {"node": key[0] or None, "linkedid": key[1], "tenant_id": None, "channels": 0}
        )
        call["channels"] += 1
        call["tenant_id"] = call["tenant_id"] or ch.get("AccountCode") or None
    return [calls[k] for k in sorted(calls)]
