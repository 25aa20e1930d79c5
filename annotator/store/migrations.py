"""Steps that bring a store's tables and rows from one version to the next (see `database.MIGRATIONS`).

Each step is written in plain SQL against the tables as they were at its version,
so later changes to the models cannot change what an old step does. Each step
also holds on a store that already has what it adds: version 1 creates the
tables of the current models.
"""

from __future__ import annotations

import orjson
from peewee import Database

from annotator.store.models import DocumentWorkRow
from annotator.store.sql import is_postgres, run

# Decision fields that are the review itself, as the log of version 1 wrote them.
_V1_REVIEW_FIELDS = ("status", "flagged", "note")


def argument_extents(db: Database) -> None:
    """Version 2: every argument gets an extent; review states can hold dismissed warnings; sentence progress.

    * An argument that named an entity and had no extent gets the entity's machine span.
    * In version 1, relinking an argument to another entity meant "this entity, its span";
      since an argument's extent is now its own, those log entries gain that span, so the
      log keeps saying what the reviewer decided, and the review states are folded again.
    * `review_state.dismissed` holds the warnings a reviewer dismissed (a JSON list).
    * `document_work` caches each document's sentence progress.
    * A partial index finds flagged and noted targets without reading every review state.
    """
    columns = {column.name for column in db.get_columns("review_state")}
    if "dismissed" not in columns:
        run("ALTER TABLE review_state ADD COLUMN dismissed TEXT NOT NULL DEFAULT '[]'", db=db)
    db.create_tables([DocumentWorkRow], safe=True)
    # Written as `describe.flagged_items` asks, so the planner knows the index serves it.
    true = "TRUE" if is_postgres(db) else "1"
    run(f"CREATE INDEX IF NOT EXISTS review_state_marked ON review_state (document_id) WHERE flagged = {true} OR note <> ''", db=db)
    run(
        'UPDATE argument SET start = (SELECT e.start FROM entity e WHERE e.id = argument.entity_id),'
        ' "end" = (SELECT e."end" FROM entity e WHERE e.id = argument.entity_id)'
        ' WHERE entity_id IS NOT NULL AND (start IS NULL OR "end" IS NULL)',
        db=db,
    )
    relinked = _spans_for_relinks(db)
    for argument_pk in sorted(relinked):
        _refold_fixed(db, argument_pk)


def _spans_for_relinks(db: Database) -> set[int]:
    """Give each logged relink of an argument its entity's machine span; return the arguments touched."""
    touched: set[int] = set()
    rows = run(
        "SELECT id, target_id, document_id, after FROM decision"
        " WHERE target_kind = 'argument' AND after LIKE '%\"entity_id\"%'",
        db=db,
    ).fetchall()
    for decision_pk, argument_pk, document_pk, after_json in rows:
        after = orjson.loads(after_json)
        entity_id = after.get("entity_id")
        if entity_id is None or "start" in after or "end" in after:
            continue
        span = run(
            'SELECT start, "end" FROM entity WHERE document_id = ? AND "key" = ?', (document_pk, entity_id), db=db
        ).fetchone()
        if span is None:
            continue
        after["start"], after["end"] = span
        run("UPDATE decision SET after = ? WHERE id = ?", (orjson.dumps(after).decode(), decision_pk), db=db)
        touched.add(argument_pk)
    return touched


def _refold_fixed(db: Database, argument_pk: int) -> None:
    """Fold an argument's corrections again from its decisions in effect, into its stored review state."""
    fixed: dict = {}
    for (after_json,) in run(
        "SELECT after FROM decision WHERE target_kind = 'argument' AND target_id = ?"
        " AND group_id NOT IN (SELECT group_id FROM undone_group) ORDER BY id",
        (argument_pk,),
        db=db,
    ).fetchall():
        fixed.update({k: v for k, v in orjson.loads(after_json).items() if k not in _V1_REVIEW_FIELDS})
    run(
        "UPDATE review_state SET fixed = ? WHERE target_kind = 'argument' AND target_id = ?",
        (orjson.dumps(fixed).decode(), argument_pk),
        db=db,
    )


