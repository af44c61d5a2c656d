"""CRM lookup at ring time: the tenant's own CRM (short timeout) with the hosted contacts as
fallback; a campaign call pops its campaign contact (columns, script) instead. Never raises:
a failing CRM leaves the pop with a new-contact form."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import aiohttp

from callcenter.campaigns import repo as campaigns_repo
from callcenter.campaigns.service import pop_contact
from callcenter.contacts import repo as contacts_repo
from callcenter.contacts.service import contact_view
from callcenter.db.notified import NotifiedCache
from callcenter.db.pool import connection
from callcenter.errors import DomainError, Forbidden
from callcenter.workspace.egress import BodyTooLarge, check_url, read_capped, refused
from callcenter.workspace.payload import crm_lookup_url, parse_crm_reply

log = logging.getLogger(__name__)

# A contact record is small; a longer reply is refused without being read to its end.
MAX_REPLY_BYTES = 64 * 1024


class CrmLookup:
    """Finds the contact of a caller for one tenant."""

    def __init__(
        self,
        pool: Any,
        session: aiohttp.ClientSession,
        integrations: NotifiedCache[str, Any],
        *,
        allow_private: bool = False,
    ) -> None:
        self._pool = pool
        self._session = session
        self._integrations = integrations
        self._allow_private = allow_private

    async def lookup(self, tenant_id: str, number: str) -> tuple[dict[str, Any] | None, str]:
        """``(contact or None, status)``; status is found, not_found, timeout or error."""
        if not number.isdigit():
            return None, "not_found"
        try:
            async with connection(self._pool) as conn:
                campaign_row = await campaigns_repo.call_in_flight(conn, tenant_id, number)
                if campaign_row is not None:
                    return pop_contact(campaign_row), "found"
                hosted_row = await contacts_repo.find_by_phone(conn, tenant_id, number)
            integ = await self._integrations.get(tenant_id)
        except DomainError as exc:
            log.warning("contact lookup failed for %s: %s", tenant_id, exc.message)
            return None, "error"
        hosted = contact_view(hosted_row) if hosted_row is not None else None
        url = integ["crm_lookup_url"] if integ is not None else None
        if not url:
            return hosted, "found" if hosted else "not_found"
        external, status = await self._external(url, integ["crm_timeout_ms"], number)
        if external is not None:
            return external, "found"
        if hosted is not None:
            return hosted, "found" if status == "not_found" else f"found_hosted_{status}"
        return None, status

    async def _external(
        self, base: str, timeout_ms: int, number: str
    ) -> tuple[dict[str, Any] | None, str]:
        url = crm_lookup_url(base, number)
        try:
            check_url(url, allow_private=self._allow_private)
            # The session's resolver checks the host's addresses and connects to those only.
            async with self._session.get(
                url,
                timeout=aiohttp.ClientTimeout(total=timeout_ms / 1000),
                allow_redirects=False,
                headers={"Accept": "application/json"},
            ) as resp:
                if resp.status == 404:
                    return None, "not_found"
                if resp.status != 200:
                    return None, "error"
                body = json.loads(await read_capped(resp, MAX_REPLY_BYTES))
        except TimeoutError:
            return None, "timeout"
        except Forbidden:
            log.warning("CRM lookup URL refused (not a public address): %s", base)
            return None, "error"
        except BodyTooLarge as exc:
            log.warning("CRM lookup %s refused: %s", base, exc)
            return None, "error"
        except aiohttp.ClientError as exc:
            if refused(exc):
                log.warning("CRM lookup URL refused (not a public address): %s", base)
            else:
                log.info("CRM lookup %s failed: %s", base, exc)
            return None, "error"
        except ValueError as exc:
            log.info("CRM lookup %s failed: %s", base, exc)
            return None, "error"
        except asyncio.CancelledError:
            raise
        contact = parse_crm_reply(body)
        return contact, "found" if contact else "not_found"
