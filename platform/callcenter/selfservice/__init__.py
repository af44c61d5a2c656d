"""Self-service in the IVR: the tenant's lookup API, the gateway the dialplan asks, reports."""
