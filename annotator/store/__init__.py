"""The review store: peewee models, connection and migrations, and the repository in front of them."""

from annotator.store.database import (
    STORE_VERSION,
    StoreError,
    close,
    connect,
    default_database_path,
    store_version,
)
from annotator.store.importer import ArgumentWithoutExtent, DocumentConflict, ImportResult
from annotator.store.queries import DocumentSummary, FlaggedItem
from annotator.store.repository import Repository
from annotator.store.state import DecisionError

__all__ = [
    "STORE_VERSION",
    "ArgumentWithoutExtent",
    "DecisionError",
    "DocumentConflict",
    "DocumentSummary",
    "FlaggedItem",
    "ImportResult",
    "Repository",
    "StoreError",
    "close",
    "connect",
    "default_database_path",
    "store_version",
]
