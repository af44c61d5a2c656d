"""Settings: read once from the environment at start, validated, then frozen."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass

# Secrets that were ever defaults or examples here (settings, docker-compose.yml, the demo,
# the tests): anyone can read them, so a production start refuses them.
KNOWN_SECRETS = frozenset(
    {
        "change-me-in-production-please-32b",
        "change-me-change-me-change-me-change-me",
        "change-me-now",
        "change-me",
        "callcenter",
        "operator-pass",
        "operator-password-1",
        "demo-ami-secret",
        "test-ami-secret",
        "postgres",
        "secret",
        "password",
    }
)
MIN_JWT_SECRET, MIN_AMI_SECRET, MIN_OPERATOR_PASSWORD = 32, 16, 12


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the control plane needs to know about its surroundings."""

    dsn: str = "postgresql://postgres:postgres@127.0.0.1:5432/callcenter"
    jwt_secret: str = ""  # no default: `callcenter serve` refuses to start without one
    token_ttl_s: int = 3600
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    ami_host: str = "127.0.0.1"
    ami_port: int = 5038
    ami_username: str = "callcenter"
    ami_secret: str = ""  # no default, like jwt_secret
    ami_enabled: bool = True
    sip_host: str = "127.0.0.1"
    sip_port: int = 5060
    sip_ws_url: str = "ws://127.0.0.1:8088/ws"  # Asterisk's websocket for browser softphones
    integrations_allow_private: bool = False  # tenant CRM/webhook URLs on private addresses
    operator_username: str = "operator"
    operator_password: str | None = None
    # IVR lookups (selfservice/): the nodes' dialplan asks the lookup gateway with this token
    # (extensions.conf CC_LOOKUP_TOKEN); unset: the gateway refuses every request. At most
    # lookup_concurrency lookups run at once (lookup_per_tenant per tenant); more are answered
    # "error" at once, so the caller goes on to the node's error branch. lookup_ca_file: extra
    # certificate authorities trusted for tenants' lookup APIs (a private CA, the tests').
    lookup_token: str | None = None
    lookup_gateway_url: str | None = None  # how nodes reach /internal/v1/selfservice/lookup
    lookup_concurrency: int = 64
    lookup_per_tenant: int = 8
    lookup_ca_file: str | None = None
    # Where this host's Asterisk reads tenants' uploaded prompts; set when the control plane
    # runs beside Asterisk (demo, tests). Otherwise `callcenter media-sync` runs there.
    prompts_dir: str | None = None
    # Where this host's Asterisk leaves finished recordings (same arrangement as prompts).
    recordings_dir: str | None = None
    # Asterisk's voicemail spool on this host (<astspooldir>/voicemail); unset: the sibling
    # spool of recordings_dir (the layout the render gives every node).
    voicemail_dir: str | None = None
    # Where voicemail is e-mailed from (the operator's SMTP server); unset: no e-mail.
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_sender: str = "callcenter@localhost"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    cdr_spool_dir: str | None = None  # write-ahead spool of the AMI CDR path (billing)
    # SIP brute force: this many failed authentications from one address within the window
    # block it for block_s (security/). Addresses in sip_guard_allow are never blocked:
    # loopback by default (the host itself, local test phones, a local WebSocket proxy).
    sip_guard_threshold: int = 10
    sip_guard_window_s: float = 60.0
    sip_guard_block_s: float = 900.0
    sip_guard_allow: str = "127.0.0.1,::1"
    # Sign-in limits (auth/throttle.py): per username and per source address, a burst of
    # attempts then one more every refill seconds; right passwords do not count.
    login_burst_per_username: int = 5
    login_refill_per_username_s: float = 30.0
    login_burst_per_address: int = 20
    login_refill_per_address_s: float = 3.0
    # A refused sign-in is answered after this long (a tarpit for closed-loop floods).
    login_tarpit_s: float = 1.0
    # Addresses of reverse proxies whose X-Forwarded-For is believed (none by default: the
    # header is then ignored, as anyone can send it).
    trusted_proxies: str = ""
    # scrypt threads (half the cores: the event loop keeps the rest), and how many password
    # checks may wait for them before 429.
    password_workers: int = max(1, (os.cpu_count() or 2) // 2)
    password_queue: int = 16
    # Least privilege (db/roles.py): `callcenter migrate` runs as admin_dsn (default: dsn)
    # and makes dsn's user a member of callcenter_app, asterisk_dsn's of callcenter_asterisk.
    admin_dsn: str | None = None
    asterisk_dsn: str | None = None
    # GET /metrics without a token: direct peers in these addresses or networks (loopback by
    # default; empty: operators' tokens only). observability/api.py.
    metrics_allow: str = "127.0.0.1,::1"
    # The Asterisk node's name in metrics' `node` label (default: the AMI host:port).
    node_name: str = ""
    # Log lines: "json" (one object per line) or "text"; unset: json for the services
    # (`callcenter serve`, `media-sync`), text for the commands a person runs.
    log_format: str | None = None
    # Cluster (issue 15): a registered node whose AMI connection is lost and not back within
    # this many seconds is marked down, its tenants re-homed and its calls metered.
    node_dead_after_s: float = 2.0

    def __post_init__(self) -> None:
        if not 60 <= self.token_ttl_s <= 86_400:
            raise ValueError("CALLCENTER_TOKEN_TTL must be between 60 and 86400 seconds")
        if not 0.1 <= self.node_dead_after_s <= 600:
            raise ValueError("CALLCENTER_NODE_DEAD_AFTER must be between 0.1 and 600 seconds")
        if self.log_format not in (None, "json", "text"):
            raise ValueError("CALLCENTER_LOG_FORMAT must be json or text")
        for entry in self.metrics_allow.split(","):
            if entry.strip():
                ipaddress.ip_network(entry.strip())  # ValueError names the bad entry

    @property
    def node(self) -> str:
        """The Asterisk node's name in metrics."""
        return self.node_name or f"{self.ami_host}:{self.ami_port}"

    def secret_problems(self) -> list[str]:
        """Why these secrets must not face the internet: unset, short, or publicly known."""
        checks = [("CALLCENTER_JWT_SECRET", self.jwt_secret, MIN_JWT_SECRET)]
        if self.ami_enabled:
            checks.append(("CALLCENTER_AMI_SECRET", self.ami_secret, MIN_AMI_SECRET))
        if self.operator_password is not None:
            checks.append(
                ("CALLCENTER_OPERATOR_PASSWORD", self.operator_password, MIN_OPERATOR_PASSWORD)
            )
        problems = []
        for name, value, minimum in checks:
            if not value:
                problems.append(f"{name} is not set")
            elif value in KNOWN_SECRETS or _has_known_part(value):
                problems.append(f"{name} is a published default; generate one (deploy/secrets.sh)")
            elif len(value) < minimum:
                problems.append(f"{name} must be at least {minimum} characters")
            elif len(set(value)) < min(10, minimum // 2):
                problems.append(f"{name} repeats too few characters to be random")
        return problems

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
            lookup_token=e.get("CALLCENTER_LOOKUP_TOKEN") or None,
            lookup_gateway_url=e.get("CALLCENTER_LOOKUP_GATEWAY_URL") or None,
            lookup_concurrency=int(get("LOOKUP_CONCURRENCY", str(d.lookup_concurrency))),
            lookup_per_tenant=int(get("LOOKUP_PER_TENANT", str(d.lookup_per_tenant))),
            lookup_ca_file=e.get("CALLCENTER_LOOKUP_CA_FILE") or None,
            prompts_dir=e.get("CALLCENTER_PROMPTS_DIR") or None,
            recordings_dir=e.get("CALLCENTER_RECORDINGS_DIR") or None,
            voicemail_dir=e.get("CALLCENTER_VOICEMAIL_DIR") or None,
            smtp_host=e.get("CALLCENTER_SMTP_HOST") or None,
            smtp_port=int(get("SMTP_PORT", str(d.smtp_port))),
            smtp_sender=get("SMTP_SENDER", d.smtp_sender),
            smtp_username=e.get("CALLCENTER_SMTP_USERNAME") or None,
            smtp_password=e.get("CALLCENTER_SMTP_PASSWORD") or None,
            smtp_starttls=get("SMTP_STARTTLS", "0") in ("1", "true", "yes"),
            cdr_spool_dir=e.get("CALLCENTER_CDR_SPOOL_DIR") or None,
            sip_guard_threshold=int(get("SIP_GUARD_THRESHOLD", str(d.sip_guard_threshold))),
            sip_guard_window_s=float(get("SIP_GUARD_WINDOW", str(d.sip_guard_window_s))),
            sip_guard_block_s=float(get("SIP_GUARD_BLOCK", str(d.sip_guard_block_s))),
            sip_guard_allow=get("SIP_GUARD_ALLOW", d.sip_guard_allow),
            login_burst_per_username=int(
                get("LOGIN_BURST_PER_USERNAME", str(d.login_burst_per_username))
            ),
            login_refill_per_username_s=float(
                get("LOGIN_REFILL_PER_USERNAME", str(d.login_refill_per_username_s))
            ),
            login_burst_per_address=int(
                get("LOGIN_BURST_PER_ADDRESS", str(d.login_burst_per_address))
            ),
            login_refill_per_address_s=float(
                get("LOGIN_REFILL_PER_ADDRESS", str(d.login_refill_per_address_s))
            ),
            login_tarpit_s=float(get("LOGIN_TARPIT", str(d.login_tarpit_s))),
            trusted_proxies=get("TRUSTED_PROXIES", d.trusted_proxies),
            password_workers=int(get("PASSWORD_WORKERS", str(d.password_workers))),
            password_queue=int(get("PASSWORD_QUEUE", str(d.password_queue))),
            admin_dsn=e.get("CALLCENTER_ADMIN_DSN") or None,
            asterisk_dsn=e.get("CALLCENTER_ASTERISK_DSN") or None,
            metrics_allow=get("METRICS_ALLOW", d.metrics_allow),
            node_name=get("NODE_NAME", d.node_name),
            log_format=e.get("CALLCENTER_LOG_FORMAT") or None,
            node_dead_after_s=float(get("NODE_DEAD_AFTER", str(d.node_dead_after_s))),
        )


def _has_known_part(value: str) -> bool:
    """``change-me`` padded to length is still ``change-me``."""
    lowered = value.lower()
    return any(k in lowered for k in ("change-me", "changeme", "change_me"))
