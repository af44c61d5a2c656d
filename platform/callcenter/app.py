"""``create_app(settings)``: the one place where everything is wired."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from callcenter import keys
from callcenter.admin import api as admin_api
from callcenter.agents import api as agents_api
from callcenter.agents.service import AgentDeps
from callcenter.ami.channels import LostCall
from callcenter.ami.cluster import AmiCluster, NodeAddress, client_factory
from callcenter.asterisk.live import AsteriskSync
from callcenter.asterisk.media import PromptMirror, RecordingCollector, VoicemailCollector
from callcenter.asterisk.queues import QueueSync
from callcenter.asterisk.routes import RouteGeneration
from callcenter.auth import api as auth_api
from callcenter.auth.access import AccessGuard
from callcenter.auth.passwords import Hasher
from callcenter.auth.service import bootstrap_operator
from callcenter.auth.throttle import Buckets, LoginThrottle, Rate
from callcenter.auth.tokens import TokenService
from callcenter.billing import api as billing_api
from callcenter.callbacks.service import CallbackDesk
from callcenter.campaigns import api as campaigns_api
from callcenter.campaigns.dialer import Dialer
from callcenter.campaigns.live import campaign_push
from callcenter.cdr import api as cdr_api
from callcenter.cdr.sink import CdrSink
from callcenter.contacts import api as contacts_api
from callcenter.db.pool import create_pool
from callcenter.db.probe import DatabaseProbe
from callcenter.errors import DomainError
from callcenter.ivrs import api as ivrs_api
from callcenter.mailboxes import api as mailboxes_api
from callcenter.mailboxes.mailer import Mailer
from callcenter.nodes import api as nodes_api
from callcenter.nodes import service as nodes_service
from callcenter.nodes.directory import NodeDirectory
from callcenter.numbers import api as numbers_api
from callcenter.observability import api as observability_api
from callcenter.observability.metrics import PlatformMetrics
from callcenter.operations import api as operations_api
from callcenter.prompts import api as prompts_api
from callcenter.quality import api as quality_api
from callcenter.quality.live import board_push, talk_detection
from callcenter.queues import api as queues_api
from callcenter.recordings import api as recordings_api
from callcenter.recordings.service import purge_expired
from callcenter.reports import api as reports_api
from callcenter.reports import wallboard_api
from callcenter.reports.live import LiveWallboard
from callcenter.schedules import api as schedules_api
from callcenter.schedules.service import refresh_due
from callcenter.seats import api as seats_api
from callcenter.security import api as security_api
from callcenter.security.guard import Policy
from callcenter.security.service import SipGuard
from callcenter.selfservice import api as selfservice_api
from callcenter.settings import Settings
from callcenter.supervision import api as supervision_api
from callcenter.tasks import cancel_and_wait
from callcenter.tenants import api as tenants_api
from callcenter.trunks import api as trunks_api
from callcenter.web import openapi, shared_static
from callcenter.web.headers import secure_response
from callcenter.web.middlewares import auth_middleware, errors_middleware
from callcenter.workspace import api as workspace_api
from callcenter.workspace.lifecycle import WORKSPACE, live_workspace

log = logging.getLogger(__name__)


async def _database(app: web.Application) -> AsyncIterator[None]:
    settings = app[keys.SETTINGS]
    pool = await create_pool(settings.dsn)
    app[keys.POOL] = pool
    app[keys.DB_PROBE] = probe = DatabaseProbe(settings.dsn)
    if settings.operator_password:
        await bootstrap_operator(pool, settings.operator_username, settings.operator_password)
    yield
    await probe.close()
    await pool.close()


async def _asterisk(app: web.Application) -> AsyncIterator[None]:
    """One AMI connection per node of ``nodes`` (the settings' Asterisk while none is
    registered), kept in step with the table; failover when a node is lost."""
    settings = app[keys.SETTINGS]
    pool = app[keys.POOL]
    ami = AmiCluster(
        client_factory(settings.ami_username, settings.ami_secret),
        implicit=NodeAddress(settings.node, settings.ami_host, settings.ami_port),
        dead_after=settings.node_dead_after_s,
    )
    app[keys.AMI] = ami

    async def lost(node: str, lost_at: float, calls: list[LostCall]) -> None:
        await nodes_service.node_lost(pool, node, datetime.fromtimestamp(lost_at, UTC), calls)

    async def back(node: str) -> None:
        await nodes_service.node_back(pool, node)

    ami.on_node_lost(lost)
    ami.on_node_back(back)
    ami.on_raw(app[keys.METRICS].on_ami_event)
    sync = AsteriskSync(pool, ami, settings.dsn)
    if settings.lookup_gateway_url and settings.lookup_token:
        sync.node_globals.update(
            CC_LOOKUP_URL=settings.lookup_gateway_url, CC_LOOKUP_TOKEN=settings.lookup_token
        )
    app[keys.SYNC] = sync
    routes = RouteGeneration(ami, settings.dsn, sync.node_globals)
    queues = QueueSync(pool, ami, settings.dsn)
    app[keys.QUEUES] = queues
    callbacks = CallbackDesk(pool, ami)
    app[keys.WALLBOARD] = LiveWallboard(pool, ami)
    directory = NodeDirectory(pool, settings.dsn, ami)
    dialer = Dialer(pool, ami)
    app[keys.DIALER] = dialer
    await sync.start()
    await routes.start()
    await queues.start()
    await callbacks.start()
    await dialer.start()
    await directory.start()
    await ami.start()
    yield
    await directory.stop()
    await dialer.stop()
    await ami.stop()
    await callbacks.stop()
    await queues.stop()
    await routes.stop()
    await sync.stop()


async def _access(app: web.Application) -> AsyncIterator[None]:
    """Revocation: who may still use their token, kept fresh by LISTEN/NOTIFY; and the
    password hasher's threads."""
    s = app[keys.SETTINGS]
    hasher = Hasher(s.password_workers, s.password_queue)
    app[keys.HASHER] = hasher
    guard = AccessGuard(app[keys.POOL], s.dsn)
    app[keys.ACCESS] = guard
    await guard.start()
    yield
    await guard.stop()
    hasher.close()


