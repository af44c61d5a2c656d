"""Hosted CRM: a tenant's contacts, found by phone number when a call rings."""
