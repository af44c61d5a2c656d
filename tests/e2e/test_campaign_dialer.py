"""Outbound campaigns on the real stack: the carrier's "customers" answer, ring out, are busy
or are on a do-not-call list according to the number dialled (dialplan rules this test adds
to the carrier); a progressive campaign runs to completion with two SIP agents; retries
follow the campaign's rules; nothing is dialled outside the hours of the schedule the test
sets; results and the CDR legs match a hand count."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from e2e.conftest import control_plane
from e2e.test_routing import tone_wav
from integration.test_agent_workspace_api import live

from callcenter import keys
from callcenter.devstack.phones import Account

from stack import PLATFORM_SIP, Stack, running
from support import OPERATOR, ApiClient, wait_for

REGISTRAR = f"127.0.0.1:{PLATFORM_SIP}"

# The customers, by the number dialled (the carrier's rules below).
ANSWER = ["13910010001", "13910010002", "13910010003"]
BUSY = "13910020001"
NO_ANSWER = "13910030001"
DNC = "13910040001"
PRESS_1 = "13910050001"  # answers the notice with key 1, then talks to an agent
LISTENS = "13910050002"  # hears the notice and hangs up
MACHINE = "13910060001"  # an answering machine: answers with silence only (AMD: MACHINE)
RATES_4 = "13910070001"  # answers a survey with key 4
WANTS_DNC = "13910080001"  # presses 9 after the notice: do not call me again
TALKS = [f"1391009000{n}" for n in range(1, 7)]  # answer and talk for 4 s
RULES: dict[str, list[tuple[str, str]]] = {
    **{n: [("Answer", ""), ("Wait", "3"), ("Hangup", "")] for n in [*ANSWER, DNC, LISTENS]},
    BUSY: [("Busy", "2")],
    NO_ANSWER: [("Ringing", ""), ("Wait", "60")],
    PRESS_1: [("Answer", ""), ("Wait", "1.5"), ("SendDTMF", "1"), ("Wait", "6"), ("Hangup", "")],
    MACHINE: [("Answer", ""), ("Playback", "silence/10"), ("Hangup", "")],
    RATES_4: [("Answer", ""), ("Wait", "1.5"), ("SendDTMF", "4"), ("Wait", "3"), ("Hangup", "")],
    WANTS_DNC: [("Answer", ""), ("Wait", "1.5"), ("SendDTMF", "9"), ("Wait", "3"), ("Hangup", "")],
    **{n: [("Answer", ""), ("Wait", "4"), ("Hangup", "")] for n in TALKS},
}


@contextlib.asynccontextmanager
async def carrier_customers(stack: Stack) -> AsyncIterator[list[str]]:
    """Add the rules to the carrier's from-platform context; yield the numbers it is called
    on (from its channels' events), remove the rules afterwards."""
    dialled: list[str] = []

    def seen(msg: Mapping[str, str]) -> None:
        if msg.get("Event") == "Newchannel" and msg.get("Context") == "from-platform":
            dialled.append(msg.get("Exten", ""))

    ami = stack.carrier_ami
    ami.on_raw(seen)
    for number, steps in RULES.items():
        for priority, (app, data) in enumerate(steps, start=1):
            await ami.action(
                "DialplanExtensionAdd",
                Context="from-platform",
                Extension=number,
                Priority=priority,
                Application=app,
                ApplicationData=data,
                Replace="yes",
            )
    try:
        yield dialled
    finally:
        for number in RULES:
            with contextlib.suppress(Exception):
                await ami.action(
                    "DialplanExtensionRemove", Context="from-platform", Extension=number
                )


def schedule(open_now: bool) -> dict[str, Any]:
    """Open all week, or only on a day three days from today (Asia/Shanghai)."""
    today = datetime.now(ZoneInfo("Asia/Shanghai")).weekday()
    days = range(7) if open_now else [(today + 3) % 7]
    return {
        "timezone": "Asia/Shanghai",
        "weekly": [{"weekday": d, "start": "00:00", "end": "24:00"} for d in days],
        "closed_destination": {"kind": "hangup", "target": ""},
    }


async def provision(api: ApiClient, tenant: str, number: str) -> tuple[ApiClient, dict[str, Any]]:
    op = await api.login(*OPERATOR)
    await op.call(
        "POST",
        "/api/v1/tenants",
        {
            "id": tenant,
            "name": tenant,
            "admin": {"username": f"{tenant}-admin", "password": "admin-password"},
        },
        expect=201,
    )
    base = f"/api/v1/tenants/{tenant}"
    await op.call("POST", f"{base}/numbers", {"number": number}, expect=201)
    await op.call(
        "PUT",
        f"{base}/limits",
        {"max_outbound": 4, "outbound_patterns": ["1[3-9]XXXXXXXXX"]},
        expect=200,
    )
    admin = await api.login(f"{tenant}-admin", "admin-password")
    seats = {}
    for ext in ("1001", "1002"):
        _, seat = await admin.call(
            "POST", f"{base}/seats", {"extension": ext, "name": f"Agent {ext}"}, expect=201
        )
        seats[ext] = seat["sip"]
    await admin.call(
        "POST",
        f"{base}/queues",
        {
            "name": "sales",
            "extension": "600",
            "members": [{"extension": "1001"}, {"extension": "1002"}],
        },
        expect=201,
    )
    await admin.call("PUT", f"{base}/schedules/hours", schedule(False), expect=200)
    for ext in seats:
        await admin.call(
            "POST",
            f"{base}/agents",
            {
                "username": f"{tenant}-{ext}",
                "password": "agent-password",
                "extension": ext,
                "device": "sip",
            },
            expect=201,
        )
    return admin, seats


async def signed_in(api: ApiClient, tenant: str, ext: str) -> ApiClient:
    """The agent on ``ext``, signed in to the console (available to the queue)."""
    agent = await api.login(f"{tenant}-{ext}", "agent-password")
    await agent.call("POST", "/api/v1/agent/login", expect=200)
    return agent


async def test_a_progressive_campaign_runs_to_completion_within_the_rules(
    stack: Stack, platform_api: ApiClient, uid: str, db: Any
) -> None:
    tenant, number = f"cmp{uid}", "4008300018"
    admin, seats = await provision(platform_api, tenant, number)
    base = f"/api/v1/tenants/{tenant}"
    await admin.call("POST", f"{base}/dnc", {"numbers": [DNC]}, expect=200)
    _, campaign = await admin.call(
        "POST",
        f"{base}/campaigns",
        {
            "name": "回访",
            "mode": "progressive",
            "caller_number": number,
            "queue": "sales",
            "schedule": "hours",
            "script": "您好,这里是回访。",
            "dispositions": ["满意", "不满意"],
            "success_dispositions": ["满意"],
            "max_attempts": 2,
            "retry_delays": {"busy": 1, "no_answer": 1, "failed": 1},
            "dial_timeout": 6,
        },
        expect=201,
    )
    one = f"{base}/campaigns/{campaign['id']}"
    csv_text = "phone,name,会员等级\n" + "".join(
        f"{n},客户{i},金卡\n" for i, n in enumerate([*ANSWER, BUSY, NO_ANSWER, DNC])
    )
    resp = await admin.client.post(
        f"{one}/contacts.csv",
        data=csv_text.encode(),
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert resp.status == 200 and (await resp.json())["do_not_call"] == [DNC]

    sync = platform_api.client.app[keys.SYNC]
    phones = [
        stack.phone(f"{tenant}-{ext}", Account(s["username"], s["password"], REGISTRAR))
        for ext, s in seats.items()
    ]
    sockets = [await live(await signed_in(platform_api, tenant, ext)) for ext in seats]
    async with carrier_customers(stack) as dialled, running(*phones):
        await wait_for(
            lambda: all(sync.state_of(f"{tenant}-{e}") == "NOT_INUSE" for e in seats),
            timeout=15,
        )
        # Outside the hours: started, but nothing is dialled.
        await admin.call("POST", f"{one}/state", {"action": "start"}, expect=200)
        await asyncio.sleep(4)
        assert dialled == []
        # The hours open: the campaign dials, two at a time (two free agents), to the end.
        await admin.call("PUT", f"{base}/schedules/hours", schedule(True), expect=200)

        async def completed() -> bool:
            _, shown = await admin.call("GET", one, expect=200)
            return bool(shown["status"] == "completed")

        await wait_for(completed, timeout=120, interval=0.5)

    _, shown = await admin.call("GET", one, expect=200)
    figures = shown["progress"]
    # Every answered customer popped on an agent's console with its columns and the script.
    pops = [m for s in sockets for m in await s.quiet(0.5) if m.get("type") == "call.contact"]
    popped = {m["contact"]["phone"]: m["contact"] for m in pops if m.get("contact")}
    assert set(popped) == set(ANSWER), pops
    assert all(c["fields"] == {"会员等级": "金卡"} for c in popped.values())
    assert {c["campaign"]["script"] for c in popped.values()} == {"您好,这里是回访。"}
    for socket in sockets:
        await socket.ws.close()
    # Hand count: 3 answered once each; busy and no answer twice each (max_attempts 2); the
    # DNC number never; nobody was abandoned (progressive: one call per free agent).
    assert sorted(dialled) == sorted([*ANSWER, BUSY, BUSY, NO_ANSWER, NO_ANSWER]), dialled
    assert DNC not in dialled
    assert {k: figures[k] for k in ("dialled", "answered", "busy", "no_answer", "abandoned")} == {
        "dialled": 7,
        "answered": 3,
        "busy": 2,
        "no_answer": 2,
        "abandoned": 0,
    }, figures
    assert (figures["done"], figures["exhausted"], figures["dnc"]) == (3, 2, 1)
    attempts = await db.fetch(
        "SELECT phone, outcome, agent, started_at FROM campaign_attempts"
        " WHERE campaign_id = $1 ORDER BY id",
        campaign["id"],
    )
    answered = [a for a in attempts if a["outcome"] == "answered"]
    assert {a["agent"] for a in answered} <= {f"{tenant}-1001", f"{tenant}-1002"}
    assert all(a["agent"] for a in answered)
    # Retries waited at least their delay.
    for phone in (BUSY, NO_ANSWER):
        first, second = [a["started_at"] for a in attempts if a["phone"] == phone]
        assert (second - first).total_seconds() >= 1

    # The agent's disposition decides success.
    _, contacts = await admin.call("GET", f"{one}/contacts", expect=200)
    first_contact = next(c for c in contacts if c["phone"] == ANSWER[0])
    assert first_contact["fields"] == {"会员等级": "金卡"}
    await admin.call(
        "PUT",
        f"{one}/contacts/{first_contact['id']}/disposition",
        {"disposition": "满意"},
        expect=200,
    )
    _, shown = await admin.call("GET", one, expect=200)
    assert shown["progress"]["success"] == 1

    # Each campaign call's customer leg is a CDR tagged with campaign and contact, billed as
    # outbound from the tenant.
    async def legs() -> list[Any]:
        rows: list[Any] = await db.fetch(
            "SELECT campaign, campaign_contact, disposition, direction FROM cdr"
            " WHERE tenantid = $1 AND campaign = $2 AND dstchannel LIKE 'PJSIP/carrier%'",
            tenant,
            str(campaign["id"]),
        )
        return rows if len(rows) >= 7 else []

    rows = await wait_for(legs, timeout=15)
    assert sum(r["disposition"] == "ANSWERED" for r in rows) == 3
    assert {r["direction"] for r in rows} == {"outbound"}
    contact_ids = {str(c["id"]) for c in contacts if c["phone"] in ANSWER}
    assert {r["campaign_contact"] for r in rows if r["disposition"] == "ANSWERED"} == contact_ids


async def test_preview_and_agentless_campaigns_reach_their_customers(
    stack: Stack, platform_api: ApiClient, uid: str, db: Any
) -> None:
    tenant, number = f"cpv{uid}", "4008300019"
    admin, seats = await provision(platform_api, tenant, number)
    base = f"/api/v1/tenants/{tenant}"
    await admin.call("PUT", f"{base}/schedules/hours", schedule(True), expect=200)
    resp = await admin.client.put(
        f"{base}/prompts/reminder",
        data=tone_wav(1.0),
        headers={"Authorization": f"Bearer {admin.token}", "Content-Type": "audio/wav"},
    )
    assert resp.status == 200, await resp.text()
    await wait_for((stack.platform.host_dir / "prompts" / tenant / "reminder.wav").exists)

    async def campaign(name: str, mode: str, numbers: list[str], **extra: Any) -> str:
        _, c = await admin.call(
            "POST",
            f"{base}/campaigns",
            {
                "name": name,
                "mode": mode,
                "caller_number": number,
                "queue": "sales",
                "schedule": "hours",
                "dial_timeout": 8,
                "max_attempts": 1,
                **extra,
            },
            expect=201,
        )
        one = f"{base}/campaigns/{c['id']}"
        resp = await admin.client.post(
            f"{one}/contacts.csv",
            data=("phone,账户\n" + "".join(f"{n},A{n[-2:]}\n" for n in numbers)).encode(),
            headers={"Authorization": f"Bearer {admin.token}"},
        )
        assert resp.status == 200
        await admin.call("POST", f"{one}/state", {"action": "start"}, expect=200)
        return one

    async def completed(one: str) -> bool:
        _, shown = await admin.call("GET", one, expect=200)
        return bool(shown["status"] == "completed")

    sync = platform_api.client.app[keys.SYNC]
    phones = [
        stack.phone(f"{tenant}-{ext}", Account(s["username"], s["password"], REGISTRAR))
        for ext, s in seats.items()
    ]
    agent = await signed_in(platform_api, tenant, "1001")
    await signed_in(platform_api, tenant, "1002")
    async with carrier_customers(stack) as dialled, running(*phones):
        await wait_for(
            lambda: all(sync.state_of(f"{tenant}-{e}") == "NOT_INUSE" for e in seats),
            timeout=15,
        )
        # Preview: the agent takes the next contact, reads it, dials; the phone rings first.
        preview = await campaign("预览", "preview", [ANSWER[0]])
        cid = preview.rsplit("/", 1)[1]
        _, held = await agent.call("POST", f"/api/v1/agent/campaigns/{cid}/next", expect=200)
        assert held["phone"] == ANSWER[0] and held["fields"] == {"账户": "A01"}
        await asyncio.sleep(3)
        assert dialled == [], "a preview campaign dials only when the agent does"
        await agent.call(
            "POST", f"/api/v1/agent/campaigns/{cid}/contacts/{held['id']}/dial", expect=200
        )
        await wait_for(lambda: completed(preview), timeout=40, interval=0.5)
        assert dialled == [ANSWER[0]]

        # Agentless: a notice; the customer who presses 1 reaches an agent.
        agentless = await campaign(
            "通知", "agentless", [PRESS_1, LISTENS, WANTS_DNC], notice="reminder"
        )
        await wait_for(lambda: completed(agentless), timeout=60, interval=0.5)

        # Answering-machine detection: a machine is never put through to an agent; it is
        # retried after the machine delay, up to the attempts.
        amd = await campaign(
            "留言机",
            "progressive",
            [MACHINE],
            amd=True,
            max_attempts=2,
            retry_delays={"machine": 1},
        )
        await wait_for(lambda: completed(amd), timeout=60, interval=0.5)

        # A DTMF survey: the key pressed is stored and, being a success answer, counts.
        survey = await campaign(
            "满意度",
            "agentless",
            [RATES_4],
            notice="reminder",
            survey=True,
            dispositions=["1", "2", "3", "4", "5"],
            success_dispositions=["4", "5"],
        )
        await wait_for(lambda: completed(survey), timeout=60, interval=0.5)
        _, answered = await admin.call("GET", f"{survey}/contacts", expect=200)
        assert [(c["disposition"], c["success"]) for c in answered] == [("4", True)]

    rows = await db.fetch(
        "SELECT a.phone, a.outcome, a.agent, k.mode FROM campaign_attempts a"
        " JOIN campaigns k ON k.id = a.campaign_id WHERE a.tenant_id = $1 ORDER BY a.id",
        tenant,
    )
    got = [(r["mode"], r["phone"], r["outcome"], r["agent"]) for r in rows]
    assert got[0] == ("preview", ANSWER[0], "answered", f"{tenant}-1001")
    by_phone = {r["phone"]: r for r in rows if r["mode"] == "agentless"}
    assert by_phone[LISTENS]["outcome"] == "answered" and by_phone[LISTENS]["agent"] is None
    assert by_phone[PRESS_1]["outcome"] == "answered"
    assert by_phone[PRESS_1]["agent"] in (f"{tenant}-1001", f"{tenant}-1002")
    machine = [r for r in rows if r["phone"] == MACHINE]
    assert [(r["outcome"], r["agent"]) for r in machine] == [("machine", None)] * 2
    assert [(r["outcome"], r["agent"]) for r in rows if r["phone"] == RATES_4] == [
        ("answered", None)
    ]
    pressed = await db.fetchval(
        "SELECT keys FROM campaign_attempts WHERE tenant_id = $1 AND phone = $2", tenant, RATES_4
    )
    assert pressed == "4"
    # Key 9 after the notice put the number on the tenant's do-not-call list.
    _, dnc = await admin.call("GET", f"/api/v1/tenants/{tenant}/dnc", expect=200)
    assert [(d["number"], d["source"]) for d in dnc] == [(WANTS_DNC, "ivr")]
    assert sorted(dialled) == sorted(
        [ANSWER[0], PRESS_1, LISTENS, WANTS_DNC, MACHINE, MACHINE, RATES_4]
    )


async def test_a_survey_queue_asks_the_caller_for_a_score_after_the_agent_hangs_up(
    stack: Stack, platform_api: ApiClient, uid: str, db: Any
) -> None:
    tenant, number = f"srv{uid}", "4008300020"
    admin, seats = await provision(platform_api, tenant, number)
    base = f"/api/v1/tenants/{tenant}"
    _, queue = await admin.call(
        "PUT", f"{base}/queues/sales", {"survey": True, "ring_timeout": 15}, expect=200
    )
    assert queue["survey"] is True
    await admin.call(
        "PUT", f"{base}/numbers/{number}/route", {"type": "queue", "target": "sales"}, expect=200
    )
    sync = platform_api.client.app[keys.SYNC]
    phone = stack.phone(
        f"{tenant}-1001", Account(seats["1001"]["username"], seats["1001"]["password"], REGISTRAR)
    )
    await signed_in(platform_api, tenant, "1001")
    await admin.call("PUT", f"{base}/queues/sales/members", {"members": [{"extension": "1001"}]})
    async with running(phone):
        await wait_for(lambda: sync.state_of(f"{tenant}-1001") == "NOT_INUSE", timeout=15)
        # The caller presses 4 five seconds into the call; the agent hangs up after 2 s.
        await stack.call_in_pressing(number, "4", caller="13800000201", delay=5)
        await phone.wait_event("CALL_ESTABLISHED", timeout=10)
        await asyncio.sleep(2)
        await phone.command("hangup")

        async def scored() -> Any:
            return await db.fetchrow(
                "SELECT linkedid, survey FROM cdr WHERE tenantid = $1 AND survey IS NOT NULL",
                tenant,
            )

        try:
            row = await wait_for(scored, timeout=20)
        except TimeoutError:
            for r in await db.fetch(
                "SELECT channel, dstchannel, lastapp, lastdata, disposition, billsec, survey"
                " FROM cdr WHERE tenantid = $1 ORDER BY id",
                tenant,
            ):
                print(dict(r))
            raise
    assert row["survey"] == "4"
    # The score is on the call the agent answered (same linkedid as the agent's leg).
    agent_leg = await db.fetchval(
        "SELECT count(*) FROM cdr WHERE linkedid = $1 AND dstchannel LIKE $2",
        row["linkedid"],
        f"PJSIP/{tenant}-1001-%",
    )
    assert agent_leg >= 1


async def test_a_running_campaign_goes_on_after_the_control_plane_restarts(
    stack: Stack, aiohttp_client: Any, uid: str, db: Any
) -> None:
    first = await control_plane(aiohttp_client, stack)
    tenant, number = f"rst{uid}", "4008300021"
    admin, seats = await provision(first, tenant, number)
    base = f"/api/v1/tenants/{tenant}"
    await admin.call("PUT", f"{base}/schedules/hours", schedule(True), expect=200)
    _, c = await admin.call(
        "POST",
        f"{base}/campaigns",
        {
            "name": "重启",
            "mode": "progressive",
            "caller_number": number,
            "queue": "sales",
            "schedule": "hours",
            "dial_timeout": 8,
        },
        expect=201,
    )
    one = f"{base}/campaigns/{c['id']}"
    resp = await admin.client.post(
        f"{one}/contacts.csv",
        data=("phone\n" + "".join(f"{n}\n" for n in TALKS)).encode(),
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert resp.status == 200
    phones = [
        stack.phone(f"{tenant}-{ext}", Account(s["username"], s["password"], REGISTRAR))
        for ext, s in seats.items()
    ]
    async with carrier_customers(stack) as dialled, running(*phones):
        sync = first.client.app[keys.SYNC]
        for ext in seats:
            await signed_in(first, tenant, ext)
        await wait_for(
            lambda: all(sync.state_of(f"{tenant}-{e}") == "NOT_INUSE" for e in seats),
            timeout=15,
        )
        await admin.call("POST", f"{one}/state", {"action": "start"}, expect=200)
        await wait_for(lambda: len(dialled) >= 2, timeout=20)
        # The control plane goes away with calls up; a new one takes over from PostgreSQL.
        await first.client.close()
        second = await control_plane(aiohttp_client, stack)
        for ext in seats:
            await signed_in(second, tenant, ext)
        admin2 = await second.login(f"{tenant}-admin", "admin-password")

        async def completed() -> bool:
            _, shown = await admin2.call("GET", one, expect=200)
            return bool(shown["status"] == "completed")

        try:
            await wait_for(completed, timeout=120, interval=0.5)
        except TimeoutError:
            _, shown = await admin2.call("GET", one, expect=200)
            print("PROGRESS", shown["status"], shown["progress"], dialled)
            for r in await db.fetch(
                "SELECT * FROM campaign_attempts WHERE campaign_id = $1 ORDER BY id", c["id"]
            ):
                print("ATTEMPT", dict(r))
            items = await second.client.app[keys.AMI].action_list(
                "QueueStatus", Queue=f"{tenant}-sales"
            )
            print("QUEUE", items)
            raise
    statuses = await db.fetch(
        "SELECT phone, status FROM campaign_contacts WHERE campaign_id = $1", c["id"]
    )
    assert {r["phone"]: r["status"] for r in statuses} == dict.fromkeys(TALKS, "done")
    assert set(dialled) == set(TALKS)
    assert (
        await db.fetchval(
            "SELECT count(*) FROM campaign_attempts WHERE campaign_id = $1 AND outcome IS NULL",
            c["id"],
        )
        == 0
    )


async def test_a_caller_who_asks_the_tenants_ivr_to_stop_calls_is_never_dialled(
    stack: Stack, platform_api: ApiClient, uid: str, db: Any
) -> None:
    """An IVR key of kind ``dnc`` ("press 9 to stop calls"): the caller's number lands on the
    tenant's do-not-call list (source ivr), leaves the campaign it was pending in, and the
    campaign, started afterwards, completes without dialling it."""
    tenant, number, caller = f"ivd{uid}", "4008300022", "13910080002"
    admin, _ = await provision(platform_api, tenant, number)
    base = f"/api/v1/tenants/{tenant}"
    await admin.call("PUT", f"{base}/schedules/hours", schedule(True), expect=200)
    _, c = await admin.call(
        "POST",
        f"{base}/campaigns",
        {
            "name": "催缴",
            "mode": "progressive",
            "caller_number": number,
            "queue": "sales",
            "schedule": "hours",
        },
        expect=201,
    )
    one = f"{base}/campaigns/{c['id']}"
    resp = await admin.client.post(
        f"{one}/contacts.csv",
        data=f"phone\n{caller}\n".encode(),
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert resp.status == 200 and (await resp.json())["do_not_call"] == []
    await admin.call(
        "PUT",
        f"{base}/ivrs/care",
        {
            "entry": "main",
            "menus": {"main": {"prompt": "silence/1", "options": {"9": {"kind": "dnc"}}}},
        },
        expect=200,
    )
    await admin.call(
        "PUT", f"{base}/numbers/{number}/route", {"type": "ivr", "target": "care"}, expect=200
    )
    # The caller presses 9 in the IVR.
    await stack.call_in_pressing(number, "9", caller=caller, delay=1.5)

    async def listed() -> bool:
        _, dnc = await admin.call("GET", f"{base}/dnc", expect=200)
        return [(d["number"], d["source"]) for d in dnc] == [(caller, "ivr")]

    await wait_for(listed, timeout=20, interval=0.5)
    _, contacts = await admin.call("GET", f"{one}/contacts", expect=200)
    assert [(x["phone"], x["status"]) for x in contacts] == [(caller, "dnc")]
    # Started now, the campaign has nothing to dial: it completes with no attempt.
    await admin.call("POST", f"{one}/state", {"action": "start"}, expect=200)

    async def completed() -> bool:
        _, shown = await admin.call("GET", one, expect=200)
        return bool(shown["status"] == "completed")

    await wait_for(completed, timeout=20, interval=0.5)
    assert (
        await db.fetchval("SELECT count(*) FROM campaign_attempts WHERE tenant_id = $1", tenant)
        == 0
    )
    # A campaign's list uploaded later (the number written another way) says the number is
    # on the list and stores it as such.
    _, c2 = await admin.call(
        "POST",
        f"{base}/campaigns",
        {
            "name": "回访",
            "mode": "progressive",
            "caller_number": number,
            "queue": "sales",
            "schedule": "hours",
        },
        expect=201,
    )
    resp = await admin.client.post(
        f"{base}/campaigns/{c2['id']}/contacts.csv",
        data=f"phone\n+86 {caller}\n".encode(),
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert (await resp.json())["do_not_call"] == [caller]
    # Another tenant's list is untouched.
    other = await db.fetchval(
        "SELECT count(*) FROM dnc_numbers WHERE number = $1 AND tenant_id IS DISTINCT FROM $2",
        caller,
        tenant,
    )
    assert other == 0
