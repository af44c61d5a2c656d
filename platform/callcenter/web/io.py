"""Request parsing: JSON bodies validated by pydantic, errors naming the field."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from callcenter import keys
from callcenter.auth.principal import Principal
from callcenter.errors import InvalidInput, Unauthorized

M = TypeVar("M", bound=BaseModel)

PRINCIPAL = web.RequestKey("principal", Principal)
MAX_BODY = 64 * 1024


def field_path(loc: tuple[int | str, ...]) -> str:
    """``("members", 0, "extension")`` -> ``members[0].extension``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "body"


async def read_object(request: web.Request) -> dict[str, Any]:
    """The request's JSON body, which must be an object of at most ``MAX_BODY`` bytes."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise InvalidInput("request body too large", field="body")
    raw = await request.read()
    if len(raw) > MAX_BODY:
        raise InvalidInput("request body too large", field="body")
    try:
        data = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput("body is not valid JSON", field="body") from exc
    if not isinstance(data, dict):
        raise InvalidInput("body must be a JSON object", field="body")
    bad = nul_field(data)
    if bad is not None:
        # PostgreSQL text cannot hold NUL, and no name or number needs one.
        raise InvalidInput("NUL characters are not allowed", field=bad)
    return data


def nul_field(value: Any, loc: tuple[int | str, ...] = ()) -> str | None:
    """The path of the first string (or key) holding a NUL character, if any."""
    if isinstance(value, str):
        return field_path(loc) if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = nul_field(key, (*loc, key)) or nul_field(item, (*loc, key))
            if found is not None:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = nul_field(item, (*loc, i))
            if found is not None:
                return found
    return None


async def read_csv_upload(request: web.Request, max_bytes: int) -> str:
    """An uploaded CSV body of at most ``max_bytes``: UTF-8, else GB18030 (what Excel on a
    Chinese Windows saves). Both contact list uploads (contacts, campaigns) read it here."""
    too_big = f"the file is larger than {max_bytes // (1024 * 1024)} MB"
    if request.content_length is not None and request.content_length > max_bytes:
        raise InvalidInput(too_big, field="csv")
    data = await request.content.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InvalidInput(too_big, field="csv")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise InvalidInput("the file is not UTF-8 or GB18030 text", field="csv") from exc


async def parse_body(request: web.Request, model: type[M]) -> M:
    """The request's JSON body as ``model``; InvalidInput naming the first bad field."""
    data = await read_object(request)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidInput(
            first["msg"],
            field=field_path(tuple(first["loc"])),
            errors=[
                {"field": field_path(tuple(e["loc"])), "message": e["msg"]}
                for e in exc.errors()[:20]
            ],
        ) from exc


def principal_of(request: web.Request) -> Principal:
    """The authenticated principal; Unauthorized when the request carried no valid token."""
    principal: Principal | None = request.get(PRINCIPAL)
    if principal is None:
        raise Unauthorized("a bearer token is required")
    return principal


async def queues_applied(request: web.Request) -> None:
    """Answer a request that changed a queue (its definition or members) only once every
    node holds the change, so the caller's next call finds it."""
    queues = request.app.get(keys.QUEUES)
    if queues is not None:
        await queues.applied()
