"""The review store: peewee models, connection and migrations, and the repository."""

from annotator.store.database import (
    SCHEMA_VERSION,
    StoreError,
    close,
    connect,
    default_database_path,
    schema_version,
)
from annotator.store.repository import (
    DecisionError,
    DocumentConflict,
    DocumentSummary,
    ImportResult,
    Repository,
)

__all__ = [
    "SCHEMA_VERSION",
    "DecisionError",
    "DocumentConflict",
    "DocumentSummary",
    "ImportResult",
    "Repository",
    "StoreError",
    "close",
    "connect",
    "default_database_path",
    "schema_version",
]
