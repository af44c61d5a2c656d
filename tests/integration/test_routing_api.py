"""Routing configuration through the API: what is refused, with which field, and that a
refused change leaves everything as it was; what lands in the rows Asterisk reads."""

from __future__ import annotations

from typing import Any

from integration.test_provisioning_api import open_tenant

from support import OPERATOR, ApiClient


async def _queue(admin: ApiClient, tid: str, name: str, ext: str) -> None:
    await admin.call(
        "POST", f"/api/v1/tenants/{tid}/queues", {"name": name, "extension": ext}, expect=201
    )


async def _refused(admin: ApiClient, method: str, path: str, body: Any) -> tuple[int, str]:
    status, reply = await admin.call(method, path, body)
    assert 400 <= status < 500, (status, reply)
    return status, reply["details"].get("field", "")


async def test_ivrs_that_loop_or_point_nowhere_are_refused_and_change_nothing(
    api: ApiClient, uid: str, db: Any
) -> None:
    tid, admin = await open_tenant(api, uid)
    await _queue(admin, tid, "sales", "601")
    good = {
        "entry": "main",
        "menus": {
            "main": {"prompt": "silence/1", "options": {"1": {"kind": "queue", "target": "sales"}}}
        },
    }
    await admin.call("PUT", f"/api/v1/tenants/{tid}/ivrs/main", good, expect=200)
    path = f"/api/v1/tenants/{tid}/ivrs/main"
    loop = {
        "entry": "a",
        "menus": {
            "a": {"prompt": "silence/1", "on_max_tries": {"kind": "submenu", "target": "b"}},
            "b": {"prompt": "silence/1", "on_max_tries": {"kind": "submenu", "target": "a"}},
        },
    }
    cases = [
        (loop, 400, "menus.b.on_max_tries"),
        (
            {
                "entry": "main",
                "menus": {
                    "main": {"prompt": "x", "options": {"1": {"kind": "submenu", "target": "nope"}}}
                },
            },
            400,
            "menus.main.options.1",
        ),
        (
            {
                "entry": "main",
                "menus": {
                    "main": {"prompt": "x", "options": {"1": {"kind": "queue", "target": "ghost"}}}
                },
            },
            404,
            "menus.main.options.1.target",
        ),
        (
            {
                "entry": "main",
                "menus": {
                    "main": {
                        "prompt": "x",
                        "options": {"1": {"kind": "external", "target": "0012125550100"}},
                    }
                },
            },
            400,
            "menus.main.options.1.target",
        ),
        ({"entry": "main", "menus": {"main": {"prompt": "a,b"}}}, 400, "menus.main.prompt"),
        (
            {"entry": "main", "greeting": "tenant/none", "menus": {"main": {"prompt": "x"}}},
            404,
            "greeting",
        ),
        (
            {
                "entry": "main",
                "menus": {"main": {"prompt": "x", "options": {"12": {"kind": "hangup"}}}},
            },
            400,
            "menus.main.options.12",
        ),
    ]
    for body, status, field in cases:
        got = await _refused(admin, "PUT", path, body)
        assert got == (status, field), (body, got)
    # The IVR is still the good one, in the API and in the rows the dialplan reads.
    _, ivr = await admin.call("GET", path, expect=200)
    assert ivr["menus"] == good["menus"]
    keys = await db.fetch("SELECT id, kind, target FROM ivr_keys WHERE tenant_id = $1", tid)
    assert [tuple(k) for k in keys] == [(f"{tid}:main:main:1", "queue", "sales")]


