"""Persistence: SQLModel tables, migrations and repositories (Qt-free)."""
