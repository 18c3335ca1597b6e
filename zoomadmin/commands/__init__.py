"""Scriptable account commands (``zoomadmin tenants list`` ...) on the desktop's account runtime."""
