"""Middlewares: request id, bearer-token authentication, domain errors to JSON."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable

import structlog
from aiohttp import web

from callcenter import keys
from callcenter.auth.access import AccessGuard
from callcenter.auth.principal import Principal
from callcenter.errors import DomainError, Forbidden, InvalidInput, Unauthorized
from callcenter.web.io import PRINCIPAL

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

STATUS_BY_SLUG: dict[str, int] = {
    "invalid-input": 400,
    "unauthorized": 401,
    "bad-credentials": 401,
    "invalid-token": 401,
    "token-expired": 401,
    "token-revoked": 401,
    "user-disabled": 401,
    "seat-removed": 401,
    "tenant-suspended": 403,
    "tenant-closed": 403,
    "too-many-attempts": 429,
    "forbidden": 403,
    "not-found": 404,
    "conflict": 409,
    "ami-error": 502,
    "unavailable": 503,
}


def public_slug(exc: DomainError) -> tuple[int, str]:
    """The status and the ``error`` slug clients see: the error's own if the table names it,
    else its nearest family's (``NoSuchSeat`` answers 404 ``not-found``; the specific slug goes
    in ``reason``, so clients written against the families keep working)."""
    if exc.slug in STATUS_BY_SLUG:
        return STATUS_BY_SLUG[exc.slug], exc.slug
    for cls in type(exc).__mro__:
        family = cls.__dict__.get("slug")
        if isinstance(family, str) and family in STATUS_BY_SLUG:
            return STATUS_BY_SLUG[family], family
    return 400, exc.slug


def _error(
    status: int,
    slug: str,
    message: str,
    details: dict[str, object],
    request_id: str,
    reason: str | None = None,
) -> web.Response:
    body: dict[str, object] = {
        "error": slug,
        "message": message,
        "details": details,
        "request_id": request_id,
    }
    if reason is not None and reason != slug:
        body["reason"] = reason
    response = web.json_response(body, status=status)
    response.headers["X-Request-Id"] = request_id
    retry_after = details.get("retry_after_s")
    if isinstance(retry_after, int):
        response.headers["Retry-After"] = str(retry_after)
    return response


@web.middleware
async def errors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Map DomainError to its status; log anything else with a request id and return 500."""
    request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex
    # Every line logged while this request is handled carries its id (observability/logs.py).
    with structlog.contextvars.bound_contextvars(request_id=request_id):
        return await _answer(request, handler, request_id)


async def _answer(request: web.Request, handler: Handler, request_id: str) -> web.StreamResponse:
    try:
        if "\x00" in request.path or "\x00" in request.query_string or "%00" in request.raw_path:
            raise InvalidInput("NUL characters are not allowed", field="path")
        response = await handler(request)
    except DomainError as exc:
        status, slug = public_slug(exc)
        return _error(status, slug, exc.message, exc.details, request_id, exc.slug)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status, "http-error")
        return _error(exc.status, slug, exc.reason, {}, request_id)
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _error(500, "internal-error", "internal error", {}, request_id)
    response.headers["X-Request-Id"] = request_id
    return response


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Writes still allowed on a suspended tenant: the operator lifting the suspension or closing
# the tenant (the service refuses both on a closed one).
_SUSPENDED_ALLOWED = frozenset(
    {("PUT", "/api/v1/tenants/{tenant_id}/status"), ("POST", "/api/v1/tenants/{tenant_id}/close")}
)


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Attach the principal of a valid, unrevoked bearer token (handlers decide whether one
    is needed), and keep suspended tenants read-only."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("use 'Authorization: Bearer <token>'")
        who = request.app[keys.TOKENS].verify(token.strip())
        access = request.app.get(keys.ACCESS)
        if access is not None:
            await access.check(who)
            if request.method not in SAFE_METHODS:
                await _refuse_writes_if_suspended(request, access, who)
        request[PRINCIPAL] = who
    return await handler(request)


async def _refuse_writes_if_suspended(
    request: web.Request, access: AccessGuard, who: Principal
) -> None:
    """A suspended tenant changes nothing: not by its users, nor on its routes by operators
    (except lifting the suspension). Its invoices, usage and CDRs stay readable. A closed
    tenant changes nothing at all."""
    info = request.match_info.route.resource.get_info() if request.match_info.route.resource else {}
    if (request.method, info.get("formatter") or info.get("path")) in _SUSPENDED_ALLOWED:
        return
    tenants = {who.tenant_id, request.match_info.get("tenant_id")} - {None}
    for tenant_id in sorted(t for t in tenants if t is not None):
        status = await access.tenant_status(tenant_id)
        if status == "closed":  # never lifted: a cached answer is a true one
            raise Forbidden(
                "the tenant is closed: its records can be read but nothing changed",
                slug="tenant-closed",
                tenant=tenant_id,
            )
        if status == "suspended" and await access.tenant_status(tenant_id, fresh=True) == (
            "suspended"
        ):
            raise Forbidden(
                "the tenant is suspended: its data can be read but not changed",
                slug="tenant-suspended",
                tenant=tenant_id,
            )
