"""Outbound campaigns: contact lists, do-not-call lists, the dialer and its pacing."""
