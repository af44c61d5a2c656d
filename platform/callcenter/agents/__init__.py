"""Agents: users bound to seats, their presence, queue logins, pauses and calls."""
