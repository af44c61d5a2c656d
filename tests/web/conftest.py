"""Browser fixtures for the pages alone: the control plane on PostgreSQL without Asterisk,
and Debian's chromium driven by Playwright (never downloaded)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio

from support import CHROMIUM, browser_api


@pytest_asyncio.fixture
async def browser() -> AsyncIterator[Any]:
    """Headless chromium; each test opens its own contexts (locale, viewport)."""
    playwright_api = browser_api()
    async with playwright_api.async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            yield chromium
        finally:
            await chromium.close()
