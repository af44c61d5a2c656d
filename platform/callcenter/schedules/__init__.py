"""Opening hours of a tenant's numbers: weekly spans, holidays, special days, timezone."""
