"""Application services: what the tabs ask for, in typed objects (Qt-free)."""
