"""HTTP plumbing: middlewares, request parsing, the principal of a request."""
