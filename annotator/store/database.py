"""Choosing, opening and migrating the store's database.

A plain path (or `sqlite:///path`) names a SQLite file. Before anything touches
it, the file is looked at read-only (`probe`): a missing file becomes a store
only when the caller asks for one to be created, a file that is not an annotator
store is refused and left byte for byte as it was, and a store this process may
not write opens read-only (reading and exporting work; writes raise
`ReadOnlyStore`). A writable store opens with a WAL journal, foreign keys and a
busy timeout, and any bulk decision a dead process left half-written is finished.
A store opened to be filled is first checked whole, read-only (a damaged one is
refused, left as it was); one this process created is taken back by
`discard_new_store` when the command that created it fails.

A `postgresql://` URL names a database on a server (see `postgres`): the same
models and repository, the same rules: a database without a store becomes one
(its tables are created) only when the caller asks, and one holding other tables
is refused.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from peewee import Database, DatabaseError, SqliteDatabase

from annotator.store import locking, postgres
from annotator.store.errors import ReadOnlyStore, StoreBusy, StoreDamaged, StoreError, StoreMissing, explain, is_busy
from annotator.store.migrations import argument_extents, review_lanes
from annotator.store.models import ALL_MODELS, DocumentRow, MetaRow, database
from annotator.store.postgres import is_server_url, without_password
from annotator.store.probe import VERSION_KEY, FileKind, Probe, damage, probe, read_only_uri
from annotator.store.sql import is_postgres, put_meta

# The version of the store's tables (not the event schema of annotator.schema).
STORE_VERSION = 3
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    # Each attempt at the write lock waits this long inside SQLite; `locking.run_write`
    # tries again until its patience runs out, saying how long it waited.
    "busy_timeout": locking.ATTEMPT_MS,
    # FULL: a committed decision survives a power cut, not only a crash.
    "synchronous": "full",
    "cache_size": -64_000,
}
# A read-only store: no journal mode to set (that would write), and no write gets through.
READ_ONLY_PRAGMAS = {"foreign_keys": 1, "busy_timeout": locking.ATTEMPT_MS, "cache_size": -64_000, "query_only": 1}
# The SQLite store this process found whole on opening it (see `connect`), so an import need not read it all again.
_checked_whole: str | None = None
# Server databases annotator does not speak; a URL of theirs gets a plain answer.
_OTHER_SERVERS = {"postgresext", "psql", "cockroachdb", "mysql", "mysql+pool", "postgresql+pool", "psycopg3"}


def default_database_path() -> Path:
    """The default SQLite file in the per-user data directory."""
    from platformdirs import user_data_path

    override = os.environ.get("ANNOTATOR_DB")
    if override:
        return Path(override)
    return user_data_path("annotator", appauthor=False) / "annotator.db"


def store_path(target: str | os.PathLike[str] | None) -> Path:
    """The SQLite file `target` names (a path or a `sqlite:///` URL); any other URL is refused with a message."""
    if target is None:
        return default_database_path()
    text = os.fspath(target)
    if "://" in text:
        scheme = text.split("://", 1)[0].lower()
        if scheme == "sqlite" and text.startswith("sqlite:///"):
            return Path(text[len("sqlite:///") :]).expanduser()
        shown = without_password(text)
        if scheme in _OTHER_SERVERS:
            raise StoreError(
                f"{shown}: {scheme} stores are not supported; give a postgresql://USER@HOST:PORT/NAME URL "
                "or the path of a SQLite file with --db"
            )
        raise StoreError(
            f"{shown}: not a database annotator knows; give the path of a SQLite file "
            "or a postgresql://USER@HOST:PORT/NAME URL with --db"
        )
    return Path(text).expanduser()


def _target(target: str | os.PathLike[str] | None) -> str | os.PathLike[str] | None:
    """`target`, or else the store `ANNOTATOR_DB` names (a path or a URL), or else None for the default file."""
    if target is None:
        return os.environ.get("ANNOTATOR_DB") or None
    return target


def connect(
    target: str | os.PathLike[str] | None = None, *, create: bool = True, patience: float | None = None
) -> Database:
    """Bind the model proxy to the store named by `target`, bring its tables up to date, and return the database.

    With `create` false, a missing (or empty) file or database raises `StoreMissing` and
    nothing is created. `patience` is how many seconds a write waits for another process's lock.
    """
    target = _target(target)
    if target is not None and is_server_url(os.fspath(target)):
        return _connect_server(os.fspath(target), create, patience)
    path = store_path(target)
    found = probe(path)
    _check_found(found, str(path), create)
    global _checked_whole, _created
    _checked_whole = None
    _created = None
    if create and found.kind is FileKind.STORE:
        # The commands that fill a store check it whole before opening it for writing (which would
        # migrate it): a damaged store is refused having been read only, with no file added beside it.
        problem = damage(path)
        if problem is not None:
            raise StoreDamaged(str(path), problem)
        _checked_whole = str(path)
    read_only = not found.writable
    if found.kind is not FileKind.STORE:
        folders = [folder for folder in (path.parent, *path.parent.parents) if not folder.exists()]
        _created = _Created(str(path), path, path.exists(), _small_contents(path), folders)
    if found.kind is FileKind.MISSING:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"{path.parent}: cannot create the folder for the store: {error.strerror}") from error
    locking.configure(str(path), read_only, found.why_read_only, patience)
    if read_only:
        return _open_read_only(path)
    # IMMEDIATE: a write transaction takes the write lock at BEGIN, so two reviewers
    # on one file wait for each other (busy timeout) instead of failing mid-decision.
    pragmas = {**SQLITE_PRAGMAS, "busy_timeout": locking.settings.attempt_ms}
    db = SqliteDatabase(str(path), pragmas=pragmas, check_same_thread=False, lock_type="IMMEDIATE")
    database.initialize(db)
    _open(db, path, read_only=False)
    return db


def _open_read_only(path: Path) -> SqliteDatabase:
    """Open a store this process may not write, for reading.

    A WAL store in a folder this process cannot write has no shared-memory file to
    read through; it is then read as it lies on disk (`immutable`).
    """
    for immutable in (False, True):
        pragmas = {**READ_ONLY_PRAGMAS, "busy_timeout": locking.settings.attempt_ms}
        db = SqliteDatabase(read_only_uri(path, immutable), uri=True, pragmas=pragmas, check_same_thread=False)
        database.initialize(db)
        try:
            _open(db, path, read_only=True)
            db.execute_sql("SELECT 1 FROM store_meta LIMIT 1")
            return db
        except StoreError:
            if not db.is_closed():
                db.close()
            if immutable:
                raise
    raise AssertionError("unreachable")


def _connect_server(url: str, create: bool, patience: float | None) -> Database:
    """Bind the model proxy to a store in a PostgreSQL database (see `connect`)."""
    shown = without_password(url)
    locking.configure(shown, False, "", patience)
    db = postgres.open_database(url)
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        found = postgres.probe_server(db, shown)
        _check_found(found, shown, create)
    except (DatabaseError, StoreError) as error:
        if not db.is_closed():
            db.close()
        if isinstance(error, StoreError):
            raise
        raise explain(error, shown) or StoreError(f"{shown}: cannot open as an annotator store: {error}") from error
    global _created
    _created = _Created(shown) if found.kind is not FileKind.STORE else None
    if not found.writable:
        db.close()
        locking.configure(shown, True, found.why_read_only, patience)
    _open(db, shown, read_only=not found.writable)
    return db


def _check_found(found: Probe, shown: str, create: bool) -> None:
    """Refuse a store that is missing (unless it is to be created), too new, or read-only and too old."""
    if found.kind is not FileKind.STORE and not create:
        raise StoreMissing(shown)
    if not found.writable and found.kind is not FileKind.STORE:
        raise ReadOnlyStore(shown, f"cannot create a store there: {found.why_read_only}")
    if found.kind is FileKind.STORE and found.version > STORE_VERSION:
        raise StoreError(
            f"{shown}: the store has version {found.version}, newer than this annotator "
            f"understands ({STORE_VERSION}); upgrade annotator to open it"
        )
    if not found.writable and found.version < STORE_VERSION:
        raise ReadOnlyStore(shown, f"it needs upgrading to version {STORE_VERSION}, which writes to it")


def _open(db: Database, path: Path | str, read_only: bool) -> None:
    """Connect, migrate and finish interrupted work, waiting for another process's lock as writes do."""
    from annotator.store.bulk import finish_interrupted

    started = time.monotonic()
    while True:
        try:
            db.connect(reuse_if_open=True)
            if not read_only:
                migrate(db)
                finish_interrupted()
            return
        except DatabaseError as error:
            if not db.is_closed():
                db.close()
            waited = time.monotonic() - started
            if is_busy(error) and waited < locking.settings.patience:
                time.sleep(0.1)
                continue
            if is_busy(error):
                raise StoreBusy(str(path), waited) from error
            raise explain(error, str(path)) or StoreError(
                f"{path}: cannot open as an annotator store: {error}"
            ) from error


