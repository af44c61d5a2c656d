"""Call detail records written by Asterisk (cdr_pgsql), read per tenant."""
