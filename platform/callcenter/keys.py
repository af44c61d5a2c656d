"""Every ``web.AppKey`` of the application, typed."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from callcenter.agents.service import Desk
from callcenter.ami.client import AmiClient
from callcenter.asterisk.live import AsteriskSync
from callcenter.asterisk.media import PromptMirror
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
