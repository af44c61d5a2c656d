"""The local stack without Docker: Asterisk sandbox, carrier, softphones (demo and tests)."""
