"""Seats: a tenant's agent positions, each with SIP credentials for a phone."""
