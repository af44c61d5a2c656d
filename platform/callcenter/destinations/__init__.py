"""Checking that a destination exists inside the tenant before anything points at it."""