def check_integrity() -> None:
    """Raise `StoreDamaged` when SQLite's quick check finds a damaged page anywhere in the open store.

    It reads the whole file (about half a second per 100 MB), so only imports, which
    write much and take long anyway, ask for it: a damaged store is never added to.
    `connect` checks a store it opens to fill it, read-only; the first import after that is not checked twice.
    A PostgreSQL server checks its own pages (and says so when one is damaged).
    """
    global _checked_whole
    if is_postgres() or _checked_whole == locking.settings.path:
        _checked_whole = None  # found whole on opening: the first import after it need not read it all again
        return
    try:
        problems = [row[0] for row in database.execute_sql("PRAGMA quick_check").fetchall() if row[0] != "ok"]
    except DatabaseError as error:
        raise explain(error, locking.settings.path) or StoreDamaged(locking.settings.path, str(error)) from error
    if problems:
        raise StoreDamaged(locking.settings.path, problems[0])


def check_store(target: str | os.PathLike[str] | None, full: bool = False) -> str:
    """Check every page of a SQLite store without writing to it; say what was checked, or raise `StoreDamaged`.

    Reading commands see only the damage on the pages they read, and the commands that fill
    a store check it whole first; this checks a store at any time, leaving it as it was. A
    PostgreSQL store is not checked: its server checks its own pages as it reads them.
    """
    target = _target(target)
    if target is not None and is_server_url(os.fspath(target)):
        return (f"{without_password(os.fspath(target))}: a PostgreSQL server checks its own pages as it reads them "
                "(and reports a damaged one); annotator has nothing to check")
    path = store_path(target)
    found = probe(path)
    if found.kind is not FileKind.STORE:
        raise StoreMissing(str(path))
    started = time.monotonic()
    problem = damage(path, full)
    if problem is not None:
        raise StoreDamaged(str(path), problem)
    size = path.stat().st_size / 1e6
    check = "integrity check" if full else "quick check"
    return f"{path}: the store is whole (SQLite's {check} read {size:.1f} MB in {time.monotonic() - started:.1f} s)"


