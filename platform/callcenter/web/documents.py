"""HTTP for a tenant's named documents (schedules, IVRs): PUT, GET, list and DELETE by name.

The handlers are built once per kind and take the kind's own module, name and docstrings,
so each route keeps its OpenAPI operation id and summary.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from callcenter import documents, keys
from callcenter.auth.principal import Principal
from callcenter.web.io import principal_of, read_object

Handler = Callable[[web.Request], Awaitable[web.Response]]


Put = Callable[[Any, Principal, str, str, dict[str, Any]], Awaitable[dict[str, Any]]]
Delete = Callable[[Any, Principal, str, str], Awaitable[None]]


def _named(handler: Handler, module: str, name: str, doc: str) -> Handler:
    handler.__module__ = module
    handler.__name__ = handler.__qualname__ = name
    handler.__doc__ = doc
    return handler


def document_routes(
    module: str,
    base: str,
    kind: documents.DocumentKind,
    names: tuple[str, str],
    save: Put,
    delete_unused: Delete,
    docs: dict[str, str],
) -> web.RouteTableDef:
    """Routes for ``base`` and ``base/{name}``; ``names`` is (singular, plural) for operation
    ids, ``docs`` gives each verb's summary; reading and listing are the same for every kind.
    """
    singular, plural = names
    routes = web.RouteTableDef()

    async def put(request: web.Request) -> web.Response:
        who = principal_of(request)
        body = await read_object(request)
        return web.json_response(
            await save(
                request.app[keys.POOL],
                who,
                request.match_info["tenant_id"],
                request.match_info["name"],
                body,
            )
        )

    async def list_(request: web.Request) -> web.Response:
        return web.json_response(
            await documents.list_all(
                request.app[keys.POOL], principal_of(request), request.match_info["tenant_id"], kind
            )
        )

    async def get(request: web.Request) -> web.Response:
        return web.json_response(
            await documents.get(
                request.app[keys.POOL],
                principal_of(request),
                request.match_info["tenant_id"],
                kind,
                request.match_info["name"],
            )
        )

    async def delete(request: web.Request) -> web.Response:
        await delete_unused(
            request.app[keys.POOL],
            principal_of(request),
            request.match_info["tenant_id"],
            request.match_info["name"],
        )
        return web.Response(status=204)

    routes.put(base + "/{name}")(_named(put, module, f"put_{singular}", docs["put"]))
    routes.get(base)(_named(list_, module, f"list_{plural}", docs["list"]))
    routes.get(base + "/{name}")(_named(get, module, f"get_{singular}", docs["get"]))
    routes.delete(base + "/{name}")(_named(delete, module, f"delete_{singular}", docs["delete"]))
    return routes
