"""What can go wrong with a store, said so that the user can act on it.

Every error names the store's path (or its URL, without a password). `explain`
turns the errors SQLite or PostgreSQL raise (a held lock, a read-only file or
role, a damaged page, a full disk, a server out of reach) into these, so no caller
has to read the databases' messages, and no user ever sees a traceback for them.
"""

from __future__ import annotations

import sqlite3

# SQLite's primary result codes (the low byte of an extended code).
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26
# PostgreSQL's SQLSTATEs that mean "another transaction was in the way; nothing was written".
_PG_TRY_AGAIN = {"55P03", "40001", "40P01"}
# What a server says when it refuses a connection, and the SQLSTATE it means.
_CONNECTION_REFUSALS = {
    "authentication failed": "28P01",
    "no password supplied": "28P01",
    "no pg_hba.conf entry": "28000",
    'role "': "28000",
    "permission denied for database": "28000",
    "does not exist": "3D000",
}
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
        self.detail = detail
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


def _chain(error: BaseException):
    """The error, the one it wraps (peewee keeps the driver's as its first argument), and their causes."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        original = current.args[0] if current.args and isinstance(current.args[0], BaseException) else None
        current = original or current.__cause__ or current.__context__


def _server_error(error: BaseException) -> BaseException | None:
    """The PostgreSQL driver's error behind an error, if there is one (it has a `sqlstate`, maybe None)."""
    return next((e for e in _chain(error) if hasattr(e, "sqlstate") and hasattr(e, "pgconn")), None)


def server_state(error: BaseException) -> str | None:
    """PostgreSQL's SQLSTATE behind an error, if the server gave one."""
    found = _server_error(error)
    return getattr(found, "sqlstate", None) if found is not None else None


def is_busy(error: BaseException) -> bool:
    """Whether the error is the database saying another connection holds the lock it needs.

    On PostgreSQL that is a lock wait past `lock_timeout`, and also a serialization
    failure or a deadlock: each means "nothing was written, try again".
    """
    return sqlite_code(error) in (_BUSY, _LOCKED) or server_state(error) in _PG_TRY_AGAIN


def explain(error: BaseException, path: str) -> StoreError | None:
    """The `StoreError` a database error means for the user, or None when it is not one of those (a bug)."""
    if isinstance(error, StoreError):
        return error
    server = _server_error(error)
    if server is not None:
        return _explain_server(server, path)
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


def _explain_server(error: BaseException, path: str) -> StoreError | None:
    """The `StoreError` a PostgreSQL error means for the user, or None when it is a bug of ours."""
    state = getattr(error, "sqlstate", None) or ""
    detail = (str(error).strip().splitlines() or [type(error).__name__])[0]
    if not state and _is_connection_failure(error):
        # A refused connection carries no SQLSTATE: the server's reason is only in its text.
        detail = detail.rsplit("FATAL:", 1)[-1].strip()
        state = next((code for text, code in _CONNECTION_REFUSALS.items() if text in detail), "")
    if state in _PG_TRY_AGAIN:
        return StoreBusy(path, 0.0)
    if "NUL (0x00)" in detail or state == "22021":
        return StoreError(
            f"{path}: PostgreSQL cannot store this text ({detail}); nothing of this operation was saved. "
            "Remove the character from the file (a NUL is never part of news text) and try again"
        )
    if state in ("25006", "42501"):
        return ReadOnlyStore(path, f"the server refused the write: {detail}")
    if state == "53100":
        return StoreFull(path, detail)
    if state.startswith("XX"):
        return StoreError(f"{path}: the server reports damaged data ({detail}); nothing was changed. Ask its administrator")
    if state == "3D000":
        return StoreError(
            f"{path}: no such database on the server ({detail}); create it first (`createdb NAME`), "
            "then fill it with `annotator import` or `annotator demo`"
        )
    if state.startswith("28"):
        return StoreError(
            f"{path}: the server refused the login ({detail}); give the password in PGPASSWORD or ~/.pgpass"
        )
    if state.startswith(("08", "57P")) or (not state and _is_connection_failure(error)):
        return StoreError(
            f"{path}: cannot reach the database server ({detail}); check the host and port, "
            "and that the server is running"
        )
    return None


def _is_connection_failure(error: BaseException) -> bool:
    """Whether a driver error without a SQLSTATE is a failure to connect (refused, timed out, closed)."""
    try:
        import psycopg
    except ImportError:
        return False
    return isinstance(error, psycopg.OperationalError)
