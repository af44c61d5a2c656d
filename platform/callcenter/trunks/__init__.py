"""Carrier trunks: where outside calls go out and come in, each with a channel cap."""
