"""The live agent workspace: AMI events to agent states, screen pops, CRM records and webhooks."""
