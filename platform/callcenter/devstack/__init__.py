"""The local stack without Docker: Asterisk sandbox, carrier, softphones. Used by the demo and tests."""
