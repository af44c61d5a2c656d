"""The supervisor board: ``/api/v1/tenants/{tenant_id}/board`` (snapshot, force pause and
log-out, alert thresholds), supervisor users, and the ``/board`` page. Live updates reach the
page over ``/api/v1/ws`` (agents' states and calls from the workspace, ``board.queues`` from
``quality.live``)."""

from __future__ import annotations

import re
from pathlib import Path

from aiohttp import web

from callcenter import keys
from callcenter.agents.api import AGENTS
from callcenter.errors import InvalidInput, NotFound
from callcenter.quality import reviews, service
from callcenter.quality.errors import NoSuchReview
from callcenter.quality.live import BOARD_PUSH
from callcenter.quality.schemas import (
    KEY,
    AppealIn,
    ForcePauseIn,
    FormIn,
    SamplingIn,
    SamplingRunIn,
    ScoreIn,
    SupervisedQueuesIn,
    SupervisorIn,
    ThresholdIn,
)
from callcenter.web.io import parse_body, principal_of

routes = web.RouteTableDef()
PAGE_DIR = Path(__file__).resolve().parents[1] / "web" / "console"
STATIC = {"board.js", "board.css", "quality.js"}
BASE = "/api/v1/tenants/{tenant_id}"


@routes.get(BASE + "/board")
async def board(request: web.Request) -> web.Response:
    """Every agent in the supervisor's scope with state, time in state and call; queues and
    alerts."""
    return web.json_response(
        await service.board(
            request.app[AGENTS],
            request.app.get(keys.WALLBOARD),
            principal_of(request),
            request.match_info["tenant_id"],
        )
    )


@routes.post(BASE + "/board/agents/{extension}/pause")
async def pause(request: web.Request) -> web.Response:
    """Pause an agent in every queue (body: ``{"reason": ...}``)."""
    who = principal_of(request)
    tenant_id = request.match_info["tenant_id"]
    who.require_tenant(tenant_id, *service.BOARD_ROLES)  # before reading the body
    body = await parse_body(request, ForcePauseIn)
    return web.json_response(
        await service.force_pause(
            request.app[AGENTS], who, tenant_id, request.match_info["extension"], body
        )
    )


@routes.post(BASE + "/board/agents/{extension}/unpause")
async def unpause(request: web.Request) -> web.Response:
    """Take an agent out of its pause."""
    return web.json_response(
        await service.force_pause(
            request.app[AGENTS],
            principal_of(request),
            request.match_info["tenant_id"],
            request.match_info["extension"],
            None,
        )
    )


@routes.post(BASE + "/board/agents/{extension}/logout")
async def logout(request: web.Request) -> web.Response:
    """Log an agent out: unavailable to every queue in Asterisk at once."""
    return web.json_response(
        await service.force_logout(
            request.app[AGENTS],
            principal_of(request),
            request.match_info["tenant_id"],
            request.match_info["extension"],
        )
    )


@routes.get(BASE + "/board/thresholds")
async def get_thresholds(request: web.Request) -> web.Response:
    """The tenant's alert thresholds: the default and each queue's own."""
    return web.json_response(
        await service.get_thresholds(
            request.app[keys.POOL], principal_of(request), request.match_info["tenant_id"]
        )
    )


async def _put_threshold(request: web.Request, queue: str | None) -> web.Response:
    who = principal_of(request)
    tenant_id = request.match_info["tenant_id"]
    who.require_tenant(tenant_id, "tenant_admin")
    body = await parse_body(request, ThresholdIn)
    out = await service.put_threshold(request.app[keys.POOL], who, tenant_id, queue, body)
    push = request.app.get(BOARD_PUSH)
    if push is not None:
        push.forget(tenant_id)
    return web.json_response(out)


@routes.put(BASE + "/board/thresholds")
async def put_default_threshold(request: web.Request) -> web.Response:
    """The tenant's default thresholds (every queue without its own)."""
    return await _put_threshold(request, None)


@routes.put(BASE + "/board/thresholds/{queue}")
async def put_queue_threshold(request: web.Request) -> web.Response:
    """One queue's thresholds (a null figure falls back to the default)."""
    return await _put_threshold(request, request.match_info["queue"])


@routes.get(BASE + "/supervisors")
async def list_supervisors(request: web.Request) -> web.Response:
    """The tenant's supervisor users and the queues each is restricted to."""
    return web.json_response(
        await service.list_supervisors(
            request.app[keys.POOL], principal_of(request), request.match_info["tenant_id"]
        )
    )


