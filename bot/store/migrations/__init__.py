"""Alembic migrations for the store (env.py, script template, versions/)."""
