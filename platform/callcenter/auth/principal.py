"""Who is calling, and the checks every service runs before touching tenant data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from callcenter.errors import Forbidden

Role = Literal["operator", "tenant_admin", "supervisor", "agent"]
ROLES: tuple[Role, ...] = ("operator", "tenant_admin", "supervisor", "agent")


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated user: operators have no tenant, everyone else exactly one."""

    user_id: int
    username: str
    role: Role
    tenant_id: str | None
    # The user's token_version when the token was issued; a password change or disabling
    # the user bumps it, and older tokens stop working.
    token_version: int = 0

    def require_operator(self) -> None:
        """Only platform operators may pass."""
        if self.role != "operator":
            raise Forbidden("platform operators only", role=self.role)

    def require_tenant(self, tenant_id: str, *roles: Role) -> None:
        """Pass operators, and users of ``tenant_id`` holding one of ``roles``."""
        if self.role == "operator":
            return
        if self.tenant_id != tenant_id:
            raise Forbidden("not your tenant", tenant=tenant_id)
        if roles and self.role not in roles:
            raise Forbidden("your role may not do this", role=self.role)
