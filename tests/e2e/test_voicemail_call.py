"""A caller leaves voicemail on a real call (issue 17): the new tenant's caller hears the
mailbox greeting in Mandarin, records over the carrier's tone, and the message reaches the
tenant's inbox through the media agent, playable as WAV."""

from __future__ import annotations

import asyncio
import io
import wave

import pytest
from e2e.test_mandarin_prompts import log_size, playbacks
from e2e.test_routing import calling, open_tenant, route

from stack import Stack
from support import ApiClient, wait_for

pytestmark = pytest.mark.e2e


async def test_a_caller_leaves_voicemail_that_reaches_the_browser_inbox(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    tenant, number = f"vm{uid}", "4008200173"
    admin = await open_tenant(platform_api, tenant, number)
    await admin.call(
        "POST",
        f"/api/v1/tenants/{tenant}/mailboxes",
        {"mailbox": "100", "name": "前台"},
        expect=201,
    )
    await route(admin, tenant, number, {"type": "voicemail", "target": "100"})
    since = log_size(stack)
    caller = "13700000173"
    async with calling(stack, number, caller):
        await wait_for(lambda: _recording(stack, since), timeout=20)
        await asyncio.sleep(3)  # three seconds of the carrier's tone on the message
    played = [(f.rsplit(".", 1)[0], lang) for f, lang in playbacks(stack, "PJSIP/carrier", since)]
    assert ("vm-theperson", "zh") in played or ("vm-intro", "zh") in played, played

    async def inbox() -> list[dict[str, object]] | None:
        _, body = await admin.call("GET", f"/api/v1/tenants/{tenant}/voicemail")
        return body or None

    [msg] = await wait_for(inbox, timeout=20)
    assert msg["mailbox"] == "100" and msg["caller"] == caller and msg["heard"] is False, msg
    resp = await admin.client.get(
        f"/api/v1/tenants/{tenant}/voicemail/{msg['id']}/audio",
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert resp.status == 200
    with wave.open(io.BytesIO(await resp.read())) as w:
        assert w.getnframes() / w.getframerate() >= 1.0


def _recording(stack: Stack, since: int) -> bool:
    log = stack.platform.host_dir / "log" / "messages.log"
    with log.open("rb") as f:
        f.seek(since)
        text = f.read().decode(errors="replace")
    return "Recording the message" in text or "beep" in text
