"""Tenants & Hosts: tenants, their host users, CSV import, sync with Zoom."""
