"""Screen-pop and webhook payloads. Pure: the same context for the console and webhooks."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from callcenter.workspace.events import CallContext

_DIGITS = re.compile(r"[^0-9]")


def short_queue(tenant_id: str, queue: str) -> str:
    """``acme-support`` -> ``support``; "" when the queue is not the tenant's."""
    prefix = f"{tenant_id}-"
    return queue[len(prefix) :] if queue.startswith(prefix) else ""


def waited_seconds(ctx: CallContext, joined_at: float | None, now: float) -> int:
    """Seconds the caller waited before ringing this agent: from entering the platform
    (``CC_ENTERED``) when the dialplan set it, else from joining the queue."""
    start = ctx.entered_at if ctx.entered_at is not None else joined_at
    if start is None or start > now:
        return 0
    return int(now - start)


def ringing_pop(
    tenant_id: str,
    extension: str,
    ctx: CallContext,
    *,
    agent_channel: str,
    waited_s: int,
    ami_at: float,
) -> dict[str, Any]:
    """The pop sent the moment a call rings an agent; the CRM record follows in ``call.contact``.

    ``ami_at`` is when the control plane read the AMI event (epoch seconds), so clients can
    measure the AMI-to-pop delay.
    """
    return {
        "type": "call.ringing",
        "tenant": tenant_id,
        "agent": extension,
        "linkedid": ctx.linkedid,
        "caller": {"number": ctx.caller_number, "name": ctx.caller_name},
        "did": ctx.did,
        "queue": short_queue(tenant_id, ctx.queue),
        "ivr_keys": [k for k in ctx.ivr_keys.split("-") if k],
        # What the caller typed in self-service and what the lookup made of it (issue 20).
        "selfservice": {"digits": ctx.selfservice_digits, "lookup": ctx.selfservice_lookup}
        if ctx.selfservice_digits or ctx.selfservice_lookup
        else None,
        "waited_s": waited_s,
        "agent_channel": agent_channel,
        "contact": None,
        "crm": {"status": "pending"},
        "ami_at": ami_at,
    }


def crm_lookup_url(base: str, number: str) -> str:
    """The tenant's lookup URL for ``number``: ``{number}`` replaced, else ``?number=`` added."""
    digits = _DIGITS.sub("", number)
    if "{number}" in base:
        return base.replace("{number}", quote(digits))
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}number={quote(digits)}"


def parse_crm_reply(body: Any) -> dict[str, Any] | None:
    """A tenant CRM's JSON reply as a contact, or None for "not found" or nonsense.

    Accepted: an object with at least ``name`` (``company``, ``email``, ``notes``, ``url``
    optional), or ``{"contact": {...}}``. Values are cut to sane lengths: the console shows them.
    """
    if isinstance(body, dict) and isinstance(body.get("contact"), dict):
        body = body["contact"]
    if not isinstance(body, dict):
        return None
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        return None
    out: dict[str, Any] = {"name": name.strip()[:200], "source": "external"}
    for key, limit in (("company", 200), ("email", 200), ("notes", 4000), ("phone", 32)):
        value = body.get(key)
        if isinstance(value, str):
            out[key] = value[:limit]
    url = body.get("url")
    if isinstance(url, str) and url.startswith(("https://", "http://")):
        out["url"] = url[:1000]
    return out


def contact_pop(linkedid: str, contact: dict[str, Any] | None, status: str) -> dict[str, Any]:
    """The follow-up to ``call.ringing``: the CRM record, or None for a new-contact form.

    ``status``: ``found``, ``not_found``, ``timeout`` or ``error`` (then the console still
    shows the call, with a new-contact form or the hosted record as fallback).
    """
    return {
        "type": "call.contact",
        "linkedid": linkedid,
        "contact": contact,
        "crm": {"status": status},
    }


def webhook_event(kind: str, pop: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    """A webhook body: the pop's context under a stable event name (``call.ringing``...)."""
    keep = (
        "tenant",
        "agent",
        "linkedid",
        "caller",
        "did",
        "queue",
        "ivr_keys",
        "selfservice",
        "waited_s",
    )
    return {"event": kind, **{k: pop[k] for k in keep if k in pop}, **extra}
