"""The tenant admin chooses what callers of a number hear (issue 17): Mandarin by default for
a new tenant, English for one number, chosen on the numbers page in Chinese."""

from __future__ import annotations

import string
from typing import Any

from pages import missing_words, open_page, open_tab, sign_in

from support import OPERATOR, ApiClient, browser_api

playwright_api = browser_api()


async def test_a_number_is_set_to_english_on_the_numbers_page(
    api: ApiClient, browser: Any, uid: str, db: Any
) -> None:
    op = await api.login(*OPERATOR)
    tid = "l" + "".join(c for c in uid if c in string.ascii_lowercase + string.digits)[:12]
    admin_user = {"username": f"{tid}-adm", "password": "secret-pass-1"}
    await op.call("POST", "/api/v1/tenants", {"id": tid, "name": tid, "admin": admin_user})
    number = "40082" + str(int(uid[:8], 16) % 100000).zfill(5)
    await op.call("POST", f"/api/v1/tenants/{tid}/numbers", {"number": number}, expect=201)
    admin = await api.login(f"{tid}-adm", "secret-pass-1")
    await admin.call(
        "POST", f"/api/v1/tenants/{tid}/queues", {"name": "sales", "extension": "600"}, expect=201
    )
    assert await db.fetchval("SELECT language FROM tenants WHERE id = $1", tid) == "zh"

    page = await open_tab(browser, f"http://127.0.0.1:{api.client.port}", "zh-CN")
    await sign_in(page, f"{tid}-adm", "secret-pass-1")
    await open_page(page, f"/t/{tid}/numbers", f"#route-{number}")
    await page.select_option(f"#route-{number}-type", "queue")
    await page.fill(f"#route-{number}-target", "sales")
    await page.select_option(f"#route-{number}-language", "en")
    await page.click(f"#route-{number}-submit")
    await page.wait_for_selector(f"#route-{number} [role=status]:not(:empty)")
    _, numbers = await admin.call("GET", f"/api/v1/tenants/{tid}/numbers", expect=200)
    assert numbers[0]["route"]["language"] == "en", numbers
    # What the dialplan reads: the number's language, else the tenant's.
    assert await db.fetchval("SELECT language FROM cc_dids WHERE number = $1", number) == "en"
    assert await missing_words(page) == []
    await page.context.close()
