"""Asterisk nodes of the cluster: registration, tenants' homes, failover (issue 15)."""
