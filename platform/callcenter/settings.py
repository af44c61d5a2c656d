"""Settings: read once from the environment at start, validated, then frozen."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the control plane needs to know about its surroundings."""

    dsn: str = "postgresql://postgres:postgres@127.0.0.1:5432/callcenter"
    jwt_secret: str = "change-me-in-production-please-32b"  # noqa: S105 - dev default
    token_ttl_s: int = 3600
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    ami_host: str = "127.0.0.1"
    ami_port: int = 5038
    ami_username: str = "callcenter"
    ami_secret: str = "callcenter"  # noqa: S105 - dev default
    ami_enabled: bool = True
    sip_host: str = "127.0.0.1"
    sip_port: int = 5060
    sip_ws_url: str = "ws://127.0.0.1:8088/ws"  # Asterisk's websocket for browser softphones
    integrations_allow_private: bool = False  # tenant CRM/webhook URLs on private addresses
    operator_username: str = "operator"
    operator_password: str | None = None
    # Where this host's Asterisk reads tenants' uploaded prompts; set when the control plane
    # runs beside Asterisk (demo, tests). Otherwise `callcenter media-sync` runs there.
    prompts_dir: str | None = None
    # Where this host's Asterisk leaves finished recordings (same arrangement as prompts).
    recordings_dir: str | None = None
    cdr_spool_dir: str | None = None  # write-ahead spool of the AMI CDR path (billing)
    # SIP brute force: this many failed authentications from one address within the window
    # block it for block_s (security/). Addresses in sip_guard_allow are never blocked:
    # loopback by default (the host itself, local test phones, a local WebSocket proxy).
    sip_guard_threshold: int = 10
    sip_guard_window_s: float = 60.0
    sip_guard_block_s: float = 900.0
    sip_guard_allow: str = "127.0.0.1,::1"
    # Least privilege (db/roles.py): `callcenter migrate` runs as admin_dsn (default: dsn)
    # and makes dsn's user a member of callcenter_app, asterisk_dsn's of callcenter_asterisk.
    admin_dsn: str | None = None
    asterisk_dsn: str | None = None

    def __post_init__(self) -> None:
        if len(self.jwt_secret) < 32:
            raise ValueError("CALLCENTER_JWT_SECRET must be at least 32 characters")
        if not 60 <= self.token_ttl_s <= 86_400:
            raise ValueError("CALLCENTER_TOKEN_TTL must be between 60 and 86400 seconds")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``CALLCENTER_*`` variables; unset ones keep their defaults."""
        e = os.environ if env is None else env
        d = cls()

        def get(name: str, default: str) -> str:
            return e.get(f"CALLCENTER_{name}", default)

        return cls(
            dsn=get("DSN", d.dsn),
            jwt_secret=get("JWT_SECRET", d.jwt_secret),
            token_ttl_s=int(get("TOKEN_TTL", str(d.token_ttl_s))),
            http_host=get("HTTP_HOST", d.http_host),
            http_port=int(get("HTTP_PORT", str(d.http_port))),
            ami_host=get("AMI_HOST", d.ami_host),
            ami_port=int(get("AMI_PORT", str(d.ami_port))),
            ami_username=get("AMI_USERNAME", d.ami_username),
            ami_secret=get("AMI_SECRET", d.ami_secret),
            ami_enabled=get("AMI_ENABLED", "1") not in ("0", "false", "no"),
            sip_host=get("SIP_HOST", d.sip_host),
            sip_port=int(get("SIP_PORT", str(d.sip_port))),
            sip_ws_url=get("SIP_WS_URL", d.sip_ws_url),
            integrations_allow_private=get("INTEGRATIONS_ALLOW_PRIVATE", "0")
            in ("1", "true", "yes"),
            operator_username=get("OPERATOR_USERNAME", d.operator_username),
            operator_password=e.get("CALLCENTER_OPERATOR_PASSWORD") or None,
            prompts_dir=e.get("CALLCENTER_PROMPTS_DIR") or None,
            recordings_dir=e.get("CALLCENTER_RECORDINGS_DIR") or None,
            cdr_spool_dir=e.get("CALLCENTER_CDR_SPOOL_DIR") or None,
            sip_guard_threshold=int(get("SIP_GUARD_THRESHOLD", str(d.sip_guard_threshold))),
            sip_guard_window_s=float(get("SIP_GUARD_WINDOW", str(d.sip_guard_window_s))),
            sip_guard_block_s=float(get("SIP_GUARD_BLOCK", str(d.sip_guard_block_s))),
            sip_guard_allow=get("SIP_GUARD_ALLOW", d.sip_guard_allow),
            admin_dsn=e.get("CALLCENTER_ADMIN_DSN") or None,
            asterisk_dsn=e.get("CALLCENTER_ASTERISK_DSN") or None,
        )