async def _housekeeping(app: web.Application) -> AsyncIterator[None]:
    """Hourly: keep schedules' open spans a year ahead; delete expired recordings."""

    async def loop() -> None:
        while True:
            try:
                await refresh_due(app[keys.POOL])
                await purge_expired(app[keys.POOL])
            except DomainError as exc:
                log.warning("housekeeping failed: %s", exc.message)
            await asyncio.sleep(3600)

    task = asyncio.ensure_future(loop())
    task.set_name("housekeeping")
    yield
    await cancel_and_wait([task])


async def _media_agent(app: web.Application) -> AsyncIterator[None]:
    """Beside Asterisk (demo, tests): mirror uploaded prompts into its prompt directory and
    collect finished recordings from it."""
    settings = app[keys.SETTINGS]
    mirror = PromptMirror(settings.dsn, settings.prompts_dir) if settings.prompts_dir else None
    collector = (
        RecordingCollector(app[keys.POOL], settings.recordings_dir)
        if settings.recordings_dir
        else None
    )
    voicemail_dir = settings.voicemail_dir or (
        str(Path(settings.recordings_dir).parent / "spool" / "voicemail")
        if settings.recordings_dir
        else None
    )
    voicemail = (
        VoicemailCollector(app[keys.POOL], voicemail_dir, mailer_of(settings))
        if voicemail_dir
        else None
    )
    if mirror is not None:
        app[keys.PROMPTS] = mirror
        await mirror.start()
    if collector is not None:
        await collector.start()
    if voicemail is not None:
        await voicemail.start()
    yield
    if voicemail is not None:
        await voicemail.stop()
    if collector is not None:
        await collector.stop()
    if mirror is not None:
        await mirror.stop()


def mailer_of(settings: Settings) -> Mailer | None:
    """The operator's SMTP server, if configured."""
    if not settings.smtp_host:
        return None
    return Mailer(
        settings.smtp_host,
        settings.smtp_port,
        settings.smtp_sender,
        settings.smtp_username,
        settings.smtp_password,
        settings.smtp_starttls,
    )


async def _cdr_sink(app: web.Application) -> AsyncIterator[None]:
    spool = app[keys.SETTINGS].cdr_spool_dir
    sink = CdrSink(
        app[keys.POOL],
        app[keys.AMI],
        spool_dir=Path(spool) if spool else None,
        on_written=app[keys.METRICS].cdrs_written,
    )
    app[keys.CDR_SINK] = sink
    await sink.start()
    yield
    await sink.stop()


