"""An OpenAPI 3.1 document built from the app's own routes and their pydantic models.

Nothing is declared twice: paths and methods come from the router, path parameters from
the route templates, request bodies from the model each handler passes to ``parse_body``,
query parameters from the ``request.query`` keys a handler reads (or the model it validates
the query with), summaries from docstrings. Every operation may answer the JSON error body.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import re
import textwrap
from collections.abc import Callable, Iterator
from typing import Any

from aiohttp import web
from pydantic import BaseModel

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error", "message", "details", "request_id"],
    "properties": {
        "error": {"type": "string", "description": "stable slug, e.g. not-found"},
        "message": {"type": "string"},
        "details": {"type": "object", "description": "``field`` names the bad input"},
        "request_id": {"type": "string"},
        "reason": {
            "type": "string",
            "description": "the specific slug within the error's family, e.g. no-such-seat",
        },
    },
}
_ERRORS = {
    "400": "invalid input",
    "401": "no valid token (invalid-token, token-expired, token-revoked, user-disabled)",
    "403": "not allowed (tenant-suspended: the tenant is read-only)",
    "404": "not found",
    "409": "conflict",
    "503": "a backing service is unavailable",
}
# Password checks, limited per username and source address (auth/throttle.py).
_THROTTLED = {("POST", "/api/v1/auth/token"), ("POST", "/api/v1/auth/password")}
_PUBLIC = {("POST", "/api/v1/auth/token"), ("GET", "/healthz"), ("GET", "/api/v1/openapi.json")}
# Successes that are not JSON (errors always are).
_SUCCESS_TYPES = {"/metrics": "text/plain"}  # Prometheus text exposition
_PARAM_PATTERNS = {
    "tenant_id": r"^[a-z][a-z0-9]{1,15}$",
}


def _called_functions(fn: Callable[..., Any], depth: int = 2) -> Iterator[Callable[..., Any]]:
    """``fn`` and the functions of its own module it calls by name, ``depth`` levels deep."""
    yield fn
    if depth == 0:
        return
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            target = fn.__globals__.get(node.func.id)
            if inspect.isfunction(target) and target.__module__ == fn.__module__:
                yield from _called_functions(target, depth - 1)


def _models_and_query(
    handler: Callable[..., Any],
) -> tuple[type[BaseModel] | bool, type[BaseModel] | None, list[str]]:
    """(body model, or True for a free-form JSON object; query model; query keys read)."""
    body: type[BaseModel] | bool = False
    query_model: type[BaseModel] | None = None
    keys: list[str] = []
    for fn in _called_functions(handler):
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
        except (OSError, TypeError, SyntaxError):
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else None
            attr = node.func.attr if isinstance(node.func, ast.Attribute) else None
            if name == "read_object" and body is False:
                body = True
            if name == "parse_body" and len(node.args) >= 2 and isinstance(node.args[1], ast.Name):
                model = fn.__globals__.get(node.args[1].id)
                if isinstance(model, type) and issubclass(model, BaseModel):
                    body = model
            if attr == "model_validate" and isinstance(node.func, ast.Attribute):
                owner = node.func.value
                src = ast.unparse(node)
                if isinstance(owner, ast.Name) and "request.query" in src:
                    model = fn.__globals__.get(owner.id)
                    if isinstance(model, type) and issubclass(model, BaseModel):
                        query_model = model
            if (
                attr == "get"
                and isinstance(node.func, ast.Attribute)
                and ast.unparse(node.func.value) == "request.query"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                keys.append(node.args[0].value)
    return body, query_model, sorted(set(keys))


def _inline(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """Move pydantic's ``$defs`` into components and point references there."""
    for name, sub in schema.pop("$defs", {}).items():
        defs[name] = sub
    return schema


def _query_parameters(model: type[BaseModel], defs: dict[str, Any]) -> list[dict[str, Any]]:
    schema = _inline(model.model_json_schema(by_alias=True), defs)
    required = set(schema.get("required", []))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": prop}
        for name, prop in schema.get("properties", {}).items()
    ]


def build(app: web.Application, *, title: str = "Call center control plane") -> dict[str, Any]:
    """The OpenAPI document of ``app``."""
    paths: dict[str, dict[str, Any]] = {}
    defs: dict[str, Any] = {"Error": ERROR_SCHEMA}
    for route in app.router.routes():
        if route.method in ("HEAD", "OPTIONS", "*") or route.resource is None:
            continue
        info = route.resource.get_info()
        template = info.get("formatter") or info.get("path")
        if not template:
            continue
        handler: Any = route.handler
        doc = inspect.getdoc(handler) or ""
        body, query_model, query_keys = _models_and_query(handler)
        params: list[dict[str, Any]] = [
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": {
                    "type": "string",
                    "pattern": _PARAM_PATTERNS.get(name, r"^[^/]+$"),
                    "maxLength": 64,
                },
            }
            for name in re.findall(r"\{(\w+)\}", template)
        ]
        if query_model is not None:
            params += _query_parameters(query_model, defs)
        params += [
            {"name": key, "in": "query", "required": False, "schema": {"type": "string"}}
            for key in query_keys
        ]
        error = {"$ref": "#/components/schemas/Error"}
        responses: dict[str, Any] = {
            "default": {
                "description": "success",
                "content": {_SUCCESS_TYPES.get(template, "application/json"): {"schema": {}}},
            }
        }
        for status, what in _ERRORS.items():
            responses[status] = {
                "description": what,
                "content": {"application/json": {"schema": error}},
            }
        if (route.method, template) in _THROTTLED:
            responses["429"] = {
                "description": "too-many-attempts: wait for the Retry-After header's seconds",
                "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                "content": {"application/json": {"schema": error}},
            }
        op: dict[str, Any] = {
            "operationId": f"{route.method.lower()}_{handler.__module__.split('.')[1]}_"
            f"{handler.__name__}",
            "summary": doc.splitlines()[0] if doc else handler.__name__,
            "parameters": params,
            "responses": responses,
        }
        if (route.method, template) not in _PUBLIC:
            op["security"] = [{"bearer": []}]
        if body is True:
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        elif isinstance(body, type):
            schema = _inline(
                body.model_json_schema(ref_template="#/components/schemas/{model}"), defs
            )
            defs[body.__name__] = schema
            op["requestBody"] = {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"$ref": f"#/components/schemas/{body.__name__}"}
                    }
                },
            }
        elif route.method == "PUT" and "/prompts/" in template:
            op["requestBody"] = {
                "required": True,
                "content": {
                    # a WAV file (16-bit mono 8 kHz), sent as the raw body
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        paths.setdefault(template, {})[route.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": "1"},
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": defs,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }


routes = web.RouteTableDef()
# Built on first request (reading handler sources is file I/O: once, off the event loop).
CACHE = web.AppKey("openapi_cache", dict[str, Any])


@routes.get("/api/v1/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    """This API's OpenAPI document."""
    cache = request.app[CACHE]
    if "doc" not in cache:
        loop = asyncio.get_running_loop()
        cache["doc"] = await loop.run_in_executor(None, build, request.app)
    return web.json_response(cache["doc"])
