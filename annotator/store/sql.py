"""Raw SQL for the bulk paths, where peewee's per-row work would cost more than the query itself."""

from __future__ import annotations

from collections.abc import Sequence

from peewee import Model, fn

from annotator.store.models import database


def last_pk(model: type[Model]) -> int:
    """The highest primary key of a table, 0 when it is empty."""
    return model.select(fn.COALESCE(fn.MAX(model._meta.primary_key), 0)).scalar()


def insert_rows(model: type[Model], rows: Sequence[tuple], with_pk: bool = True, replace: bool = False) -> None:
    """Insert plain tuples in the order of the model's columns, with one `executemany`.

    Without `with_pk` the tuples leave out the primary key and the database numbers the rows;
    with `replace` a row replaces the one already stored under its key.
    """
    if not rows:
        return
    left, right = database.quote
    fields = model._meta.sorted_fields
    if not with_pk:
        fields = [f for f in fields if f is not model._meta.primary_key]
    columns = ", ".join(f"{left}{f.column_name}{right}" for f in fields)
    placeholders = ", ".join([database.param] * len(fields))
    verb = "INSERT OR REPLACE" if replace else "INSERT"
    sql = f"{verb} INTO {left}{model._meta.table_name}{right} ({columns}) VALUES ({placeholders})"
    database.cursor().executemany(sql, rows)

