"""How tenant data reaches Asterisk: configuration rendering, realtime rows, live state."""
