"""Structured logs: one JSON object per line, the request id on every line of a request."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import structlog
from aiohttp import web
from aiohttp.test_utils import TestServer

from callcenter.observability.logs import AccessLogger, configure
from callcenter.web.middlewares import errors_middleware


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved, level = list(root.handlers), root.level
    out = io.StringIO()
    handler = configure("json", stream=out)
    try:
        yield out
    finally:
        root.removeHandler(handler)
        for h in saved:
            root.addHandler(h)
        root.setLevel(level)
        structlog.reset_defaults()


def test_each_line_is_one_json_object_carrying_the_bound_request_id(
    stream: io.StringIO,
) -> None:
    log = logging.getLogger("callcenter.example")
    with structlog.contextvars.bound_contextvars(request_id="abc123"):
        log.info("seat %s created\nsecond line of the message", "1001")
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            log.exception("unhandled error")
    log.warning("after the request")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3
    first, second, third = (json.loads(line) for line in lines)
    assert first["event"] == "seat 1001 created\nsecond line of the message"
    assert first["request_id"] == "abc123" and first["level"] == "info"
    assert first["logger"] == "callcenter.example" and first["timestamp"].endswith("Z")
    assert second["request_id"] == "abc123" and second["level"] == "error"
    assert "RuntimeError: boom" in second["exception"]
    assert "request_id" not in third


def test_text_format_is_for_people() -> None:
    from callcenter.observability.logs import formatter

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("you",), None)
    assert "hello you" in formatter("text").format(record)


async def test_everything_logged_while_handling_a_request_carries_its_id(
    aiohttp_client: Any, stream: io.StringIO
) -> None:
    async def handler(_request: web.Request) -> web.Response:
        logging.getLogger("callcenter.example").info("working")
        raise RuntimeError("internal detail")

    app = web.Application(middlewares=[errors_middleware])
    app.router.add_get("/boom", handler)
    client = await aiohttp_client(app)
    resp = await client.get("/boom", headers={"X-Request-Id": "req-42"})
    assert resp.status == 500
    assert (await resp.json())["request_id"] == "req-42"
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    mine = [line for line in lines if line["logger"].startswith("callcenter.")]
    assert [line["event"] for line in mine] == ["working", "unhandled error on GET /boom"]
    assert all(line["request_id"] == "req-42" for line in mine)
    assert "internal detail" in mine[1]["exception"]


async def test_the_access_line_has_the_request_fields_and_id_but_no_query(
    aiohttp_client: Any, stream: io.StringIO
) -> None:
    async def handler(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application(middlewares=[errors_middleware])
    app.router.add_get("/ok", handler)
    server = TestServer(app)
    await server.start_server(access_log_class=AccessLogger)  # as `callcenter serve` runs it
    client = await aiohttp_client(server)
    for path in ("/ok?token=secret-value", "/missing"):
        await client.get(path, headers={"X-Request-Id": f"id{path[:3]}"})
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    access = [line for line in lines if line["logger"] == "aiohttp.access"]
    assert [(a["path"], a["status"], a["request_id"]) for a in access] == [
        ("/ok", 200, "id/ok"),
        ("/missing", 404, "id/mi"),
    ]
    assert all(a["method"] == "GET" and a["duration_ms"] >= 0 for a in access)
    assert "secret-value" not in stream.getvalue()