@routes.post(BASE + "/supervisors")
async def create_supervisor(request: web.Request) -> web.Response:
    """A supervisor user (``queues``: restrict it to these; empty: the whole tenant)."""
    who = principal_of(request)
    tenant_id = request.match_info["tenant_id"]
    who.require_tenant(tenant_id, "tenant_admin")
    body = await parse_body(request, SupervisorIn)
    return web.json_response(
        await service.create_supervisor(
            request.app[keys.POOL], request.app[keys.HASHER], who, tenant_id, body
        ),
        status=201,
    )


@routes.put(BASE + "/supervisors/{username}/queues")
async def set_supervised(request: web.Request) -> web.Response:
    """Restrict a supervisor to some queues (empty: the whole tenant)."""
    who = principal_of(request)
    tenant_id = request.match_info["tenant_id"]
    who.require_tenant(tenant_id, "tenant_admin")
    body = await parse_body(request, SupervisedQueuesIn)
    return web.json_response(
        await service.set_supervised(
            request.app[keys.POOL], who, tenant_id, request.match_info["username"], body
        )
    )


@routes.get(BASE + "/quality/talk")
async def list_talk(request: web.Request) -> web.Response:
    """Latest recorded calls' talk figures (``?flag=long_silence``, ``&limit=50``)."""
    raw_limit = request.query.get("limit", "50")
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
    if not (raw_limit.isascii() and raw_limit.isdigit() and len(raw_limit) <= 6):
        raise InvalidInput("limit must be a number", field="limit")
    return web.json_response(
        await service.list_talk(
            request.app[keys.POOL],
            principal_of(request),
            request.match_info["tenant_id"],
            request.query.get("flag"),
            int(raw_limit),
        )
    )


@routes.get(BASE + "/quality/calls/{linkedid}/talk")
async def call_talk(request: web.Request) -> web.Response:
    """One recorded call's talk figures: shares, longest silence, over-talk, hold, flags and
    the timeline of who spoke when."""
    return web.json_response(
        await service.call_talk(
            request.app[keys.POOL],
            principal_of(request),
            request.match_info["tenant_id"],
            request.match_info["linkedid"],
        )
    )


@routes.get("/board")
async def page(_request: web.Request) -> web.StreamResponse:
    """The supervisor board page (static; data over the API and the live websocket)."""
    return web.FileResponse(PAGE_DIR / "board.html")


@routes.get("/board/static/{name}")
async def static(request: web.Request) -> web.StreamResponse:
    """The board's script and style sheet."""
    name = request.match_info["name"]
    if name not in STATIC:
        raise NotFound("no such file")
    return web.FileResponse(PAGE_DIR / name, headers={"Cache-Control": "no-cache"})


# ------------------------------------------------------------------ scorecards
def _review_id(request: web.Request) -> int:
    raw = request.match_info["review_id"]
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        raise NoSuchReview("no such review", field="id")
    return int(raw)


def _int_query(request: web.Request, name: str, default: int) -> int:
    raw = request.query.get(name, str(default))
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6:
        raise InvalidInput("a whole number", field=name)
    return int(raw)


@routes.get(BASE + "/quality/forms")
async def list_forms(request: web.Request) -> web.Response:
    """The tenant's QA forms."""
    return web.json_response(
        await reviews.list_forms(
            request.app[keys.POOL], principal_of(request), request.match_info["tenant_id"]
        )
    )


@routes.put(BASE + "/quality/forms/{form}")
async def put_form(request: web.Request) -> web.Response:
    """Create or replace a QA form: items with weights; critical items zero the score."""
    who = principal_of(request)
    tenant_id = request.match_info["tenant_id"]
    who.require_tenant(tenant_id, "tenant_admin")
    name = request.match_info["form"]
    if re.fullmatch(KEY, name) is None:
        raise InvalidInput("a lower-case name", field="form")
    body = await parse_body(request, FormIn)
    return web.json_response(
        await reviews.put_form(request.app[keys.POOL], who, tenant_id, name, body)
    )


@routes.get(BASE + "/quality/sampling")
async def get_sampling(request: web.Request) -> web.Response:
    """The tenant's sampling rules."""
    return web.json_response(
        await reviews.get_sampling(
            request.app[keys.POOL], principal_of(request), request.match_info["tenant_id"]
        )
    )


