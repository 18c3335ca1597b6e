"""The Host settings tab: tenants' policies, the drift report and one host's settings."""
