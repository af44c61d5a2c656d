"""Billing: the pure rating core that turns plans, seats and call usage into invoices."""
