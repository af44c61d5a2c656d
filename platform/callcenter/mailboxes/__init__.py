"""Voicemail boxes of a tenant (app_voicemail reads them from PostgreSQL)."""
