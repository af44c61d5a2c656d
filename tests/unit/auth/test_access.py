"""Whether a validly signed token still counts: the pure decision."""

import pytest

from callcenter.auth.access import Access, close_code, live_refusal, refusal
from callcenter.auth.principal import Principal

AGENT = Principal(7, "li", "agent", "acme", token_version=2)
ADMIN = Principal(8, "boss", "tenant_admin", "acme", token_version=0)


def access(**changes: object) -> Access:
    base = {
        "user_id": 7,
        "tenant_id": "acme",
        "role": "agent",
        "token_version": 2,
        "disabled": False,
        "seated": True,
        "tenant_status": "active",
    }
    return Access(**{**base, **changes})  # type: ignore[arg-type]


def test_a_current_token_counts() -> None:
    assert refusal(access(), AGENT) is None


@pytest.mark.parametrize(
    ("state", "slug"),
    [
        (None, "token-revoked"),
        (access(disabled=True), "user-disabled"),
        (access(token_version=3), "token-revoked"),
        (access(seated=False), "seat-removed"),
        (access(tenant_status="suspended"), "tenant-suspended"),
        (access(role="tenant_admin"), "invalid-token"),
        (access(tenant_id="globex"), "invalid-token"),
    ],
)
def test_each_revocation_has_its_slug(state: Access | None, slug: str) -> None:
    refused = refusal(state, AGENT)
    assert refused is not None and refused.slug == slug
    assert close_code(refused) == (4403 if slug == "tenant-suspended" else 4401)


def test_a_suspended_tenants_admin_may_read_but_not_watch_live() -> None:
    state = access(user_id=8, role="tenant_admin", token_version=0, tenant_status="suspended")
    assert refusal(state, ADMIN) is None
    refused = live_refusal(state, ADMIN)
    assert refused is not None and refused.slug == "tenant-suspended"
