"""The operator's view of the platform: calls up right now, per tenant.

Not to be confused with ``/healthz`` (``app.liveness``), the unauthenticated liveness probe.
"""
