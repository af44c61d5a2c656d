"""Historical reports per queue, agent and number, for one tenant."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from callcenter.auth.principal import Principal
from callcenter.db.pool import connection
from callcenter.reports import kpi, repo
from callcenter.reports.schemas import ReportQuery


def events_from_rows(rows: list[Any]) -> list[kpi.QueueEvent]:
    """Queue-log rows (times in UTC) as KPI engine events."""
    return [
        kpi.QueueEvent(
            time=r["time"].replace(tzinfo=UTC),
            callid=r["callid"],
            queue=r["queuename"],
            agent=r["agent"],
            event=r["event"],
            data=(r["data1"], r["data2"], r["data3"], r["data4"], r["data5"]),
        )
        for r in rows
    ]


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


async def _load(pool: Any, tenant_id: str, q: ReportQuery) -> tuple[list[kpi.QueueEvent], Any]:
    async with connection(pool) as conn:
        rows = await repo.queue_events(conn, tenant_id, q.start, q.end)
        settings = await repo.queue_settings(conn, tenant_id)
    return events_from_rows(rows), settings


async def queue_report(
    pool: Any, who: Principal, tenant_id: str, q: ReportQuery
) -> list[dict[str, Any]]:
    """Per queue and interval: offered, answered, abandoned, SL, ASA, AHT, ..."""
    who.require_tenant(tenant_id, "tenant_admin")
    events, settings = await _load(pool, tenant_id, q)
    tz = ZoneInfo(q.tz)
    out = []
    for qname in sorted({e.queue for e in events if e.queue.startswith(tenant_id + "-")}):
        row = next((s for s in settings if s["qname"] == qname), None)
        conf = kpi.Settings(
            sl_threshold_s=q.sl_threshold_s or (row["service_level"] if row else 20),
            short_abandon_s=q.short_abandon_s,
            sl_counts_abandons=q.sl_counts_abandons,
            wrapup_s={qname: row["wrapup_time"]} if row else {},
        )
        mine = [e for e in events if e.queue == qname]
        for (_, start), s in sorted(kpi.queue_report(mine, conf, q.interval, tz).items()):
            out.append(
                {
                    "queue": qname.removeprefix(tenant_id + "-"),
                    "interval_start": start.isoformat(),
                    "offered": s.offered,
                    "answered": s.answered,
                    "abandoned": s.abandoned,
                    "short_abandoned": s.short_abandoned,
                    "overflowed": s.overflowed,
                    "callbacks": s.callbacks,
                    "answered_within_sl": s.answered_in_sl,
                    "service_level": _ratio(s.service_level),
                    "sl_threshold_s": conf.sl_threshold_s,
                    "asa_s": _ratio(s.asa_s),
                    "aht_s": _ratio(s.aht_s),
                    "talk_s": s.talk_s,
                    "longest_wait_s": s.longest_wait_s,
                    "abandon_rate": _ratio(s.abandon_rate),
                }
            )
    return out


async def agent_report(
    pool: Any, who: Principal, tenant_id: str, q: ReportQuery
) -> list[dict[str, Any]]:
    """Per agent and interval: logged-in, paused by reason, talk, wrap-up, utilisation."""
    who.require_tenant(tenant_id, "tenant_admin")
    events, settings = await _load(pool, tenant_id, q)
    conf = kpi.Settings(wrapup_s={s["qname"]: s["wrapup_time"] for s in settings})
    until = min(q.end, datetime.now(UTC))
    report = kpi.agent_report(
        [e for e in events if e.agent.startswith(tenant_id + "-")],
        conf,
        q.interval,
        ZoneInfo(q.tz),
        until,
    )
    return [
        {
            "agent": agent.removeprefix(tenant_id + "-"),
            "interval_start": start.isoformat(),
            "logged_in_s": round(s.logged_in_s, 1),
            "paused_s": {k: round(v, 1) for k, v in sorted(s.paused_s.items())},
            "talk_s": round(s.talk_s, 1),
            "wrapup_s": s.wrapup_s,
            "handled": s.handled,
            "utilisation": _ratio(s.utilisation),
            "occupancy": _ratio(s.occupancy),
        }
        for (agent, start), s in sorted(report.items())
    ]


async def number_report(
    pool: Any, who: Principal, tenant_id: str, q: ReportQuery
) -> list[dict[str, Any]]:
    """Per number dialled and interval: calls, answered calls, billed minutes."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with connection(pool) as conn:
        rows = await repo.number_calls(conn, tenant_id, q.start, q.end, q.interval, q.tz)
    tz = ZoneInfo(q.tz)
    out = []
    for r in rows:
        start = r["bucket"].replace(tzinfo=tz)
        out.append(
            {
                "number": r["did"],
                "interval_start": start.isoformat(),
                "calls": r["calls"],
                "answered": r["answered"],
                "minutes": round((r["seconds"] or 0) / 60, 2),
            }
        )
    return out


