"""A signed-in browser tab on the console, in a chosen language (shared by the page tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "zh"
LAPTOP = {"width": 1366, "height": 860}
PHONE = {"width": 390, "height": 844}


async def open_tab(browser: Any, base: str, locale: str = "zh-CN", **kw: Any) -> Any:
    """A new page whose browser prefers ``locale``; dialogs are recorded and accepted."""
    context = await browser.new_context(viewport=LAPTOP, locale=locale, **kw)
    page = await context.new_page()
    page.dialogs = []  # type: ignore[attr-defined]
    page.answers = []  # type: ignore[attr-defined]  # what to type into the next prompts

    async def on_dialog(dialog: Any) -> None:
        page.dialogs.append(dialog.message)
        if dialog.type == "prompt" and page.answers:
            await dialog.accept(page.answers.pop(0))
        else:
            await dialog.accept()

    page.on("dialog", on_dialog)
    page.base = base  # type: ignore[attr-defined]
    return page


async def sign_in(page: Any, username: str, password: str) -> None:
    await page.goto(f"{page.base}/console")
    await page.fill("#login-username", username)
    await page.fill("#login-password", password)
    await page.click("#login-submit")
    await page.wait_for_selector("#whoami:not(:empty)")
    # The home page finishes drawing before the test moves on (a late draw would replace the
    # next page's content).
    await page.wait_for_selector("#page-title")
    await page.wait_for_selector("main:not([aria-busy])")


async def open_page(page: Any, fragment: str, ready: str) -> None:
    url = f"{page.base}/console#{fragment}"
    if page.url == url:
        await page.reload()
    else:
        await page.goto(url)
    await page.wait_for_selector(ready, timeout=15_000)
    await page.wait_for_selector("main:not([aria-busy])")


async def missing_words(page: Any) -> list[str]:
    """Keys the page asked for that the catalogue lacks (ccI18n records them)."""
    return list(await page.evaluate("[...window.ccI18n.missing]"))


async def shoot(page: Any, name: str) -> None:
    """Screenshots at 1366 and 390 px under artifacts/zh/ (gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}-1366.png"), full_page=True)
    await page.set_viewport_size(PHONE)
    try:
        await page.screenshot(path=str(ARTIFACTS / f"{name}-390.png"), full_page=True)
        overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (name, overflow)
    finally:
        await page.set_viewport_size(LAPTOP)


async def wait(page: Any, selector: str, timeout: float = 15_000) -> None:
    """Wait for ``selector``; on a timeout say what the page shows instead."""
    try:
        await page.wait_for_selector(selector, timeout=timeout)
    except Exception:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / "FAILED.png"), full_page=True)
        text = await page.inner_text("body")
        raise AssertionError(f"{selector} not shown; page says: {text[:1500]}") from None


AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe.min.js"


async def serious_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core run in the page (evaluated, so the page's CSP is untouched): the serious and
    critical violations, each with its rule and where."""
    import pytest

    if not AXE.exists():
        pytest.fail("axe-core is not installed: run deploy/axe.sh", pytrace=False)
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE.read_text(encoding="utf-8"))
    result = await page.evaluate(
        """async () => {
            const r = await axe.run(document, { resultTypes: ["violations"] });
            return r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
              .map(v => ({ id: v.id, impact: v.impact, help: v.help,
                           nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")) }));
        }"""
    )
    return list(result)