async def test_schedules_numbers_and_queues_refuse_what_does_not_exist(
    api: ApiClient, uid: str, db: Any
) -> None:
    op = await api.login(*OPERATOR)
    tid, admin = await open_tenant(api, uid)
    number = "40082" + str(int(uid, 16) % 100000).zfill(5)
    await op.call("POST", f"/api/v1/tenants/{tid}/numbers", {"number": number}, expect=201)
    await _queue(admin, tid, "sales", "601")
    sched = f"/api/v1/tenants/{tid}/schedules/office"
    week = [{"weekday": 0, "start": "09:00", "end": "18:00"}]
    closed = {"kind": "queue", "target": "sales"}
    assert await _refused(
        admin,
        "PUT",
        sched,
        {"timezone": "Mars/Olympus", "weekly": week, "closed_destination": closed},
    ) == (400, "timezone")
    assert await _refused(
        admin,
        "PUT",
        sched,
        {
            "timezone": "Asia/Shanghai",
            "weekly": week,
            "closed_destination": {"kind": "voicemail", "target": "99"},
        },
    ) == (404, "closed_destination.target")
    assert await _refused(
        admin,
        "PUT",
        sched,
        {
            "timezone": "Asia/Shanghai",
            "weekly": [{"weekday": 9, "start": "09:00", "end": "18:00"}],
            "closed_destination": closed,
        },
    ) == (400, "weekly[0].weekday")
    assert not await db.fetchval("SELECT count(*) FROM schedules WHERE tenant_id = $1", tid)
    await admin.call(
        "PUT",
        sched,
        {"timezone": "Asia/Shanghai", "weekly": week, "closed_destination": closed},
        expect=200,
    )
    spans = await db.fetchval(
        "SELECT count(*) FROM schedule_open WHERE tenant_id = $1 AND schedule = 'office'", tid
    )
    assert 50 <= spans <= 60, spans  # one per Monday, for 400 days ahead

    route = f"/api/v1/tenants/{tid}/numbers/{number}/route"
    assert await _refused(admin, "PUT", route, {"type": "ivr", "target": "ghost"}) == (
        404,
        "route.target",
    )
    assert await _refused(
        admin, "PUT", route, {"type": "queue", "target": "sales", "schedule": "nights"}
    ) == (404, "schedule")
    assert await _refused(admin, "PUT", route, {"type": "external", "target": "00123456789"}) == (
        400,
        "route.target",
    )
    await admin.call(
        "PUT", route, {"type": "queue", "target": "sales", "schedule": "office"}, expect=200
    )
    # A schedule in use cannot be deleted.
    assert (await admin.call("DELETE", sched))[0] == 409

    queue = f"/api/v1/tenants/{tid}/queues/sales"
    assert await _refused(
        admin, "PUT", queue, {"overflow": {"timeout": {"kind": "queue", "target": "sales"}}}
    ) == (400, "overflow.timeout.target")
    assert await _refused(
        admin, "PUT", queue, {"overflow": {"empty": {"kind": "agent", "target": "1009"}}}
    ) == (404, "overflow.empty.target")
    assert await _refused(admin, "PUT", queue, {"strategy": "whoever"}) == (400, "strategy")
    assert await _refused(admin, "PUT", queue, {"callback_key": "#"}) == (400, "callback_key")
    row = await db.fetchrow("SELECT strategy, context FROM queues WHERE name = $1", f"{tid}-sales")
    assert tuple(row) == ("rrmemory", None)


async def test_a_tenant_cannot_route_to_another_tenants_objects(api: ApiClient, uid: str) -> None:
    op = await api.login(*OPERATOR)
    tid_a, admin_a = await open_tenant(api, uid)
    tid_b, admin_b = await open_tenant(api, uid[::-1] + "b")
    await _queue(admin_a, tid_a, "vip", "601")
    number_b = "40083" + str(int(uid, 16) % 100000).zfill(5)
    await op.call("POST", f"/api/v1/tenants/{tid_b}/numbers", {"number": number_b}, expect=201)
    route = f"/api/v1/tenants/{tid_b}/numbers/{number_b}/route"
    assert await _refused(admin_b, "PUT", route, {"type": "queue", "target": "vip"}) == (
        404,
        "route.target",
    )
    # And B's admin cannot touch A's IVRs, schedules, queues or limits at all.
    for method, path in [
        ("PUT", f"/api/v1/tenants/{tid_a}/ivrs/x"),
        ("PUT", f"/api/v1/tenants/{tid_a}/schedules/x"),
        ("PUT", f"/api/v1/tenants/{tid_a}/queues/vip"),
        ("PUT", f"/api/v1/tenants/{tid_a}/limits"),
        ("GET", f"/api/v1/tenants/{tid_a}/prompts"),
        ("GET", f"/api/v1/tenants/{tid_a}/mailboxes"),
    ]:
        status, _ = await admin_b.call(method, path, {})
        assert status in (403, 404), (method, path, status)


async def test_operators_set_limits_and_outbound_patterns(
    api: ApiClient, uid: str, db: Any
) -> None:
    op = await api.login(*OPERATOR)
    tid, admin = await open_tenant(api, uid)
    limits = f"/api/v1/tenants/{tid}/limits"
    assert (await admin.call("PUT", limits, {"max_calls": 5}))[0] == 403
    assert await _refused(op, "PUT", limits, {"outbound_patterns": ["1XX", "9|1"]}) == (
        400,
        "outbound_patterns[1]",
    )
    _, tenant = await op.call(
        "PUT",
        limits,
        {"max_calls": 5, "max_outbound": 2, "outbound_patterns": ["1[3-9]XXXXXXXXX", "400XXXXXXX"]},
        expect=200,
    )
    assert tenant["limits"]["max_outbound"] == 2
    regex = await db.fetchval("SELECT outbound_regex FROM cc_tenants WHERE id = $1", tid)
    assert regex.startswith("^(1[3-9]") and "|400[0-9]" in regex
