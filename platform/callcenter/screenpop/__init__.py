"""Screen pop: live events over a websocket hub, CRM lookups, tenant webhooks."""
