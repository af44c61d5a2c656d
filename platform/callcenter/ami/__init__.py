"""The Asterisk Manager Interface adapter: the only importer of panoramisk."""
