"""A tenant cannot play another tenant's prompts (issue 13, item 5), even from rows written
before the rule: real calls into IVRs and announcements whose rows hold absolute paths."""

from __future__ import annotations

import contextlib

import asyncpg
import pytest
from e2e.test_routing import ami_of, calling, open_tenant, route, tone_wav

from stack import Stack
from support import ApiClient, wait_for

pytestmark = pytest.mark.e2e


async def _applications(api: ApiClient, caller: str, seen: list[tuple[str, str]]) -> bool:
    """Record what runs on ``caller``'s inbound channel; true once it waits in a queue."""
    for item in await ami_of(api).action_list("CoreShowChannels"):
        if (
            item.get("Channel", "").startswith("PJSIP/carrier")
            and item.get("CallerIDNum") == caller
        ):
            step = (str(item.get("Application", "")), str(item.get("ApplicationData", "")))
            if not seen or seen[-1] != step:
                seen.append(step)
            if step[0] == "Queue":
                return True
    return False


async def test_rows_pointing_at_another_tenants_prompt_play_nothing_of_it(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    victim, attacker = f"vic{uid}", f"att{uid}"
    victim_admin = await open_tenant(platform_api, victim, "4008200091")
    resp = await platform_api.client.put(
        f"/api/v1/tenants/{victim}/prompts/secret",
        data=tone_wav(2.0),
        headers={"Authorization": f"Bearer {victim_admin.token}", "Content-Type": "audio/wav"},
    )
    assert resp.status == 200, await resp.text()
    secret = stack.platform.host_dir / "prompts" / victim / "secret.wav"
    await wait_for(secret.exists)
    # The file as Asterisk sees it (it may run in a chroot), without extension, as Playback()
    # takes it.
    stolen = f"/srv/callcenter/{stack.platform.name}/prompts/{victim}/secret"

    number = "4008200092"
    admin = await open_tenant(platform_api, attacker, number)
    await admin.call(
        "POST", f"/api/v1/tenants/{attacker}/queues", {"name": "q", "extension": "601"}, expect=201
    )
    ivr = {
        "entry": "m",
        "menus": {"m": {"prompt": "silence/1", "options": {"1": {"kind": "queue", "target": "q"}}}},
    }
    # The API refuses the path outright...
    status, body = await admin.call(
        "PUT", f"/api/v1/tenants/{attacker}/ivrs/main", {**ivr, "greeting": stolen}
    )
    assert (status, body["details"]["field"]) == (400, "greeting")
    await admin.call("PUT", f"/api/v1/tenants/{attacker}/ivrs/main", ivr, expect=200)
    await route(admin, attacker, number, {"type": "ivr", "target": "main"})
    # ...so the attack is rows written before the rule, or by hand.
    conn = await asyncpg.connect(stack.dsn)
    try:
        await conn.execute("UPDATE ivrs SET greeting = $2 WHERE tenant_id = $1", attacker, stolen)
        await conn.execute(
            "UPDATE ivr_menus SET prompt = $2 WHERE tenant_id = $1", attacker, stolen
        )
    finally:
        await conn.close()

    caller, seen = "13700000091", []
    async with calling(stack, number, caller, keys_="1", delay=2.0):
        # (a played greeting would swallow the key: then the caller never reaches the queue)
        with contextlib.suppress(TimeoutError):
            await wait_for(
                lambda: _applications(platform_api, caller, seen), timeout=15, interval=0.02
            )
    print(seen)
    assert all(victim not in data for _, data in seen), seen
    # The menu still works: it waited for a key with no prompt, and the key led to the queue.
    assert ("Read", "KEY,,1,t(),1,5") in seen, seen
    log = (stack.platform.host_dir / "log" / "messages.log").read_text(errors="replace")
    assert stolen not in log

    # An announcement row holding the path: "not in service", never the file.
    conn = await asyncpg.connect(stack.dsn)
    try:
        await conn.execute(
            "UPDATE numbers SET destination_type = 'announcement', destination = $2"
            " WHERE number = $1",
            number,
            stolen,
        )
    finally:
        await conn.close()
    caller, seen = "13700000092", []

    async def announced() -> bool:
        await _applications(platform_api, caller, seen)
        return any(app == "Playback" for app, _ in seen)

    async with calling(stack, number, caller):
        await wait_for(announced, timeout=10, interval=0.02)
    assert [data for app, data in seen if app == "Playback"] == ["ss-noservice"], seen
    log = (stack.platform.host_dir / "log" / "messages.log").read_text(errors="replace")
    assert stolen not in log
