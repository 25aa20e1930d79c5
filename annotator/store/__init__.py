"""The review store: peewee models, connection and migrations, and the repository in front of them."""

from annotator.store.database import STORE_VERSION, close, connect, default_database_path, store_version
from annotator.store.errors import (
    ForeignDatabase,
    ReadOnlyStore,
    StoreBusy,
    StoreDamaged,
    StoreError,
    StoreFull,
    StoreMissing,
    explain,
)
from annotator.store.importer import ArgumentWithoutExtent, DocumentConflict, ImportResult
from annotator.store.locking import set_wait_listener
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
    "ForeignDatabase",
    "ImportResult",
    "ReadOnlyStore",
    "Repository",
    "StoreBusy",
    "StoreDamaged",
    "StoreError",
    "StoreFull",
    "StoreMissing",
    "close",
    "connect",
    "default_database_path",
    "explain",
    "set_wait_listener",
    "store_version",
]