async def _survey_report(
    pool: Any, who: Principal, tenant_id: str, q: ReportQuery, by: str
) -> list[dict[str, Any]]:
    who.require_tenant(tenant_id, "tenant_admin")
    async with connection(pool) as conn:
        rows = await repo.survey_calls(conn, tenant_id, q.start, q.end, by, q.interval, q.tz)
    tz = ZoneInfo(q.tz)
    return [
        {
            by: r["key"].removeprefix(tenant_id + "-") if by == "queue" else r["key"],
            "interval_start": r["bucket"].replace(tzinfo=tz).isoformat(),
            "survey_answers": r["answers"],
            "survey_average": round(r["average"], 2),
        }
        for r in rows
    ]


async def survey_queue_report(
    pool: Any, who: Principal, tenant_id: str, q: ReportQuery
) -> list[dict[str, Any]]:
    """Per queue and interval: after-call survey answers (1-5) and their average score."""
    return await _survey_report(pool, who, tenant_id, q, "queue")


async def survey_agent_report(
    pool: Any, who: Principal, tenant_id: str, q: ReportQuery
) -> list[dict[str, Any]]:
    """Per agent (the seat that took the call, forwarded seats included) and interval:
    after-call survey answers (1-5) and their average score."""
    return await _survey_report(pool, who, tenant_id, q, "agent")


async def ivr_key_report(
    pool: Any, who: Principal, tenant_id: str, q: ReportQuery
) -> list[dict[str, Any]]:
    """The IVR key-press breakdown of the period: calls per path of keys pressed ("1-2":
    1 in the first menu, then 2), from the keys the dialplan keeps with each call's record."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with connection(pool) as conn:
        rows = await repo.ivr_key_calls(conn, tenant_id, q.start, q.end)
    return [{"ivr_keys": r["keys"], "calls": r["calls"]} for r in rows]


async def agent_state_report(
    pool: Any, who: Principal, tenant_id: str, q: ReportQuery
) -> list[dict[str, Any]]:
    """Each agent's state timeline in the period (available, paused with its reason, talk,
    wrap-up), one row per stretch, from the queue log the agent report reads."""
    who.require_tenant(tenant_id, "tenant_admin")
    events, settings = await _load(pool, tenant_id, q)
    conf = kpi.Settings(wrapup_s={s["qname"]: s["wrapup_time"] for s in settings})
    until = min(q.end, datetime.now(UTC))
    if until <= q.start:
        return []
    tz = ZoneInfo(q.tz)
    spans = kpi.agent_timeline(
        [e for e in events if e.agent.startswith(tenant_id + "-")], conf, q.start, until
    )
    return [
        {
            "agent": s.agent.removeprefix(tenant_id + "-"),
            "state": s.state,
            "reason": s.reason,
            "start": s.start.astimezone(tz).isoformat(),
            "end": s.end.astimezone(tz).isoformat(),
            "seconds": round((s.end - s.start).total_seconds(), 1),
        }
        for s in spans
    ]
