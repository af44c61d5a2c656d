"""Input of the integrations API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

_URL = r"^https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~!$&'()*+,;=:@%/?{}\-]*)?$"


class IntegrationsIn(BaseModel):
    """The tenant's CRM lookup URL (``{number}`` or ``?number=`` appended) and webhook."""

    model_config = ConfigDict(extra="forbid")
    crm_lookup_url: str | None = Field(default=None, max_length=1000, pattern=_URL)
    crm_timeout_ms: int = Field(default=800, ge=50, le=5000)
    webhook_url: str | None = Field(default=None, max_length=1000, pattern=_URL)
    webhook_secret: str | None = Field(default=None, min_length=16, max_length=128)
    # True: an absent secret keeps the stored one (a form that cannot show the secret saves
    # the other settings without wiping it).
    keep_webhook_secret: bool = False
