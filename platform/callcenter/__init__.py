"""Hosted multi-tenant call-center platform: the control plane over Asterisk."""

__version__ = "0.1.0"
