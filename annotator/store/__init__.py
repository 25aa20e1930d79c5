"""The review store: peewee models, connection and migrations, and the repository."""

from annotator.store.database import (
    STORE_VERSION,
    StoreError,
    close,
    connect,
    default_database_path,
    store_version,
)
from annotator.store.repository import (
    DecisionError,
    DocumentConflict,
    DocumentSummary,
    ImportResult,
    Repository,
)

__all__ = [
    "STORE_VERSION",
    "DecisionError",
    "DocumentConflict",
    "DocumentSummary",
    "ImportResult",
    "Repository",
    "StoreError",
    "close",
    "connect",
    "default_database_path",
    "store_version",
]
