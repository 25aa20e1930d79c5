"""Choosing, opening and migrating the store's database.

A plain path (or `sqlite:///path`) opens a SQLite file with a WAL journal,
foreign keys and a busy timeout. Any other URL is handed to peewee's `db_url`,
so a server database can be chosen without touching the models.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from peewee import Database, DatabaseError, OperationalError, SqliteDatabase

from annotator.store.migrations import argument_extents
from annotator.store.models import ALL_MODELS, MetaRow, database

# The version of the store's tables (not the event schema of annotator.schema).
STORE_VERSION = 2
# The meta row keeps its first name, so stores written by earlier releases still open.
_VERSION_KEY = "schema_version"
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    # FULL: a committed decision survives a power cut, not only a crash.
    "synchronous": "full",
    "cache_size": -64_000,
}


class StoreError(Exception):
    """A problem with the store that the user can act on."""


def default_database_path() -> Path:
    """The default SQLite file in the per-user data directory."""
    from platformdirs import user_data_path

    override = os.environ.get("ANNOTATOR_DB")
    if override:
        return Path(override)
    return user_data_path("annotator", appauthor=False) / "annotator.db"


def connect(target: str | os.PathLike[str] | None = None) -> Database:
    """Bind the model proxy to the database named by `target` and bring its tables up to date."""
    db = _make_database(target)
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        migrate(db)
    except (DatabaseError, OperationalError) as error:
        if not db.is_closed():
            db.close()
        raise StoreError(f"{db.database}: cannot open as an annotator store: {error}") from error
    return db


def _make_database(target: str | os.PathLike[str] | None) -> Database:
    if target is None:
        target = default_database_path()
    text = os.fspath(target)
    if "://" in text and not text.startswith("sqlite:///"):
        from playhouse.db_url import connect as connect_url

        return connect_url(text)
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///") :]
    path = Path(text).expanduser()
    if path.is_dir():
        raise StoreError(f"{path}: is a directory; give a database file with --db")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"{path.parent}: cannot create the folder for the store: {error.strerror}") from error
    # IMMEDIATE: a write transaction takes the write lock at BEGIN, so two reviewers
    # on one file wait for each other (busy timeout) instead of failing mid-decision.
    return SqliteDatabase(
        str(path), pragmas=SQLITE_PRAGMAS, check_same_thread=False, lock_type="IMMEDIATE"
    )


def store_version(db: Database) -> int:
    """The version of the store's tables recorded in it, 0 for an empty database."""
    if not db.table_exists(MetaRow._meta.table_name):
        return 0
    row = MetaRow.get_or_none(MetaRow.key == _VERSION_KEY)
    return int(row.value) if row else 0


def _create_version_1(db: Database) -> None:
    db.create_tables(ALL_MODELS)


# Each entry brings a store from version N-1 to version N. Later releases append
# functions here (using playhouse.migrate for column changes); none is ever edited.
# Version 1 creates the tables of the current models, so every later step must
# also hold on a store that already has what it adds.
MIGRATIONS: dict[int, Callable[[Database], None]] = {1: _create_version_1, 2: argument_extents}


def migrate(db: Database, target_version: int = STORE_VERSION) -> int:
    """Apply every missing migration, each in its own transaction; return the final version."""
    current = store_version(db)
    if current > target_version:
        raise StoreError(
            f"{db.database}: the store has version {current}, newer than this annotator "
            f"understands ({target_version}); upgrade annotator to open it"
        )
    for version in range(current + 1, target_version + 1):
        with db.atomic():
            MIGRATIONS[version](db)
            MetaRow.insert(key=_VERSION_KEY, value=str(version)).on_conflict_replace().execute()
    return max(current, target_version)


def close() -> None:
    """Close the bound database, if any."""
    if database.obj is not None and not database.is_closed():
        database.close()