async def _sip_guard(app: web.Application) -> AsyncIterator[None]:
    """Block SIP addresses that keep failing authentication (what the edge records)."""
    s = app[keys.SETTINGS]
    policy = Policy(s.sip_guard_threshold, s.sip_guard_window_s, s.sip_guard_block_s)
    allow = frozenset(a.strip() for a in s.sip_guard_allow.split(",") if a.strip())
    guard = SipGuard(app[keys.POOL], s.dsn, policy, allow)
    app[keys.SIP_GUARD] = guard
    await guard.start()
    yield
    await guard.stop()


async def liveness(request: web.Request) -> web.Response:
    """``/healthz``, liveness for probes: database reachable (else 503), AMI connected.

    The operator's view of the platform (calls up now, per tenant) is ``operations/``.
    """
    db_ok = await request.app[keys.DB_PROBE].reachable()  # not behind the pool's queue
    ami = request.app.get(keys.AMI)
    body: dict[str, Any] = {"database": db_ok, "ami": bool(ami and ami.connected)}
    if ami is not None:
        body["nodes"] = {name: ami.node_connected(name) for name in ami.nodes}
    return web.json_response(body, status=200 if db_ok else 503)


async def _agents(app: web.Application) -> AsyncIterator[None]:
    """What the agents service needs, once the live workspace is up."""
    app[agents_api.AGENTS] = AgentDeps(
        app[keys.POOL],
        app[WORKSPACE],
        app[keys.SETTINGS],
        app.get(keys.SYNC),
        app.get(keys.AMI),
    )
    yield


def create_app(settings: Settings) -> web.Application:
    """Build the control plane: middlewares, routes, pool, AMI client and state sync."""
    app = web.Application(
        middlewares=[errors_middleware, auth_middleware], client_max_size=256 * 1024
    )
    app[keys.SETTINGS] = settings
    # Its own registry: tests build many apps in one process (the global one would collide).
    app[keys.METRICS] = PlatformMetrics(settings.node)
    app[keys.TOKENS] = TokenService(settings.jwt_secret, settings.token_ttl_s)
    app[openapi.CACHE] = {}
    app.on_response_prepare.append(secure_response)
    app[keys.LOGIN_THROTTLE] = LoginThrottle(
        per_username=Buckets(
            Rate(settings.login_burst_per_username, settings.login_refill_per_username_s)
        ),
        per_address=Buckets(
            Rate(settings.login_burst_per_address, settings.login_refill_per_address_s)
        ),
    )
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(_access)
    app.cleanup_ctx.append(_housekeeping)
    app.cleanup_ctx.append(_sip_guard)  # PostgreSQL only: the edge records, the edge refuses
    if settings.prompts_dir or settings.recordings_dir or settings.voicemail_dir:
        app.cleanup_ctx.append(_media_agent)
    if settings.ami_enabled:
        app.cleanup_ctx.append(_asterisk)
        app.cleanup_ctx.append(_cdr_sink)
    app.cleanup_ctx.append(live_workspace)
    app.cleanup_ctx.append(selfservice_api.lookup_gateway)
    app.cleanup_ctx.append(_agents)
    app.cleanup_ctx.append(wallboard_api.wallboard_push)
    app.cleanup_ctx.append(board_push)
    app.cleanup_ctx.append(campaign_push)
    app.cleanup_ctx.append(talk_detection)
    app.cleanup_ctx.append(observability_api.metrics_sources)
    app.router.add_get("/healthz", liveness)
    for module in (
        auth_api,
        tenants_api,
        numbers_api,
        seats_api,
        queues_api,
        schedules_api,
        ivrs_api,
        mailboxes_api,
        nodes_api,
        prompts_api,
        reports_api,
        recordings_api,
        wallboard_api,
        supervision_api,
        cdr_api,
        billing_api,
        admin_api,
        operations_api,
        observability_api,
        security_api,
        trunks_api,
        selfservice_api,
        campaigns_api,
        openapi,
        shared_static,
    ):
        app.router.add_routes(module.routes)
    for module in (agents_api, contacts_api, workspace_api, quality_api):
        app.router.add_routes(module.routes)
    return app
