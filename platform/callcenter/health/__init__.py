"""Platform health for operators: dependencies and the calls up right now, per tenant."""
