"""``/console``: the admin and operator console, static files that talk to ``/api/v1``.

The pages hold no data and no authority: the JWT lives in the tab's sessionStorage and is sent
as an ``Authorization`` header (never a cookie, so no request can ride on ambient credentials),
and every API call checks the role and tenant itself. The page's own role checks only decide
what to show.
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from callcenter.errors import NotFound

routes = web.RouteTableDef()

ADMIN_DIR = Path(__file__).resolve().parent.parent / "web" / "admin"
STATIC = frozenset({"admin.js", "admin.css"})
VENDOR = frozenset({"qrcode.js"})  # copied from npm by deploy/qrcode.sh (gitignored)
# The security headers (CSP, framing) are set for every page by web/headers.py.
HEADERS = {"Cache-Control": "no-cache"}


@routes.get("/console")
async def console(_request: web.Request) -> web.StreamResponse:
    """The console's single page; pages are chosen by the URL fragment."""
    return web.FileResponse(ADMIN_DIR / "index.html", headers=HEADERS)


@routes.get("/")
async def root(_request: web.Request) -> web.StreamResponse:
    """The platform's front door is the console."""
    raise web.HTTPFound("/console")


@routes.get("/console/static/{name}")
async def console_static(request: web.Request) -> web.StreamResponse:
    """The console's script and style sheet (a fixed list: no path from the URL)."""
    name = request.match_info["name"]
    if name in VENDOR:
        path = ADMIN_DIR / "vendor" / name
        if not path.is_file():
            raise NotFound("not installed; run deploy/setup.sh", file=name)
        return web.FileResponse(path, headers=HEADERS)
    if name not in STATIC:
        raise NotFound("no such file", file=name)
    return web.FileResponse(ADMIN_DIR / name, headers=HEADERS)
