"""The web console for tenant admins and platform operators (static pages over the API)."""
