"""Every ``web.AppKey`` of the application, typed."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from callcenter.agents.service import Desk
from callcenter.ami.client import AmiClient
from callcenter.asterisk.live import AsteriskSync
from callcenter.asterisk.media import PromptMirror
from callcenter.auth.access import AccessGuard
from callcenter.auth.passwords import Hasher
from callcenter.auth.throttle import LoginThrottle
from callcenter.auth.tokens import TokenService
from callcenter.cdr.sink import CdrSink
from callcenter.reports.live import LiveWallboard
from callcenter.security.service import SipGuard
from callcenter.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
POOL = web.AppKey("pool", Any)  # asyncpg.Pool: typed Any because asyncpg ships no stubs
AMI = web.AppKey("ami", AmiClient)
TOKENS = web.AppKey("tokens", TokenService)
SYNC = web.AppKey("sync", AsteriskSync)
PROMPTS = web.AppKey("prompts", PromptMirror)
CDR_SINK = web.AppKey("cdr_sink", CdrSink)
WALLBOARD = web.AppKey("wallboard", LiveWallboard)
DESK = web.AppKey("desk", Desk)  # agent workspace: live state, hub, AMI, pool
SIP_GUARD = web.AppKey("sip_guard", SipGuard)
ACCESS = web.AppKey("access", AccessGuard)  # revocation: per-user state, tenant status
HASHER = web.AppKey("hasher", Hasher)  # scrypt off the event loop, bounded
LOGIN_THROTTLE = web.AppKey("login_throttle", LoginThrottle)
