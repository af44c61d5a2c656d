"""The live workspace's long-lived resources, opened and closed in ``app.cleanup_ctx``."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from callcenter import keys
from callcenter.errors import DomainError
from callcenter.workspace import repo
from callcenter.workspace.crm import CrmLookup
from callcenter.workspace.egress import client_session
from callcenter.workspace.hub import Hub
from callcenter.workspace.runtime import LiveWorkspace
from callcenter.workspace.webhooks import WebhookSender

WORKSPACE = web.AppKey("workspace", LiveWorkspace)


async def live_workspace(app: web.Application) -> AsyncIterator[None]:
    """Hub, CRM client, webhook sender and the live workspace fed by AMI."""
    pool = app[keys.POOL]
    settings = app[keys.SETTINGS]
    allow_private = settings.integrations_allow_private
    # What every call reads and nobody changes during it, in memory (db/notified.py).
    integrations = repo.integrations_cache(pool, settings.dsn)
    wrapups = repo.wrapup_cache(pool, settings.dsn)
    session = client_session(allow_private=allow_private)
    webhooks = WebhookSender(integrations, session, allow_private=allow_private)
    ami = app.get(keys.AMI)
    crm = CrmLookup(pool, session, integrations, allow_private=allow_private)
    hub = Hub(on_pop_written=app[keys.METRICS].pop_written)
    workspace = LiveWorkspace(pool, hub, crm, webhooks, wrapups)
    await workspace.load()
    sync = app.get(keys.SYNC)
    if sync is not None:
        # Before the first re-sync publishes seat states (and again now, in case it ran).
        logged_out = workspace.logged_out_endpoints()
        sync.set_logged_out(logged_out)
        if ami is not None and ami.connected:
            for endpoint in logged_out:
                try:
                    await sync.agent_presence(endpoint, False)
                except DomainError:
                    pass
    if ami is not None:
        ami.on_raw(workspace.on_raw)
    app[WORKSPACE] = workspace
    integrations.start()
    wrapups.start()
    await webhooks.start()
    yield
    await workspace.stop()
    await webhooks.stop()
    await session.close()
    await integrations.stop()
    await wrapups.stop()
