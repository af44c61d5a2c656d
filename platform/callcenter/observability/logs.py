"""Structured logs: one JSON object per line (or plain text), request id bound per request.

Everything goes through the standard library's ``logging`` (the code's ``log.info`` and
``log.exception`` calls stay as they are); structlog's ``ProcessorFormatter`` renders each
record, adding whatever ``structlog.contextvars`` holds for the task that logged it: the
errors middleware binds ``request_id`` for the whole of a request's handling.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

import structlog
from aiohttp.abc import AbstractAccessLogger
from aiohttp.web import BaseRequest, StreamResponse

_SHARED: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.ExtraAdder(),  # fields passed as ``extra=`` (the access line's)
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def formatter(fmt: str) -> logging.Formatter:
    """A ``logging`` formatter rendering records as JSON lines or as readable text."""
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_SHARED,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            # Exceptions as one "exception" field (a traceback inside the JSON string), so a
            # line stays one object.
            structlog.processors.format_exc_info if fmt == "json" else _keep,
            renderer,
        ],
    )


def _keep(_logger: Any, _name: str, event: Any) -> Any:
    return event


def configure(fmt: str, level: int = logging.INFO, stream: TextIO | None = None) -> logging.Handler:
    """Route the root logger (and structlog's own loggers) to ``stream`` (stderr) in ``fmt``."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter(fmt))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    structlog.configure(
        processors=[*_SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    return handler


class AccessLogger(AbstractAccessLogger):
    """One line per request with its fields (path without the query: it may carry secrets).

    aiohttp writes it after the handler, when the request's bound context is gone, so the
    request id is read back from the response header the errors middleware set.
    """

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        """Log one finished request."""
        self.logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status,
            extra={
                "request_id": response.headers.get("X-Request-Id"),
                "method": request.method,
                "path": request.path,
                "status": response.status,
                "duration_ms": round(time * 1000, 3),
                "remote": request.remote,
            },
        )
