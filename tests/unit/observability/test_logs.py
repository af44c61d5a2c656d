"""Structured logs: one JSON object per line, the request id on every line of a request."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from callcenter.observability.logs import configure


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
