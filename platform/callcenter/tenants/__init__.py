"""Tenants: the enterprises renting seats on the platform."""
