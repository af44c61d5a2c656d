"""Access tokens: expiry enforced, algorithm pinned, claims consistent."""

import time

import jwt
import pytest

from callcenter.auth.principal import Principal
from callcenter.auth.tokens import TokenService
from callcenter.errors import Forbidden, Unauthorized

SECRET = "s" * 64
ADMIN = Principal(user_id=7, username="acme-admin", role="tenant_admin", tenant_id="acme")


def test_a_token_round_trips_to_its_principal() -> None:
    tokens = TokenService(SECRET, 600)
    assert tokens.verify(tokens.issue(ADMIN)) == ADMIN


def test_an_expired_token_is_refused() -> None:
    tokens = TokenService(SECRET, 600)
    old = tokens.issue(ADMIN, now=time.time() - 601)
    with pytest.raises(Unauthorized) as info:
        tokens.verify(old)
    assert info.value.slug == "token-expired"


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "1", "role": "operator", "tid": "acme"},  # operators have no tenant
        {"sub": "1", "role": "tenant_admin", "tid": None},  # tenant roles need one
        {"sub": "1", "role": "root", "tid": None},
    ],
)
def test_inconsistent_claims_are_refused(claims: dict[str, object]) -> None:
    now = int(time.time())
    token = jwt.encode(
        {**claims, "iat": now, "exp": now + 60, "iss": "callcenter"}, SECRET, algorithm="HS256"
    )
    with pytest.raises(Unauthorized):
        TokenService(SECRET, 600).verify(token)


def test_other_algorithms_are_refused_even_with_the_right_key() -> None:
    now = int(time.time())
    token = jwt.encode(
        {
            "sub": "1",
            "role": "operator",
            "tid": None,
            "iat": now,
            "exp": now + 60,
            "iss": "callcenter",
        },
        SECRET,
        algorithm="HS512",
    )
    with pytest.raises(Unauthorized):
        TokenService(SECRET, 600).verify(token)


def test_tenant_checks_refuse_other_tenants_and_roles() -> None:
    ADMIN.require_tenant("acme", "tenant_admin")
    with pytest.raises(Forbidden):
        ADMIN.require_tenant("globex")
    with pytest.raises(Forbidden):
        ADMIN.require_operator()
    agent = Principal(user_id=8, username="a", role="agent", tenant_id="acme")
    with pytest.raises(Forbidden):
        agent.require_tenant("acme", "tenant_admin")
