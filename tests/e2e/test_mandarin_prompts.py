"""Callers hear the tenant's language (issue 17): a new tenant is Mandarin, so a caller
waiting in its queue hears the position announcement from sounds/zh, the number read by
say.c in Mandarin digits; a number set to English plays the English files; a prompt the tenant
types is spoken by the host and played to callers like an upload."""

from __future__ import annotations

import contextlib
import io
import re
import wave
from pathlib import Path

import pytest
from e2e.test_routing import calling, channel_var, open_tenant, queue_of_caller, route

from stack import Stack
from support import ApiClient, wait_for

pytestmark = pytest.mark.e2e


def playbacks(stack: Stack, caller_channel_prefix: str, since: int) -> list[tuple[str, str]]:
    """(file, language) Asterisk logged as played since byte ``since`` of its log."""
    log = stack.platform.host_dir / "log" / "messages.log"
    with log.open("rb") as f:
        f.seek(since)
        text = f.read().decode(errors="replace")
    return [
        (m.group(2), m.group(3))
        for m in re.finditer(
            r"<(PJSIP/carrier[^>]*)> Playing '([^']+)' \(language '([^']+)'\)", text
        )
        if m.group(1).startswith(caller_channel_prefix)
    ]


def log_size(stack: Stack) -> int:
    log = stack.platform.host_dir / "log" / "messages.log"
    return log.stat().st_size if log.exists() else 0


def sounds_zh(stack: Stack) -> Path:
    return stack.sandbox.host_path("/usr/share/asterisk/sounds/zh")


async def test_a_new_tenants_caller_hears_the_queue_position_in_mandarin(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    assert (sounds_zh(stack) / "digits" / "wan.wav").exists(), "run deploy/zh_sounds.sh"
    tenant, number = f"zh{uid}", "4008200171"
    admin = await open_tenant(platform_api, tenant, number)
    await admin.call(
        "POST",
        f"/api/v1/tenants/{tenant}/queues",
        {
            "name": "q",
            "extension": "601",
            "announce_position": True,
            "announce_holdtime": False,
            "announce_frequency": 5,
        },
        expect=201,
    )
    await route(admin, tenant, number, {"type": "queue", "target": "q"})
    first, second = "13700000171", "13700000173"
    async with calling(stack, number, first):
        await wait_for(lambda: queue_of_caller(platform_api, first), timeout=15)
        assert await channel_var(platform_api, first, "CHANNEL(language)") == "zh"
        since = log_size(stack)
        # The second caller is number 2: "您前面还有" is followed by say.c's Mandarin digit.
        async with calling(stack, number, second):
            played = await wait_for(
                lambda: _played(stack, since, {"queue-thereare", "digits/2"}), timeout=20
            )
    print(played)
    assert ("queue-thereare", "zh") in played and ("digits/2", "zh") in played, played
    # The files exist in Mandarin, so Asterisk played sounds/zh/*, not its English fallback.
    for name, _ in played:
        assert (sounds_zh(stack) / f"{name}.wav").exists(), name


async def _played(stack: Stack, since: int, wanted: set[str]) -> list[tuple[str, str]] | None:
    played = [
        (re.sub(r"\.\w+$", "", f), lang) for f, lang in playbacks(stack, "PJSIP/carrier", since)
    ]
    return played if wanted <= {f for f, _ in played} else None


async def test_a_number_in_english_and_a_typed_prompt_spoken_in_mandarin(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    tenant, number = f"zt{uid}", "4008200172"
    admin = await open_tenant(platform_api, tenant, number)
    _, made = await admin.call(
        "POST",
        f"/api/v1/tenants/{tenant}/prompts/welcome/speech",
        {"text": "您好 欢迎致电 我们的工作时间是早上九点到晚上六点"},
        expect=200,
    )
    assert made["ref"] == "tenant/welcome" and made["seconds"] > 1, made
    mirrored = stack.platform.host_dir / "prompts" / tenant / "welcome.wav"
    await wait_for(mirrored.exists, timeout=10)
    with wave.open(io.BytesIO(mirrored.read_bytes())) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (8000, 1, 2)
    # Refused: empty text, a bad name.
    status, body = await admin.call(
        "POST", f"/api/v1/tenants/{tenant}/prompts/welcome/speech", {"text": ""}
    )
    assert status == 400 and body["details"]["field"] == "text", body
    status, _ = await admin.call(
        "POST", f"/api/v1/tenants/{tenant}/prompts/Bad Name/speech", {"text": "你好"}
    )
    assert status in (400, 404)

    await route(
        admin,
        tenant,
        number,
        {"type": "announcement", "target": "tenant/welcome", "language": "en"},
    )
    _, numbers = await admin.call("GET", f"/api/v1/tenants/{tenant}/numbers", expect=200)
    assert numbers[0]["route"]["language"] == "en"
    since = log_size(stack)
    caller = "13700000172"
    async with calling(stack, number, caller):
        played = await wait_for(
            lambda: _played_prefix(stack, since, f"/prompts/{tenant}/welcome"), timeout=15
        )
    assert played[0][1] == "en", played
    with contextlib.suppress(Exception):
        await admin.call("DELETE", f"/api/v1/tenants/{tenant}/prompts/welcome")


async def _played_prefix(stack: Stack, since: int, part: str) -> list[tuple[str, str]] | None:
    played = [p for p in playbacks(stack, "PJSIP/carrier", since) if part in p[0]]
    return played or None
