"""Persistence: SQLAlchemy Core tables, Alembic migrations, bulk ingest and reads."""

from hiresentry.core.store.store import CursorUpdate, IngestResult, Store, sqlite_url

__all__ = ["CursorUpdate", "IngestResult", "Store", "sqlite_url"]
