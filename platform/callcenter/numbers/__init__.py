"""Telephone numbers: parsing, normalisation, inventory and assignment to tenants."""
