"""Supervisors listen to, whisper to or barge into their own tenant's calls."""
