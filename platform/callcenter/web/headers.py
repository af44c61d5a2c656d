"""The security headers of every response, set in one place (``on_response_prepare``).

Every HTML page (admin console, agent console, wallboard, and any page added later) gets the
same policy: scripts and styles from this origin only, no framing (clickjacking), no base or
form retargeting. The agent console's softphone also talks to Asterisk's websocket, whose
origin (``CALLCENTER_SIP_WS_URL``) is the one other address pages may connect to. Every
response, HTML or not, is ``nosniff`` and sends no referrer.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import web

from callcenter import keys

ALWAYS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def websocket_origin(url: str) -> str:
    """``ws[s]://host[:port]`` of a websocket URL, or "" when it is not one."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    host = parts.hostname or ""
    if (
        parts.scheme not in ("ws", "wss")
        or not host
        or not all(c.isalnum() or c in ".-:[]" for c in host)
    ):
        return ""
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


def page_headers(sip_ws_url: str) -> dict[str, str]:
    """The headers of an HTML page."""
    connect = " ".join(filter(None, ["'self'", websocket_origin(sip_ws_url)]))
    return {
        "Content-Security-Policy": (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            f" media-src 'self' blob:; connect-src {connect}; object-src 'none';"
            " frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
        ),
        "X-Frame-Options": "DENY",
        "Cache-Control": "no-cache",
        **ALWAYS,
    }


async def secure_response(request: web.Request, response: web.StreamResponse) -> None:
    """``on_response_prepare``: HTML pages get :func:`page_headers`, everything else
    :data:`ALWAYS` (the content type is known only now, e.g. for a FileResponse)."""
    if response.content_type == "text/html":
        response.headers.update(page_headers(request.app[keys.SETTINGS].sip_ws_url))
    else:
        for name, value in ALWAYS.items():
            response.headers.setdefault(name, value)