def store_version(db: Database) -> int:
    """The version of the store's tables recorded in it, 0 for an empty database."""
    if not db.table_exists(MetaRow._meta.table_name):
        return 0
    row = MetaRow.get_or_none(MetaRow.key == VERSION_KEY)
    return int(row.value) if row else 0


def _create_version_1(db: Database) -> None:
    db.create_tables(ALL_MODELS)


# Each entry brings a store from version N-1 to version N. Later releases append
# functions here (using playhouse.migrate for column changes); none is ever edited.
# Version 1 creates the tables of the current models, so every later step must
# also hold on a store that already has what it adds.
MIGRATIONS: dict[int, Callable[[Database], None]] = {1: _create_version_1, 2: argument_extents, 3: review_lanes}


def migrate(db: Database, target_version: int = STORE_VERSION) -> int:
    """Apply every missing migration, each in its own transaction; return the final version.

    Each step checks the version again inside its transaction, so two processes
    opening a new store at once apply it once.
    """
    current = store_version(db)
    if current > target_version:
        raise StoreError(
            f"{db.database}: the store has version {current}, newer than this annotator "
            f"understands ({target_version}); upgrade annotator to open it"
        )
    for version in range(current + 1, target_version + 1):
        with db.atomic():
            if store_version(db) >= version:
                continue
            MIGRATIONS[version](db)
            put_meta(VERSION_KEY, str(version))
    return max(current, target_version)


