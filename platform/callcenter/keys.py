"""The ``web.AppKey`` of every shared resource, typed.

The types are imported for the type checker only, so importing the keys (every handler
does) imports none of the services they name. The live workspace's key and the agents
service's sit in their packages (``workspace.lifecycle.WORKSPACE``, ``agents.api.AGENTS``),
which stand above this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from callcenter.settings import Settings

if TYPE_CHECKING:
    from callcenter.ami.cluster import AmiCluster
    from callcenter.asterisk.live import AsteriskSync
    from callcenter.asterisk.media import PromptMirror
    from callcenter.asterisk.queues import QueueSync
    from callcenter.auth.access import AccessGuard
    from callcenter.auth.passwords import Hasher
    from callcenter.auth.throttle import LoginThrottle
    from callcenter.auth.tokens import TokenService
    from callcenter.campaigns.dialer import Dialer
    from callcenter.cdr.sink import CdrSink
    from callcenter.db.probe import DatabaseProbe
    from callcenter.observability.metrics import PlatformMetrics
    from callcenter.reports.live import LiveWallboard
    from callcenter.security.service import SipGuard

SETTINGS = web.AppKey("settings", Settings)
POOL = web.AppKey("pool", Any)  # asyncpg.Pool: typed Any because asyncpg ships no stubs
DB_PROBE: web.AppKey[DatabaseProbe] = web.AppKey("db_probe")  # /healthz's own connection
AMI: web.AppKey[AmiCluster] = web.AppKey("ami")  # one AMI connection per node
TOKENS: web.AppKey[TokenService] = web.AppKey("tokens")
SYNC: web.AppKey[AsteriskSync] = web.AppKey("sync")
QUEUES: web.AppKey[QueueSync] = web.AppKey("queues")
PROMPTS: web.AppKey[PromptMirror] = web.AppKey("prompts")
CDR_SINK: web.AppKey[CdrSink] = web.AppKey("cdr_sink")
DIALER: web.AppKey[Dialer] = web.AppKey("dialer")  # outbound campaigns
WALLBOARD: web.AppKey[LiveWallboard] = web.AppKey("wallboard")
SIP_GUARD: web.AppKey[SipGuard] = web.AppKey("sip_guard")
ACCESS: web.AppKey[AccessGuard] = web.AppKey("access")  # revocation: user state, tenant status
HASHER: web.AppKey[Hasher] = web.AppKey("hasher")  # scrypt off the event loop, bounded
LOGIN_THROTTLE: web.AppKey[LoginThrottle] = web.AppKey("login_throttle")
METRICS: web.AppKey[PlatformMetrics] = web.AppKey("metrics")  # this app's own registry
