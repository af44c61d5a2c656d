"""The voicemail inbox in the browser (issue 17): the tenant admin sees each message with its
caller, time and length, plays it in the page, and playing marks it heard; in Chinese, saved
at 1366 and 390 px."""

from __future__ import annotations

import io
import string
import wave
from typing import Any

from pages import missing_words, open_page, open_tab, serious_violations, shoot, sign_in

from support import OPERATOR, ApiClient, browser_api, wait_for

playwright_api = browser_api()


def wav(seconds: float) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x01\x00" * int(8000 * seconds))
    return out.getvalue()


async def test_the_admin_plays_voicemail_in_the_page_and_it_is_marked_heard(
    api: ApiClient, browser: Any, uid: str, db: Any
) -> None:
    op = await api.login(*OPERATOR)
    tid = "m" + "".join(c for c in uid if c in string.ascii_lowercase + string.digits)[:12]
    admin_user = {"username": f"{tid}-adm", "password": "secret-pass-1"}
    await op.call("POST", "/api/v1/tenants", {"id": tid, "name": tid, "admin": admin_user})
    admin = await api.login(f"{tid}-adm", "secret-pass-1")
    await admin.call(
        "POST", f"/api/v1/tenants/{tid}/mailboxes", {"mailbox": "100", "name": "销售部"}, expect=201
    )
    # As the media agent stores a collected message (tests/integration/test_voicemail_inbox).
    message_id = await db.fetchval(
        "INSERT INTO voicemail_messages (tenant_id, mailbox, msg_key, caller, seconds, audio)"
        " VALUES ($1, '100', $2, '13800138000', 65, $3) RETURNING id",
        tid,
        f"tenant-{tid}/100/1.msg0000",
        wav(1.0),
    )
    page = await open_tab(browser, f"http://127.0.0.1:{api.client.port}", "zh-CN")
    await sign_in(page, f"{tid}-adm", "secret-pass-1")
    await open_page(page, f"/t/{tid}/mailboxes", "#voicemail-table")
    row = await page.text_content(f"tr[data-message='{message_id}']")
    assert row is not None and "13800138000" in row and "1分5秒" in row and "未听" in row, row
    await page.click(f"#vm-play-{message_id}")
    await page.wait_for_selector(f"tr[data-message='{message_id}'] .vm-state:text('已听')")
    assert (await page.get_attribute("#voicemail-player", "src") or "").startswith("blob:")

    async def heard() -> bool:
        _, listed = await admin.call("GET", f"/api/v1/tenants/{tid}/voicemail")
        return bool(listed[0]["heard"])

    await wait_for(heard, timeout=5)
    assert await missing_words(page) == []
    assert await serious_violations(page) == []
    await shoot(page, "voicemail-inbox")
    await page.context.close()
