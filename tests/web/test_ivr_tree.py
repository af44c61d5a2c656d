"""The admin console draws a tenant's IVR as a tree (issue 17): the first menu at the root,
each key a branch to its destination, a submenu's keys under it, the fallbacks named; in
Chinese, saved as screenshots at 1366 and 390 px."""

from __future__ import annotations

import string
from typing import Any

from pages import missing_words, open_page, open_tab, serious_violations, shoot, sign_in

from support import OPERATOR, ApiClient, browser_api

playwright_api = browser_api()


async def test_the_ivr_page_draws_the_menus_as_a_tree(
    api: ApiClient, browser: Any, uid: str
) -> None:
    op = await api.login(*OPERATOR)
    tid = "iv" + "".join(c for c in uid if c in string.ascii_lowercase + string.digits)[:12]
    admin_user = {"username": f"{tid}-adm", "password": "secret-pass-1"}
    await op.call("POST", "/api/v1/tenants", {"id": tid, "name": tid, "admin": admin_user})
    admin = await api.login(f"{tid}-adm", "secret-pass-1")
    await admin.call(
        "POST", f"/api/v1/tenants/{tid}/queues", {"name": "sales", "extension": "600"}, expect=201
    )
    ivr = {
        "entry": "main",
        "language": "zh",
        "menus": {
            "main": {
                "prompt": "silence/1",
                "options": {
                    "1": {"kind": "queue", "target": "sales"},
                    "9": {"kind": "submenu", "target": "more"},
                },
                "on_max_tries": {"kind": "hangup"},
            },
            "more": {
                "prompt": "silence/1",
                "options": {"0": {"kind": "submenu", "target": "main"}},
            },
        },
    }
    await admin.call("PUT", f"/api/v1/tenants/{tid}/ivrs/main", ivr, expect=200)

    page = await open_tab(browser, f"http://127.0.0.1:{api.client.port}", "zh-CN")
    await sign_in(page, f"{tid}-adm", "secret-pass-1")
    await open_page(page, f"/t/{tid}/ivrs", "#ivrs-table")
    await page.wait_for_selector("#ivr-tree canvas")
    tree = await page.evaluate(
        "(() => { const o = echarts.getInstanceByDom(document.getElementById('ivr-tree'))"
        ".getOption(); return o.series[0].data[0]; })()"
    )
    names = [c["name"] for c in tree["children"]]
    assert tree["name"] == "菜单 main", tree
    assert names[0].startswith("按 1 → ") and "sales" in names[0], names
    assert names[1] == "按 9 → 菜单 more", names
    assert any(n.startswith("多次无效 → ") for n in names), names
    # The submenu's own key leads back to the first menu, drawn by name (no endless tree).
    more = tree["children"][1]
    assert [c["name"] for c in more["children"]] == ["按 0 → 菜单 main"], more
    assert await page.get_attribute("#ivr-tree", "aria-label") == "语音导航结构图"
    # The IVR's language is shown and kept by the editor.
    assert await page.input_value("#ivr-language") == "zh"
    await page.select_option("#ivr-language", "en")
    await page.click("#ivr-submit")
    await page.wait_for_selector("#ivr [role=status]:not(:empty)")
    _, saved = await admin.call("GET", f"/api/v1/tenants/{tid}/ivrs/main", expect=200)
    assert saved["language"] == "en", saved
    assert await missing_words(page) == []
    assert await serious_violations(page) == []
    await shoot(page, "ivr-tree")
    await page.context.close()
