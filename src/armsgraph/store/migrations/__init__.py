"""Alembic migrations of the store schema (numbered, each in one transaction)."""