# `review_state` as version 3 has it: the lane leads its primary key.
_REVIEW_STATE_V3 = (
    'CREATE TABLE "review_state_v3" ("lane" TEXT NOT NULL DEFAULT \'\', "target_kind" TEXT NOT NULL,'
    ' "target_id" INTEGER NOT NULL, "document_id" INTEGER NOT NULL, "status" TEXT NOT NULL, "fixed" TEXT NOT NULL,'
    ' "flagged" {boolean} NOT NULL, "note" TEXT NOT NULL, "reviewer" TEXT, "decided_at" REAL,'
    ' "dismissed" TEXT NOT NULL, PRIMARY KEY ("lane", "target_kind", "target_id"))'
)
_REVIEW_STATE_COLUMNS = (
    '"target_kind", "target_id", "document_id", "status", "fixed", "flagged", "note", "reviewer", "decided_at", "dismissed"'
)
_DOCUMENT_WORK_V3 = (
    'CREATE TABLE "document_work" ("lane" TEXT NOT NULL DEFAULT \'\', "document_id" INTEGER NOT NULL,'
    ' "sentences" INTEGER NOT NULL, "seen" INTEGER NOT NULL, "has_work" {boolean} NOT NULL,'
    ' PRIMARY KEY ("lane", "document_id"))'
)


def review_lanes(db: Database) -> None:
    """Version 3: decisions, review states and sentence progress belong to a lane (see `lanes`); all of it to lane ''.

    * `decision.lane` names the lane a decision was made in.
    * `review_state` is keyed by (lane, target), its rows in lane ''. PostgreSQL changes
      the primary key in place, keeping the table's grants and row-level security; SQLite
      cannot, so there the table is built anew, its rows copied, and renamed.
    * `document_work`, a cache, is keyed by (lane, document): its rows are lane ''
      on PostgreSQL, and on SQLite the table is made anew and counted again.
    * A store whose row-level security `db grant` turned on gets its policies again,
      keyed on the lane now (see `roles`).
    """
    if "lane" not in _columns(db, "decision"):
        run("ALTER TABLE decision ADD COLUMN lane TEXT NOT NULL DEFAULT ''", db=db)
    if is_postgres(db):
        _lanes_in_place(db)
    else:
        _lanes_by_copy(db)
    run('CREATE INDEX IF NOT EXISTS "review_state_document_id" ON "review_state" ("document_id")', db=db)
    # As version 2 wrote it, so `describe.flagged_items` is served by it.
    true = "TRUE" if is_postgres(db) else "1"
    run(
        f"CREATE INDEX IF NOT EXISTS review_state_marked ON review_state (document_id) WHERE flagged = {true} OR note <> ''",
        db=db,
    )


def _columns(db: Database, table: str) -> set[str]:
    return {column.name for column in db.get_columns(table)}


def _lanes_in_place(db: Database) -> None:
    """PostgreSQL: add the lane to `review_state` and `document_work` and lead their primary keys with it."""
    from annotator.store import roles

    protected = roles.is_protected()
    for table, key in (("review_state", '"lane", "target_kind", "target_id"'), ("document_work", '"lane", "document_id"')):
        if "lane" in _columns(db, table):
            continue
        run(f"ALTER TABLE \"{table}\" ADD COLUMN lane TEXT NOT NULL DEFAULT ''", db=db)
        (constraint,) = run(
            "SELECT conname FROM pg_constraint WHERE conrelid = to_regclass(?) AND contype = 'p'", (table,), db=db
        ).fetchone()
        run(f'ALTER TABLE "{table}" DROP CONSTRAINT "{constraint}"', db=db)
        run(f'ALTER TABLE "{table}" ADD PRIMARY KEY ({key})', db=db)
    if protected:
        roles.protect_store()


def _lanes_by_copy(db: Database) -> None:
    """SQLite: build `review_state` anew keyed by lane, its rows copied into lane ''; make `document_work` anew."""
    # A boolean column is INTEGER in SQLite, as peewee creates it.
    types = {"boolean": db.field_types.get("BOOL", "INTEGER")}
    if "lane" not in _columns(db, "review_state"):
        run(_REVIEW_STATE_V3.format(**types), db=db)
        run(
            f'INSERT INTO "review_state_v3" ("lane", {_REVIEW_STATE_COLUMNS})'
            f" SELECT '', {_REVIEW_STATE_COLUMNS} FROM review_state",
            db=db,
        )
        run("DROP TABLE review_state", db=db)
        run('ALTER TABLE "review_state_v3" RENAME TO "review_state"', db=db)
    if "lane" not in _columns(db, "document_work"):
        run("DROP TABLE document_work", db=db)
        run(_DOCUMENT_WORK_V3.format(**types), db=db)
