"""What can go wrong with a store, said so that the user can act on it.

Every error names the store's path. `explain` turns the errors SQLite raises
(a held lock, a read-only file, a damaged page, a full disk) into these, so no
caller has to read SQLite's messages, and no user ever sees a traceback for them.
"""

from __future__ import annotations

import sqlite3

# SQLite's primary result codes (the low byte of an extended code).
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26
# What SQLite says for each, for a Python whose sqlite3 errors carry no code (before 3.11).
_MESSAGES = {
    "database is locked": _BUSY,
    "database table is locked": _LOCKED,
    "attempt to write a readonly database": _READONLY,
    "disk i/o error": _IOERR,
    "database disk image is malformed": _CORRUPT,
    "database or disk is full": _FULL,
    "unable to open database file": _CANTOPEN,
    "file is not a database": _NOTADB,
}


class StoreError(Exception):
    """A problem with the store that the user can act on."""


class StoreMissing(StoreError):
    """`--db` names no store, and the command does not create one."""

    def __init__(self, path: str):
        self.path = path
        super().__init__(f"no store at {path} (create one with `annotator import` or `annotator demo`)")


class ForeignDatabase(StoreError):
    """The file is not an annotator store; it is left exactly as it was."""

    def __init__(self, path: str, what: str):
        self.path = path
        super().__init__(
            f"{path}: cannot open as an annotator store: {what}; it was left untouched. "
            "Give the path of an annotator store, or a new file name to `annotator import`"
        )


class StoreBusy(StoreError):
    """Another process held the store's write lock for longer than this one would wait."""

    def __init__(self, path: str, waited: float):
        self.path = path
        self.waited = waited
        super().__init__(
            f"{path}: the store is busy: another process held its write lock for {_seconds(waited)}; "
            "nothing was changed. Try again when it has finished (or wait longer with --wait SECONDS)"
        )


def _seconds(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds < 10 else f"{seconds:.0f} s"


class ReadOnlyStore(StoreError):
    """The store can be read but not written: decisions and imports are refused."""

    def __init__(self, path: str, why: str = "the file or its folder is not writable"):
        self.path = path
        super().__init__(
            f"{path}: the store is read-only ({why}); nothing can be saved to it. "
            "Reading and exporting work; to decide, give yourself write access to the file and its folder"
        )


class StoreDamaged(StoreError):
    """SQLite found a damaged page; the operation changed nothing."""

    def __init__(self, path: str, detail: str):
        self.path = path
        super().__init__(
            f"{path}: the store is damaged ({detail}); nothing was changed. Restore it from a backup, "
            f"or save what can be read with `sqlite3 {path} .recover`"
        )


class StoreFull(StoreError):
    """The disk (or a file-size limit) left no room to write; the operation changed nothing."""

    def __init__(self, path: str, detail: str):
        self.path = path
        super().__init__(
            f"{path}: no room to write ({detail}); nothing of this operation was saved and the store is as it was. "
            "Free some disk space and try again"
        )


def _sqlite_cause(error: BaseException) -> sqlite3.Error | None:
    """The sqlite3 error behind an error (raised by sqlite3 or wrapped by peewee), if there is one.

    The chain of errors is followed to the first one whose code this module explains:
    after a full disk SQLite rolls the transaction back itself, and the error the caller
    sees is the failed second rollback ("no transaction is active"), with the cause behind it.
    """
    seen: set[int] = set()
    first: sqlite3.Error | None = None
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sqlite3.Error):
            if _code_of(current) in _MESSAGES.values():
                return current
            first = first or current
        original = current.args[0] if current.args and isinstance(current.args[0], BaseException) else None
        current = original or current.__cause__ or current.__context__
    return first


def _code_of(error: sqlite3.Error) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return int(code) & 0xFF
    message = str(error).lower()
    return next((found for text, found in _MESSAGES.items() if message.startswith(text)), None)


def sqlite_code(error: BaseException) -> int | None:
    """SQLite's primary result code behind an error raised by sqlite3 or wrapped by peewee, if there is one."""
    cause = _sqlite_cause(error)
    return _code_of(cause) if cause is not None else None


def is_busy(error: BaseException) -> bool:
    """Whether the error is SQLite saying another connection holds the lock it needs."""
    return sqlite_code(error) in (_BUSY, _LOCKED)


def explain(error: BaseException, path: str) -> StoreError | None:
    """The `StoreError` a SQLite error means for the user, or None when it is not one of those (a bug)."""
    if isinstance(error, StoreError):
        return error
    cause = _sqlite_cause(error)
    code = _code_of(cause) if cause is not None else None
    detail = str(cause or error) or type(error).__name__
    if code in (_BUSY, _LOCKED):
        return StoreBusy(path, 0.0)
    if code == _READONLY:
        return ReadOnlyStore(path, detail)
    if code in (_CORRUPT, _NOTADB):
        return StoreDamaged(path, detail)
    if code == _FULL:
        return StoreFull(path, detail)
    if code == _IOERR:
        return StoreError(
            f"{path}: the store could not be read or written ({detail}); nothing of this operation was saved. "
            "Check the disk (space, file-size limits, a removed drive) and try again"
        )
    if code == _CANTOPEN:
        return StoreError(f"{path}: cannot open the store ({detail}); check that the file and its folder are readable")
    return None