@routes.put(BASE + "/quality/sampling")
async def put_sampling(request: web.Request) -> web.Response:
    """Weekly share per agent, calls longer than N s, calls with talk flags."""
    who = principal_of(request)
    tenant_id = request.match_info["tenant_id"]
    who.require_tenant(tenant_id, "tenant_admin")
    body = await parse_body(request, SamplingIn)
    return web.json_response(
        await reviews.put_sampling(request.app[keys.POOL], who, tenant_id, body)
    )


@routes.post(BASE + "/quality/sampling/run")
async def run_sampling(request: web.Request) -> web.Response:
    """Pick recorded calls of the last days for review with a form."""
    who = principal_of(request)
    tenant_id = request.match_info["tenant_id"]
    who.require_tenant(tenant_id, *service.BOARD_ROLES)
    body = await parse_body(request, SamplingRunIn)
    return web.json_response(
        await reviews.run_sampling(request.app[keys.POOL], who, tenant_id, body), status=201
    )


@routes.get(BASE + "/quality/reviews")
async def list_reviews(request: web.Request) -> web.Response:
    """Reviews (``?status=``): reviewers see their scope's, an agent its own scored ones."""
    return web.json_response(
        await reviews.list_reviews(
            request.app[keys.POOL],
            principal_of(request),
            request.match_info["tenant_id"],
            request.query.get("status"),
        )
    )


@routes.get(BASE + "/quality/reviews/{review_id}")
async def get_review(request: web.Request) -> web.Response:
    """One review: form, item scores with moments, recordings, talk timeline."""
    return web.json_response(
        await reviews.get_review(
            request.app[keys.POOL],
            principal_of(request),
            request.match_info["tenant_id"],
            _review_id(request),
        )
    )


@routes.get(BASE + "/quality/reviews/{review_id}/recordings/{recording_id:[0-9]{1,18}}/audio")
async def review_audio(request: web.Request) -> web.Response:
    """The reviewed call's recording (WAV): its agent may play it too."""
    data = await reviews.review_audio(
        request.app[keys.POOL],
        principal_of(request),
        request.match_info["tenant_id"],
        _review_id(request),
        int(request.match_info["recording_id"]),
    )
    return web.Response(body=data, content_type="audio/wav")


@routes.put(BASE + "/quality/reviews/{review_id}/score")
async def score_review(request: web.Request) -> web.Response:
    """The reviewer's scores of every item, with moments and a comment."""
    who = principal_of(request)
    tenant_id = request.match_info["tenant_id"]
    who.require_tenant(tenant_id, *service.BOARD_ROLES)
    review_id = _review_id(request)
    body = await parse_body(request, ScoreIn)
    return web.json_response(
        await reviews.score_review(request.app[keys.POOL], who, tenant_id, review_id, body)
    )


@routes.post(BASE + "/quality/reviews/{review_id}/appeal")
async def appeal(request: web.Request) -> web.Response:
    """The agent's one appeal of its scored review."""
    who = principal_of(request)
    tenant_id = request.match_info["tenant_id"]
    who.require_tenant(tenant_id, "agent")
    review_id = _review_id(request)
    body = await parse_body(request, AppealIn)
    return web.json_response(
        await reviews.appeal(request.app[keys.POOL], who, tenant_id, review_id, body)
    )


@routes.put(BASE + "/quality/reviews/{review_id}/decision")
async def decide(request: web.Request) -> web.Response:
    """A second reviewer's scores of an appealed review: the final score."""
    who = principal_of(request)
    tenant_id = request.match_info["tenant_id"]
    who.require_tenant(tenant_id, *service.BOARD_ROLES)
    review_id = _review_id(request)
    body = await parse_body(request, ScoreIn)
    return web.json_response(
        await reviews.decide(request.app[keys.POOL], who, tenant_id, review_id, body)
    )


@routes.get(BASE + "/quality/report")
async def report(request: web.Request) -> web.Response:
    """Mean QA score ``?by=agent|queue|item&interval=week|day&days=90``."""
    return web.json_response(
        await reviews.report(
            request.app[keys.POOL],
            principal_of(request),
            request.match_info["tenant_id"],
            request.query.get("by", "agent"),
            request.query.get("interval", "week"),
            _int_query(request, "days", 90),
        )
    )


@routes.get("/quality")
async def quality_page(_request: web.Request) -> web.StreamResponse:
    """The quality page: reviews to score, an agent's results and appeals, the report."""
    return web.FileResponse(PAGE_DIR / "quality.html")
