"""Raw SQL for the bulk paths, where peewee's per-row work would cost more than the query itself.

Raw statements are written once, with `?` placeholders, and run through `run`, which
gives them the bound database's placeholder: the same text serves SQLite and
PostgreSQL. What the two dialects do differently (bulk loading, a true literal, how
long a statement waits for a lock) has one function each here.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import peewee
from peewee import Database, Model, PostgresqlDatabase, fn

from annotator.store.models import MetaRow, database

# Turns the driver's errors into peewee's, as peewee does for the statements it runs itself,
# so that a COPY that fails is explained and retried like any other statement.
driver_errors = peewee.ExceptionWrapper(peewee.EXCEPTIONS)  # type: ignore[attr-defined]


def is_postgres(db: Database | None = None) -> bool:
    """Whether the bound database (or `db`) is a PostgreSQL server rather than a SQLite file."""
    target = db if db is not None else database.obj
    return isinstance(target, PostgresqlDatabase)


@functools.lru_cache(maxsize=512)
def _for_pyformat(sql: str) -> str:
    # psycopg reads `%` as the start of a placeholder, so a literal one is doubled.
    return sql.replace("%", "%%").replace("?", "%s")


def dialect(sql: str, db: Database | None = None) -> str:
    """A statement written with `?` placeholders, in the placeholder style of the bound database (or `db`)."""
    return _for_pyformat(sql) if is_postgres(db) else sql


def run(sql: str, params: Sequence[Any] = (), db: Database | None = None):
    """Run a raw statement written with `?` placeholders on the bound database (or `db`); return the cursor."""
    target = db if db is not None else database
    return target.execute_sql(dialect(sql, db), tuple(params))


def marks(count: int) -> str:
    """`count` placeholders for `run`, separated by commas (for `IN (...)`)."""
    return ", ".join("?" * count)


def true_literal() -> str:
    """How a boolean column's true is written in raw SQL: 1 in SQLite (as its partial index says), TRUE in PostgreSQL."""
    return "TRUE" if is_postgres() else "1"


def contains_ignoring_case(column: Any, needle: str) -> Any:
    """A peewee expression: `column` contains `needle`, ignoring case, with no character of it read as a pattern."""
    finder = fn.STRPOS if is_postgres() else fn.INSTR
    return finder(fn.LOWER(column), needle.lower()) > 0


def set_lock_wait(milliseconds: int) -> None:
    """How long each statement of this connection waits for another's lock before failing as busy."""
    if is_postgres():
        # 0 would mean "wait for ever" to PostgreSQL; the shortest real wait is 1 ms.
        database.execute_sql(f"SET lock_timeout = {max(1, int(milliseconds))}")
    else:
        database.execute_sql(f"PRAGMA busy_timeout = {int(milliseconds)}")


def last_pk(model: type[Model]) -> int:
    """The highest primary key of a table, 0 when it is empty."""
    return model.select(fn.COALESCE(fn.MAX(model._meta.primary_key), 0)).scalar()


def _columns(model: type[Model], with_pk: bool) -> list:
    fields = model._meta.sorted_fields
    if not with_pk:
        fields = [f for f in fields if f is not model._meta.primary_key]
    return fields


def insert_rows(model: type[Model], rows: Sequence[tuple], with_pk: bool = True, replace: bool = False) -> None:
    """Insert plain tuples in the order of the model's columns, as fast as the database loads rows.

    Without `with_pk` the tuples leave out the primary key and the database numbers the rows;
    with `replace` a row replaces the one already stored under its key. SQLite takes one
    `executemany`; PostgreSQL a `COPY`, or for replacing rows an upsert per row.
    """
    if not rows:
        return
    left, right = database.quote
    fields = _columns(model, with_pk)
    table = f"{left}{model._meta.table_name}{right}"
    columns = ", ".join(f"{left}{f.column_name}{right}" for f in fields)
    if not is_postgres():
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        placeholders = ", ".join([database.param] * len(fields))
        database.cursor().executemany(f"{verb} INTO {table} ({columns}) VALUES ({placeholders})", rows)
        return
    with driver_errors:
        if replace:
            _upsert_rows(model, table, fields, columns, rows)
        else:
            _copy_rows(table, columns, rows)
    key: Any = model._meta.primary_key
    if with_pk and key.field_type == "AUTO":
        _advance_sequence(model)


def _upsert_rows(model: type[Model], table: str, fields: list, columns: str, rows: Sequence[tuple]) -> None:
    """PostgreSQL: insert rows, each replacing the values of the row already stored under its key."""
    left, right = database.quote
    key: Any = model._meta.primary_key
    key_fields = key.field_names if hasattr(key, "field_names") else [key.name]
    key_columns = [model._meta.fields[name].column_name for name in key_fields]
    others = [f.column_name for f in fields if f.column_name not in key_columns]
    target = ", ".join(f"{left}{c}{right}" for c in key_columns)
    updates = ", ".join(f"{left}{c}{right} = EXCLUDED.{left}{c}{right}" for c in others)
    placeholders = ", ".join(["%s"] * len(fields))
    action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) ON CONFLICT ({target}) {action}"
    database.cursor().executemany(sql, rows)


def _copy_rows(table: str, columns: str, rows: Sequence[tuple]) -> None:
    """PostgreSQL: load rows with `COPY … FROM STDIN`, its fastest way in."""
    with database.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        write_row = copy.write_row
        for row in rows:
            write_row(row)


def _advance_sequence(model: type[Model]) -> None:
    """PostgreSQL: after rows were given their keys here, the table's sequence goes on from the highest."""
    table = model._meta.table_name
    key: Any = model._meta.primary_key
    column = key.column_name
    database.execute_sql(
        f'SELECT setval(pg_get_serial_sequence(%s, %s), (SELECT MAX("{column}") FROM "{table}"))', (table, column)
    )



def put_meta(key: str, value: str) -> None:
    """Store a fact about the store under `key`, replacing the one kept there before."""
    MetaRow.insert(key=key, value=value).on_conflict(conflict_target=[MetaRow.key], update={MetaRow.value: value}).execute()
