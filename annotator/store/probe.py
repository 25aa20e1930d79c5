"""Looking at a database file before opening it: is it a store, an empty file, or something else?

The look is read-only (SQLite's `mode=ro`), so a file that turns out not to be an
annotator store is left byte for byte as it was: opening it the ordinary way would
switch it to WAL mode and create tables before anything could say no.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TypeVar

from annotator.store.errors import ForeignDatabase, StoreDamaged, StoreError, explain

T = TypeVar("T")
_SQLITE_HEADER = b"SQLite format 3\x00"
# The header's "file format read version" byte: 2 when the database is in WAL mode.
_HEADER_LENGTH, _WAL_BYTE = 20, 19
# The meta table and row every store has had since its first version (the row keeps
# its first name, so stores written by earlier releases still open).
_META_TABLE = "store_meta"
VERSION_KEY = "schema_version"


class FileKind(Enum):
    """What a path holds, as far as opening a store is concerned."""

    MISSING = "missing"
    EMPTY = "empty"  # no file content, or a SQLite database without a single table
    STORE = "store"


@dataclass(frozen=True)
class Probe:
    """What a path holds, the store version found there, and whether this process may write it."""

    kind: FileKind
    version: int = 0
    writable: bool = True
    why_read_only: str = ""


def read_only_uri(path: Path, immutable: bool = False) -> str:
    """A SQLite URI that opens `path` for reading only (`immutable` also skips locks and the WAL)."""
    return path.resolve().as_uri() + ("?immutable=1" if immutable else "?mode=ro")


def writability(path: Path) -> tuple[bool, str]:
    """Whether this process may write the store at `path` (and its WAL beside it), and if not, why."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.exists() and not os.access(path, os.W_OK):
        return False, "the file is not writable"
    if not os.access(folder, os.W_OK | os.X_OK):
        return False, f"its folder {folder} is not writable"
    return True, ""


def probe(path: Path) -> Probe:
    """Look at the file at `path` without changing it; raise `ForeignDatabase` for anything but a store."""
    if not path.exists():
        return Probe(FileKind.MISSING)
    if path.is_dir():
        raise StoreError(f"{path}: is a folder; give the path of a store file with --db")
    writable, why = writability(path)
    try:
        with open(path, "rb") as handle:
            header = handle.read(_HEADER_LENGTH)
    except OSError as error:
        raise StoreError(f"{path}: cannot read the store: {error.strerror}") from error
    if not header:
        return Probe(FileKind.EMPTY, writable=writable, why_read_only=why)
    if not header.startswith(_SQLITE_HEADER):
        raise ForeignDatabase(str(path), "not a SQLite database")
    # A WAL database without a WAL file is whole in its main file: read it as it lies,
    # since a reader in WAL mode would create the -wal and -shm files beside it.
    tables, version = _tables_and_version(path, immutable_first=_whole(path, header))
    if not tables:
        return Probe(FileKind.EMPTY, writable=writable, why_read_only=why)
    if _META_TABLE not in tables or version is None:
        shown = ", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else "")
        raise ForeignDatabase(str(path), f"a SQLite database with other tables ({shown})")
    return Probe(FileKind.STORE, version, writable, why)


def _whole(path: Path, header: bytes) -> bool:
    """Whether a WAL database is whole in its main file (no WAL beside it), so that it may be read as it lies."""
    return len(header) == _HEADER_LENGTH and header[_WAL_BYTE] == 2 and not Path(f"{path}-wal").exists()


def _tables_and_version(path: Path, immutable_first: bool) -> tuple[set[str], int | None]:
    """The file's table names and its store version (None when it records none), read without writing."""

    def read(connection: sqlite3.Connection) -> tuple[set[str], int | None]:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        version = None
        if _META_TABLE in tables:
            row = connection.execute(f"SELECT value FROM {_META_TABLE} WHERE key = ?", (VERSION_KEY,)).fetchone()
            version = int(row[0]) if row and str(row[0]).isdigit() else None
        return tables, version

    return _read_only(path, immutable_first, read)


def damage(path: Path, full: bool = False) -> str | None:
    """What SQLite's quick check finds wrong anywhere in the store at `path`, read without writing; None when nothing.

    It reads every page (about half a second per 100 MB), so only the commands that fill a
    store ask for it, before the store is opened for writing, and `annotator db check`.
    `full` runs the integrity check instead, which also matches every index to its table (slower).
    """
    with open(path, "rb") as handle:
        header = handle.read(_HEADER_LENGTH)

    def read(connection: sqlite3.Connection) -> str | None:
        check = "integrity_check" if full else "quick_check"
        problems = [row[0] for row in connection.execute(f"PRAGMA {check}") if row[0] != "ok"]
        return problems[0] if problems else None

    try:
        return _read_only(path, _whole(path, header), read)
    except StoreDamaged as damaged:
        return damaged.detail


def _read_only(path: Path, immutable_first: bool, read: Callable[[sqlite3.Connection], T]) -> T:
    """What `read` finds in the file at `path`, through a connection that cannot write it.

    A WAL database in a folder this process cannot write has no shared-memory file to
    read through; then it is read as it lies on disk (immutable). A file found damaged
    as it lies is not read again through its WAL: that would add `-wal` and `-shm`
    files beside a store that must be left as it was (unless a writer has meanwhile
    started one, when the damage may be a page caught mid-write).
    """
    last_error: sqlite3.Error | None = None
    for immutable in (True, False) if immutable_first else (False, True):
        try:
            connection = sqlite3.connect(read_only_uri(path, immutable), uri=True)
        except sqlite3.Error as error:
            last_error = error
            continue
        try:
            return read(connection)
        except sqlite3.Error as error:
            last_error = error
            if immutable and isinstance(explain(error, str(path)), StoreDamaged) and not Path(f"{path}-wal").exists():
                break
        finally:
            connection.close()
    assert last_error is not None
    raise explain(last_error, str(path)) or StoreError(f"{path}: cannot read as a store: {last_error}") from last_error
