"""Authentication (PyJWT, pinned algorithm) and role/tenant authorisation."""
