"""Writing beside other processes: every write is one transaction that waits, within bounds, for the write lock.

SQLite lets one connection write at a time. A write here begins with
`BEGIN IMMEDIATE`, so it takes the lock before reading what it will decide on;
on PostgreSQL every transaction begins by taking one advisory lock, to the same
end (see `postgres`). The database waits for it a few seconds at a time (SQLite's
busy timeout, PostgreSQL's `lock_timeout`), and `run_write`
tries again with a growing pause until its patience runs out, then raises
`StoreBusy` saying how long it waited. A failed attempt has written nothing, so
trying again is always safe. Each committed write also bumps the store's data
version (see `watch`), which is how other processes notice it.

A listener may be told of each wait (the review screen shows "waiting for the
database"), and the longest time the lock was held is kept for the benchmarks.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from peewee import DatabaseError

from annotator.store.errors import ReadOnlyStore, StoreBusy, explain, is_busy
from annotator.store.models import database
from annotator.store.sql import set_lock_wait

T = TypeVar("T")

# How long one attempt waits inside the database (busy timeout, lock_timeout), in milliseconds: short
# enough that a listener hears of a long wait every couple of seconds.
ATTEMPT_MS = 2_000
DEFAULT_PATIENCE = 30.0
_FIRST_PAUSE, _LONGEST_PAUSE = 0.05, 1.0


@dataclass
class _Settings:
    """How the open store writes: its path (for messages), whether it may, and how long it waits."""

    path: str = ""
    read_only: bool = False
    why_read_only: str = ""
    patience: float = DEFAULT_PATIENCE
    attempt_ms: int = ATTEMPT_MS
    on_wait: Callable[[float], None] | None = None
    longest_hold: float = 0.0


settings = _Settings()


def configure(path: str, read_only: bool = False, why_read_only: str = "", patience: float | None = None) -> None:
    """Record the store just opened: its path, whether it is read-only, and how long writes wait for the lock."""
    settings.path = path
    settings.read_only = read_only
    settings.why_read_only = why_read_only
    if patience is not None:
        settings.patience = max(0.0, float(patience))
    settings.attempt_ms = attempt_ms(settings.patience)


def attempt_ms(patience: float) -> int:
    """The wait of one attempt for the lock: `ATTEMPT_MS`, or the whole patience when that is shorter."""
    return max(0, min(ATTEMPT_MS, int(patience * 1000)))


def set_wait_listener(listener: Callable[[float], None] | None) -> None:
    """Call `listener(seconds waited so far)` each time a write finds the lock held and tries again."""
    settings.on_wait = listener


def check_writable() -> None:
    """Raise `ReadOnlyStore` when the open store cannot be written."""
    if settings.read_only:
        raise ReadOnlyStore(settings.path, settings.why_read_only or "opened read-only")


def run_write(operation: Callable[[], T]) -> T:
    """Run `operation` in one write transaction, waiting for another process's lock; return its result.

    Inside a transaction already begun, the operation simply runs in it. Errors the database
    raises (a full disk, a damaged page, a read-only file) come out as `StoreError`s.
    """
    if database.in_transaction():
        return operation()
    check_writable()
    from annotator.store.watch import bump_data_version

    started = time.monotonic()
    pause = _FIRST_PAUSE
    while True:
        try:
            with database.atomic():
                locked_at = time.perf_counter()
                result = operation()
                bump_data_version()
            settings.longest_hold = max(settings.longest_hold, time.perf_counter() - locked_at)
            return result
        except DatabaseError as error:
            waited = time.monotonic() - started
            if not is_busy(error):
                raise explain(error, settings.path) or error from error
            if waited >= settings.patience:
                raise StoreBusy(settings.path, waited) from error
            if settings.on_wait is not None:
                settings.on_wait(waited)
            time.sleep(min(pause, max(0.0, settings.patience - waited)))
            pause = min(pause * 2, _LONGEST_PAUSE)


def try_cache_write(operation: Callable[[], object], computed_at: int) -> bool:
    """Store something derived (a count, a cache) if the lock is free at once; return whether it was stored.

    `computed_at` is the data version read before the value was computed: if any
    process wrote since, the value may be stale and is not stored. Caches are never
    worth a wait: on a read-only store, or while another process writes, the reader
    uses what it computed and leaves the cache for later.
    """
    from annotator.store.watch import data_version

    if settings.read_only:
        return False
    if database.in_transaction():
        operation()
        return True
    set_lock_wait(0)
    try:
        with database.atomic():
            if data_version() != computed_at:
                return False
            operation()
        return True
    except DatabaseError as error:
        if is_busy(error) or explain(error, settings.path) is not None:
            return False
        raise
    finally:
        set_lock_wait(settings.attempt_ms)


def longest_hold(reset: bool = False) -> float:
    """The longest time, in seconds, this process has held the write lock in one transaction (for benchmarks)."""
    longest = settings.longest_hold
    if reset:
        settings.longest_hold = 0.0
    return longest
