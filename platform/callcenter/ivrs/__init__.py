"""Multi-level DTMF menus of a tenant."""
