"""JWT access tokens: HS256 only, expiry required, claims checked on every request."""

from __future__ import annotations

import time

import jwt

from callcenter.auth.principal import ROLES, Principal
from callcenter.errors import Unauthorized

_ALGORITHM = "HS256"
_ISSUER = "callcenter"


class TokenService:
    """Issues and verifies access tokens."""

    def __init__(self, secret: str, ttl_s: int) -> None:
        if len(secret) < 32:  # HS256 with a guessable key is no signature at all
            raise ValueError("the token secret (CALLCENTER_JWT_SECRET) needs 32+ characters")
        self._secret = secret
        self._ttl_s = ttl_s

    def issue(self, principal: Principal, *, now: float | None = None) -> str:
        """A signed token for ``principal`` valid for the configured lifetime."""
        issued = int(time.time() if now is None else now)
        claims = {
            "sub": str(principal.user_id),
            "usr": principal.username,
            "role": principal.role,
            "tid": principal.tenant_id,
            "iat": issued,
            "exp": issued + self._ttl_s,
            "iss": _ISSUER,
            "ver": principal.token_version,
        }
        return jwt.encode(claims, self._secret, algorithm=_ALGORITHM)

    def verify(self, token: str) -> Principal:
        """The principal of a valid token; Unauthorized for anything else (incl. ``alg: none``)."""
        return self.verify_until(token)[0]

    def verify_until(self, token: str) -> tuple[Principal, float]:
        """The principal of a valid token and when the token expires (epoch seconds)."""
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[_ALGORITHM],
                issuer=_ISSUER,
                options={"require": ["exp", "iat", "sub", "iss", "ver"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("token expired", slug="token-expired") from exc
        except jwt.PyJWTError as exc:
            raise Unauthorized("invalid token", slug="invalid-token") from exc
        role, tenant, version = claims.get("role"), claims.get("tid"), claims.get("ver")
        if role not in ROLES or (role == "operator") != (tenant is None):
            raise Unauthorized("invalid token claims", slug="invalid-token")
        if not isinstance(version, int) or not str(claims["sub"]).isdigit():
            raise Unauthorized("invalid token claims", slug="invalid-token")
        principal = Principal(
            user_id=int(claims["sub"]),
            username=str(claims.get("usr", "")),
            role=role,
            tenant_id=tenant,
            token_version=version,
        )
        return principal, float(claims["exp"])
