"""``/static/session.js``: the session and API module the three pages share."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

routes = web.RouteTableDef()

SHARED_DIR = Path(__file__).resolve().parent / "shared"


@routes.get("/static/session.js")
async def session_js(_request: web.Request) -> web.StreamResponse:
    """One token key, one API call, one error display (a fixed file: no path from the URL)."""
    return web.FileResponse(SHARED_DIR / "session.js", headers={"Cache-Control": "no-cache"})
