"""Metrics (Prometheus) and structured logs: what operators watch."""
