"""A store in a PostgreSQL database, named by a `postgresql://` URL.

The models, repository and raw SQL are the ones a SQLite store uses; this module
holds only what a server does differently when a store is opened:

* Writers take turns, as on SQLite: every transaction begins by taking one
  transaction-level advisory lock (`WRITE_LOCK`), the counterpart of SQLite's
  `BEGIN IMMEDIATE`. So the reads a decision is based on and its writes see no
  other writer in between, migrations by two processes at once run once, and
  a write that waits longer than `lock_timeout` fails as busy and is tried again
  by `locking.run_write`. Reads take no lock.
* Floating-point columns are double precision (peewee's default there is `REAL`,
  which would round a decision's time to minutes).
* "Creating" a store means creating its tables in a database that exists;
  annotator never creates databases or roles on its own.

Credentials come from the URL, the environment (`PGPASSWORD`, `PGUSER`, …) or
`~/.pgpass`, all read by libpq; the URL is shown only through `without_password`.
"""

from __future__ import annotations

import contextlib
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from peewee import PostgresqlDatabase

from annotator.store import locking
from annotator.store.errors import ForeignDatabase
from annotator.store.probe import _META_TABLE, VERSION_KEY, FileKind, Probe
from annotator.store.sql import driver_errors

# The key of the advisory lock every write transaction holds (any fixed 64-bit number; "annotatr").
WRITE_LOCK = 0x616E6E6F74617472
SCHEMES = ("postgresql", "postgres")
# How long a connection attempt may take before the server counts as out of reach.
CONNECT_SECONDS = 10


class StoreDatabase(PostgresqlDatabase):
    """PostgreSQL as a store: double-precision floats, one writer at a time, bounded lock waits."""

    field_types = {**PostgresqlDatabase.field_types, "FLOAT": "DOUBLE PRECISION"}

    def _initialize_connection(self, conn) -> None:
        with conn.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = {max(1, locking.settings.attempt_ms)}")
            if locking.settings.read_only:
                cursor.execute("SET default_transaction_read_only = on")

    def begin(self, isolation_level=None) -> None:
        """Begin a transaction and wait (up to `lock_timeout`) for the store's write lock."""
        super().begin(isolation_level)
        if locking.settings.read_only:
            return
        try:
            with driver_errors:
                self.cursor().execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        except BaseException:
            # The transaction is not on the stack yet, so nothing else would end it.
            with contextlib.suppress(Exception):
                self.cursor().execute("ROLLBACK")
            raise


def is_server_url(text: str) -> bool:
    """Whether `--db` names a PostgreSQL database rather than a file."""
    return "://" in text and text.split("://", 1)[0].lower() in SCHEMES


def without_password(url: str) -> str:
    """The URL with any password (in its user part or its query) replaced by `***`, fit to print."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if parts.password is not None:
            user, _, host = netloc.rpartition("@")
            netloc = f"{user.split(':', 1)[0]}:***@{host}"
        query = "&".join(
            f"{key}=***" if key.lower() == "password" else f"{key}={value}"
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
        )
        return urlunsplit(parts._replace(netloc=netloc, query=query))
    except ValueError:
        return url.split("://", 1)[0] + "://…"


def open_database(url: str) -> StoreDatabase:
    """A (not yet connected) database for the URL; libpq reads the password from wherever it is kept."""
    conninfo = "postgresql://" + url.split("://", 1)[1]
    # psycopg 3 even where psycopg2 is installed too: the bulk loads use its COPY interface.
    options: dict[str, Any] = {"application_name": "annotator", "prefer_psycopg3": True}
    if "connect_timeout" not in conninfo:
        options["connect_timeout"] = CONNECT_SECONDS
    return StoreDatabase(conninfo, **options)


def probe_server(db: StoreDatabase, shown: str) -> Probe:
    """What the connected database's current schema holds: nothing, a store (and its version), or other tables.

    A schema with other tables is refused and left untouched, as a foreign SQLite file is.
    """
    tables = set(db.get_tables())
    writable, why = _writability(db)
    if not tables:
        return Probe(FileKind.EMPTY, writable=writable, why_read_only=why)
    version = None
    if _META_TABLE in tables:
        row = db.execute_sql(f"SELECT value FROM {_META_TABLE} WHERE key = %s", (VERSION_KEY,)).fetchone()
        version = int(row[0]) if row and str(row[0]).isdigit() else None
    if version is None:
        listed = ", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else "")
        raise ForeignDatabase(
            shown, f"its schema holds other tables ({listed}); give an empty database, or another schema"
        )
    return Probe(FileKind.STORE, version, writable, why)


def _writability(db: StoreDatabase) -> tuple[bool, str]:
    """Whether this role may write the store here, and if not, why (a standby, a read-only default, no rights)."""
    in_recovery, read_only, may_create = db.execute_sql(
        "SELECT pg_is_in_recovery(), current_setting('default_transaction_read_only') = 'on',"
        " has_schema_privilege(current_schema(), 'CREATE')"
    ).fetchone()
    if in_recovery:
        return False, "the server is a read-only standby"
    if read_only:
        return False, "the server makes this role's transactions read-only"
    if _META_TABLE in db.get_tables():
        (may_write,) = db.execute_sql(f"SELECT has_table_privilege('{_META_TABLE}', 'UPDATE')").fetchone()
        return (True, "") if may_write else (False, f"the role {_role(db)} may not write the store's tables")
    if not may_create:
        return False, f"the role {_role(db)} may not create tables in this schema"
    return True, ""


def _role(db: StoreDatabase) -> str:
    return str(db.execute_sql("SELECT current_user").fetchone()[0])
