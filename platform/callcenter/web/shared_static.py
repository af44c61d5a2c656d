"""``/static/session.js``, ``/static/i18n.js`` and the zh-CN / English catalogues the three
pages share (fixed files: no path from the URL reaches the disk)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp import web

routes = web.RouteTableDef()

SHARED_DIR = Path(__file__).resolve().parent / "shared"
CATALOGUE_DIR = SHARED_DIR / "i18n"
LOCALES = ("zh-CN", "en")
_NO_CACHE = {"Cache-Control": "no-cache"}


@routes.get("/static/session.js")
async def session_js(_request: web.Request) -> web.StreamResponse:
    """One token key, one API call, one error display."""
    return web.FileResponse(SHARED_DIR / "session.js", headers=_NO_CACHE)


@routes.get("/static/i18n.js")
async def i18n_js(_request: web.Request) -> web.StreamResponse:
    """The catalogue lookup, locale choice and locale-aware formatting."""
    return web.FileResponse(SHARED_DIR / "i18n.js", headers=_NO_CACHE)


def _catalogue(locale: str) -> None:
    async def catalogue(_request: web.Request) -> web.StreamResponse:
        return web.FileResponse(
            CATALOGUE_DIR / f"{locale}.json",
            headers={**_NO_CACHE, "Content-Type": "application/json; charset=utf-8"},
        )

    catalogue.__doc__ = f"The {locale} catalogue of the pages' words."
    catalogue.__name__ = catalogue.__qualname__ = f"catalogue_{locale.replace('-', '_').lower()}"
    routes.get(f"/static/i18n/{locale}.json")(catalogue)


for _locale in LOCALES:
    _catalogue(_locale)


@routes.get("/static/echarts.js")
async def echarts_js(_request: web.Request) -> web.StreamResponse:
    """The chart library of the reports and the wallboard, bundled at setup
    (deploy/charts.sh: ECharts core, line/bar/pie/tree, canvas renderer)."""
    path = SHARED_DIR / "vendor" / "echarts.js"
    if not await asyncio.to_thread(path.exists):
        raise web.HTTPNotFound(text="run deploy/charts.sh")
    return web.FileResponse(path, headers={"Cache-Control": "no-cache"})


@routes.get("/static/ivrtree.js")
async def ivrtree_js(_request: web.Request) -> web.StreamResponse:
    """An IVR drawn as a tree (the admin console's IVR page)."""
    return web.FileResponse(SHARED_DIR / "ivrtree.js", headers={"Cache-Control": "no-cache"})


@routes.get("/static/charts.js")
async def charts_js(_request: web.Request) -> web.StreamResponse:
    """The report page's charts (on the bundled ECharts)."""
    return web.FileResponse(SHARED_DIR / "charts.js", headers={"Cache-Control": "no-cache"})
