"""The lookup node's pure parts: the tenant's URL, the request's signature, the answer's
fields and the flat reply the dialplan reads (``CURLOPT(hashcompat)``). No I/O here.

The dialplan never sees a value of the tenant's answer: numbers reach it as digits, dates as
epoch seconds and text as the hex name of a spoken file, each re-filtered there.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

from callcenter.routing.ivr import PLACEHOLDER_RE, Say
from callcenter.workspace.signing import sign

STATUSES = ("found", "not_found", "error", "timeout", "busy")
MAX_TEXT = 200


def lookup_url(template: str, digits: str, caller: str) -> str:
    """The template with ``{digits}`` and ``{caller}`` replaced by digits only, URL-encoded."""
    values = {"digits": "".join(c for c in digits if c in "0123456789")[:20]}
    values["caller"] = "".join(c for c in caller if c in "0123456789")[:20]
    return PLACEHOLDER_RE.sub(lambda m: quote(values.get(m.group(1), ""), safe=""), template)


def signed_headers(secret: str, url: str, now: float | None = None) -> dict[str, str]:
    """Webhook-style signature of a GET: HMAC-SHA256 of ``<timestamp>.<path and query>``."""
    stamp = int(time.time() if now is None else now)
    target = url.removeprefix("https://").partition("/")[2]
    return {
        "X-CC-Timestamp": str(stamp),
        "X-CC-Signature": sign(secret, stamp, ("/" + target).encode()),
        "Accept": "application/json",
    }


def field_of(answer: Any, path: str) -> Any:
    """``a.b`` of a JSON object, or None."""
    value = answer
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


@dataclass(frozen=True)
class Spoken:
    """One thing the caller hears: ``kind`` number/digits/date/text and its dialplan value
    (digits; epoch seconds; for text the words to speak, replaced by a file name later)."""

    kind: str
    value: str


def _epoch(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and 0 <= value < 2**33:
        return str(int(value))
    if isinstance(value, str):
        try:
            stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=UTC)
        return str(int(stamp.timestamp()))
    return None


def spoken(answer: Any, say: Sequence[Say]) -> list[Spoken]:
    """What of ``answer`` is read back; fields missing or of the wrong shape are skipped."""
    out: list[Spoken] = []
    for item in say:
        value = field_of(answer, item.field)
        if item.say_as in ("number", "digits"):
            if isinstance(value, bool) or value is None:
                continue
            text = str(int(value)) if isinstance(value, int | float) else str(value).strip()
            if (
                text.isascii()
                and text.isdigit()
                and len(text) <= (9 if item.say_as == "number" else 30)
            ):
                out.append(Spoken(item.say_as, text))
        elif item.say_as == "date":
            epoch = _epoch(value)
            if epoch is not None:
                out.append(Spoken("date", epoch))
        elif isinstance(value, str | int | float) and not isinstance(value, bool):
            text = " ".join(str(value).split())[:MAX_TEXT]
            if text:
                out.append(Spoken("text", text))
    return out


def speech_name(text: str, language: str) -> str:
    """The file a text is spoken into: the same words in the same language are made once."""
    return hashlib.sha256(f"{language}\n{text}".encode()).hexdigest()[:32]


def found_status(http_status: int, answer: Any) -> str:
    """``found`` for a 200 with a JSON object that does not say otherwise; 404 or
    ``{"found": false}`` is ``not_found``; anything else ``error``."""
    if http_status == 404:
        return "not_found"
    if http_status != 200 or not isinstance(answer, dict):
        return "error"
    return "not_found" if answer.get("found") is False else "found"


def dialplan_reply(status: str, items: Sequence[Spoken] = ()) -> str:
    """``status=found&n=2&k1=number&v1=42&...``: what ``HASH(r)=${CURL(...)}`` splits."""
    fields: dict[str, str] = {"status": status, "n": str(len(items))}
    for i, item in enumerate(items, 1):
        fields[f"k{i}"] = item.kind
        fields[f"v{i}"] = item.value
    return urlencode(fields)


def lookup_stats(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Per node: lookups, failures (error/timeout/busy), failure rate, latency p50/p95."""
    by_node: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for r in rows:
        by_node.setdefault((r["ivr"], r["menu"]), []).append(r)
    nodes = []
    for (ivr, menu), items in sorted(by_node.items()):
        lat = sorted(int(r["latency_ms"]) for r in items)
        failed = sum(1 for r in items if r["status"] in ("error", "timeout", "busy"))
        nodes.append(
            {
                "ivr": ivr,
                "menu": menu,
                "lookups": len(items),
                "found": sum(1 for r in items if r["status"] == "found"),
                "not_found": sum(1 for r in items if r["status"] == "not_found"),
                "failed": failed,
                "failure_rate": round(failed / len(items), 4),
                "latency_p50_ms": percentile(lat, 0.5),
                "latency_p95_ms": percentile(lat, 0.95),
            }
        )
    return {"nodes": nodes}


def percentile(sorted_values: Sequence[int], q: float) -> int | None:
    """Nearest-rank percentile of already sorted values; None when empty."""
    if not sorted_values:
        return None
    rank = max(1, min(len(sorted_values), round(q * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def containment(calls: int, transferred: int) -> dict[str, Any]:
    """Calls resolved in self-service (never reached an agent) versus transferred."""
    resolved = max(0, calls - transferred)
    return {
        "calls": calls,
        "resolved": resolved,
        "transferred": transferred,
        "containment_rate": round(resolved / calls, 4) if calls else None,
    }
