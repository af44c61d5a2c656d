"""A destination must name one of the tenant's own objects, or an allowed outside number."""

from __future__ import annotations

import re
from typing import Any

from callcenter.destinations import repo
from callcenter.errors import InvalidInput, NotFound
from callcenter.numbers.parsing import dialable
from callcenter.prompts import repo as prompts_repo
from callcenter.routing.destinations import check_shape


async def outside_allowed(conn: Any, tenant_id: str, number: str) -> bool:
    """Whether the tenant's outbound policy lets it call ``number``."""
    regex = await repo.outbound_regex(conn, tenant_id)
    return regex is not None and re.match(regex, number) is not None


async def check_tenant_destination(
    conn: Any, tenant_id: str, kind: str, target: str, field: str
) -> tuple[str, str]:
    """Shape (``routing.destinations.check_shape``), then existence in the tenant.

    Outside numbers are checked against the tenant's outbound policy instead.
    """
    if kind == "external":
        normalised = dialable(target)  # +86, spaces and full-width digits, like every form
        target = normalised if isinstance(normalised, str) else target
    check_shape(kind, target, field)
    if kind in repo.CHECKED_KINDS:
        if not await repo.target_exists(conn, tenant_id, kind, target):
            raise NotFound(f"no such {kind} in this tenant", field=f"{field}.target")
    elif kind == "announcement" and target.startswith("tenant/"):
        if not await prompts_repo.exists(conn, tenant_id, target.removeprefix("tenant/")):
            raise NotFound("no such uploaded prompt", field=f"{field}.target")
    elif kind == "external" and not await outside_allowed(conn, tenant_id, target):
        raise InvalidInput(
            "the tenant's outbound policy does not allow this number", field=f"{field}.target"
        )
    return kind, target
