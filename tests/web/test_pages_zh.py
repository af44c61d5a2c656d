"""Every page in a Chinese browser: no word is missing from the catalogue, nothing overflows
a 390 px phone, axe-core finds no serious or critical violation on the console, the agent
console and the wallboard, and each page is saved as a screenshot at 1366 and 390 px under
``artifacts/zh/`` (gitignored)."""

from __future__ import annotations

import re
import string
from typing import Any

from pages import missing_words, open_page, open_tab, serious_violations, shoot, sign_in, wait

from support import OPERATOR, ApiClient, browser_api

playwright_api = browser_api()
PASSWORD = "pw-12345678"
TENANT_PAGES = [
    "overview", "seats", "agents", "users", "numbers", "schedules", "ivrs", "queues",
    "mailboxes", "campaigns", "wallboard", "recordings", "reports", "billing",
]  # fmt: skip
OP_PAGES = ["tenants", "numbers", "plans", "billing", "health"]


async def provision(api: ApiClient, uid: str) -> tuple[ApiClient, str]:
    op = await api.login(*OPERATOR)
    tid = "zh" + "".join(c for c in uid if c in string.ascii_lowercase + string.digits)
    await op.call(
        "POST",
        "/api/v1/tenants",
        {
            "id": tid,
            "name": "深圳示例科技",
            "admin": {"username": f"{tid}-adm", "password": PASSWORD},
        },
        expect=201,
    )
    admin = await api.login(f"{tid}-adm", PASSWORD)
    digits = "".join(str(int(c, 16) % 10) for c in uid[:4])
    await op.call("POST", f"/api/v1/tenants/{tid}/numbers", {"number": f"+86 755 2{digits}999"})
    await admin.call(
        "POST", f"/api/v1/tenants/{tid}/seats", {"extension": "1001", "name": "王芳"}, expect=201
    )
    await admin.call(
        "POST", f"/api/v1/tenants/{tid}/queues", {"name": "sales", "extension": "600"}, expect=201
    )
    await admin.call(
        "POST",
        f"/api/v1/tenants/{tid}/agents",
        {
            "username": f"{tid}-wf",
            "password": "agent-pass-123",
            "extension": "1001",
            "name": "王芳",
            "device": "sip",
        },
        expect=201,
    )
    return admin, tid


async def no_english_words(page: Any, scope: str = "body") -> list[str]:
    """Latin words a Chinese reader would meet (ids, codes and names aside)."""
    # What users typed (marked translate="no", as names are) is theirs to write in any language.
    text = await page.evaluate(
        """(scope) => {
          const typed = [...document.querySelectorAll(`${scope} [translate="no"]`)];
          const was = typed.map((e) => e.style.display);
          typed.forEach((e) => { e.style.display = "none"; });
          const text = document.querySelector(scope).innerText;
          typed.forEach((e, i) => { e.style.display = was[i]; });
          return text;
        }""",
        scope,
    )
    allowed = {
        "CRM", "SIP", "URI", "IVR", "CSV", "JSON", "WAV", "kHz", "Webhook", "Asterisk", "AMI",
        "English", "HTTP", "ms", "URL", "QR", "Asia", "Shanghai", "UTC", "API",
    }  # fmt: skip
    words = set(re.findall(r"\b[A-Za-z][a-z]{2,}(?: [a-z]{2,})+\b", text))
    return sorted(w for w in words if not any(a in w for a in allowed))


async def test_every_console_page_speaks_chinese_and_passes_axe(
    api: ApiClient, browser: Any, uid: str
) -> None:
    _, tid = await provision(api, uid)
    base = f"http://127.0.0.1:{api.client.port}"
    page = await open_tab(browser, base, "zh-CN", timezone_id="Asia/Shanghai")
    await sign_in(page, f"{tid}-adm", PASSWORD)
    for name in TENANT_PAGES:
        await open_page(page, f"/t/{tid}/{name}", "#page-title")
        assert await no_english_words(page, "main") == [], name
        await shoot(page, f"console-{name}")
    assert await serious_violations(page) == []
    await open_page(page, f"/t/{tid}/schedules", "#schedule")
    assert await serious_violations(page) == []
    await open_page(page, f"/t/{tid}/queues", "#queue-add")
    assert await serious_violations(page) == []
    assert await missing_words(page) == []
    op = await open_tab(browser, base, "zh-CN", timezone_id="Asia/Shanghai")
    await sign_in(op, *OPERATOR)
    for name in OP_PAGES:
        await open_page(op, f"/op/{name}", "#page-title")
        assert await no_english_words(op, "main") == [], name
        await shoot(op, f"op-{name}")
    assert await serious_violations(op) == []
    await open_page(op, "/op/tenants", "#tenants-table")
    assert await serious_violations(op) == []
    assert await missing_words(op) == []


async def test_the_agent_console_and_the_wallboard_speak_chinese_and_pass_axe(
    api: ApiClient, browser: Any, uid: str
) -> None:
    _, tid = await provision(api, uid)
    base = f"http://127.0.0.1:{api.client.port}"
    page = await open_tab(browser, base, "zh-CN", timezone_id="Asia/Shanghai")
    await page.goto(f"{base}/agent")
    await wait(page, "#signin-button:text-is('登录')")
    assert await serious_violations(page) == []
    await shoot(page, "agent-signin")
    await page.fill("#username", f"{tid}-wf")
    await page.fill("#password", "agent-pass-123")
    await page.click("#signin-button")
    await wait(page, "#who:has-text('王芳')")
    assert "分机" in (await page.text_content("#who") or "")
    assert await page.text_content("#login") == "签入"
    assert await serious_violations(page) == []
    await shoot(page, "agent-desk")
    assert await missing_words(page) == []

    board = await open_tab(browser, base, "zh-CN", timezone_id="Asia/Shanghai")
    await board.goto(f"{base}/wallboard")
    await wait(board, "#login button:text-is('登录')")
    assert await serious_violations(board) == []
    await board.fill("#login [name=username]", f"{tid}-adm")
    await board.fill("#login [name=password]", PASSWORD)
    await board.click("#login button")
    await wait(board, "#status:text-is('实时')")
    assert "服务水平" in (await board.text_content("#board thead") or "")
    assert await serious_violations(board) == []
    await shoot(board, "wallboard")
    assert await missing_words(board) == []