@dataclass
class _Created:
    """What `connect` made a store of: a missing or empty file (its bytes, the folders made for it), or an empty schema."""

    shown: str
    path: Path | None = None
    existed: bool = False
    contents: bytes | None = None
    """The file's bytes before (b"" for an empty file; None when it was missing, or too big to keep)."""
    folders: list[Path] = field(default_factory=list)
    """The folders made for a new file, innermost first."""


# What the last `connect` turned into a store, for `discard_new_store`; None when it opened a store that was there.
_created: _Created | None = None
# An empty file kept to be put back is at most this big (an empty SQLite database is a page or two).
_KEPT_BYTES = 1 << 20


def _small_contents(path: Path) -> bytes | None:
    """The bytes of an empty store file that is there, to put back; None when there is none (or it is too big)."""
    try:
        return path.read_bytes() if path.is_file() and path.stat().st_size <= _KEPT_BYTES else None
    except OSError:
        return None


def discard_new_store() -> str | None:
    """Undo what `connect` made a store of, when a command that created the store failed; say what was undone.

    Only a store that still holds no document is undone, and only when no other process has
    it open: a new SQLite file is removed with its `-wal` and `-shm` files and the folders made
    for it (an empty file that was there gets its bytes back); on PostgreSQL the tables it
    created are dropped, and the database is as it was. None when nothing was undone. Never
    raises: it runs while another error is on its way to the user.
    """
    global _created
    created, _created = _created, None
    if created is None or database.obj is None or database.is_closed() or database.in_transaction():
        return None
    try:
        if is_postgres():
            return _drop_new_tables(created.shown)
        if created.path is None or (created.existed and created.contents is None):
            return None
        return _remove_new_file(created)
    except Exception:  # noqa: BLE001 - when in doubt, keep the store: the user's error is the one to report
        return None


def _drop_new_tables(shown: str) -> str | None:
    """Drop a new PostgreSQL store's tables in one transaction holding the write lock, if it still holds no document.

    A session that has the tables open makes the drop wait past the lock timeout and fail: the store is then kept.
    """
    names = [model._meta.table_name for model in ALL_MODELS]
    with database.atomic():
        if DocumentRow.select().exists():
            return None
        present = set(database.get_tables())
        database.execute_sql("DROP TABLE " + ", ".join(f'"{name}"' for name in names if name in present) + " CASCADE")
    database.close()
    return f"{shown}: the tables this command had created were dropped; the database is as it was"


def _remove_new_file(created: _Created) -> str | None:
    """Remove a new SQLite store (or give an empty file its bytes back), if no other process has it open."""
    assert created.path is not None
    path = created.path
    # Leaving WAL mode needs every other connection gone, and the exclusive lock keeps newcomers out while
    # the store is found still empty and removed: a store another process has opened, or filled, is kept.
    (mode,) = database.execute_sql("PRAGMA journal_mode = DELETE").fetchone()
    if str(mode).lower() != "delete":
        return None
    database.execute_sql("BEGIN EXCLUSIVE")
    try:
        if DocumentRow.select().exists():
            return None
        for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
            leftover.unlink(missing_ok=True)
        if created.contents is None:
            path.unlink(missing_ok=True)
    finally:
        database.execute_sql("ROLLBACK")
        database.close()
    if created.contents is not None:
        path.write_bytes(created.contents)
        return f"{created.shown}: the file is as it was before this command"
    for folder in created.folders:  # innermost first
        try:
            folder.rmdir()
        except OSError:
            break
    return f"{created.shown}: the store this command had created was removed"


def close() -> None:
    """Close the bound database, if any; no store is open afterwards."""
    if database.obj is not None and not database.is_closed():
        database.close()
    locking.configure("", read_only=False)
