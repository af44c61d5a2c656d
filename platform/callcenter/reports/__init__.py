"""Historical reports and KPIs."""
