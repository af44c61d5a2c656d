"""Campaign errors callers catch by type."""

from __future__ import annotations

from callcenter.errors import Conflict, NotFound


class NoSuchCampaign(NotFound):
    """The tenant has no campaign of this id."""

    slug = "no-such-campaign"


class CampaignExists(Conflict):
    """The tenant already has a campaign of this name."""

    slug = "campaign-exists"


class CampaignState(Conflict):
    """The campaign's status does not allow this (e.g. resume a campaign that is not paused)."""

    slug = "campaign-state"


class NoContactDue(NotFound):
    """Preview: no contact of the campaign may be called now."""

    slug = "no-contact-due"
