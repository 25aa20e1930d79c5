"""Store version 2: a store written by version 1 opens, its arguments gain extents, its relinks keep their meaning."""

from __future__ import annotations

import sqlite3

import orjson

from annotator import store
from annotator.domain import Status, TargetKind
from annotator.store import Repository
from annotator.store.sql import run

# The tables exactly as version 1 created them (sqlite_master of a version 1 store).
V1_SCHEMA = """
CREATE TABLE "document" ("id" INTEGER NOT NULL PRIMARY KEY, "key" TEXT NOT NULL, "text" TEXT NOT NULL, "text_hash" TEXT NOT NULL, "title" TEXT, "meta" TEXT NOT NULL, "imported_at" REAL NOT NULL);
CREATE UNIQUE INDEX "document_key" ON "document" ("key");
CREATE TABLE "event" ("id" INTEGER NOT NULL PRIMARY KEY, "document_id" INTEGER NOT NULL, "key" TEXT NOT NULL, "type" TEXT NOT NULL, "trigger_start" INTEGER NOT NULL, "trigger_end" INTEGER NOT NULL, "score" REAL, "source" TEXT, "attributes" TEXT NOT NULL, "sentence_idx" INTEGER NOT NULL, "origin" TEXT NOT NULL, FOREIGN KEY ("document_id") REFERENCES "document" ("id") ON DELETE CASCADE);
CREATE INDEX "event_document_id" ON "event" ("document_id");
CREATE UNIQUE INDEX "event_document_id_key" ON "event" ("document_id", "key");
CREATE INDEX "event_document_id_sentence_idx_trigger_start" ON "event" ("document_id", "sentence_idx", "trigger_start");
CREATE TABLE "entity" ("id" INTEGER NOT NULL PRIMARY KEY, "document_id" INTEGER NOT NULL, "key" TEXT NOT NULL, "start" INTEGER NOT NULL, "end" INTEGER NOT NULL, "label" TEXT NOT NULL, "score" REAL, "source" TEXT, "sentence_idx" INTEGER NOT NULL, "origin" TEXT NOT NULL, FOREIGN KEY ("document_id") REFERENCES "document" ("id") ON DELETE CASCADE);
CREATE INDEX "entity_document_id" ON "entity" ("document_id");
CREATE UNIQUE INDEX "entity_document_id_key" ON "entity" ("document_id", "key");
CREATE INDEX "entity_document_id_sentence_idx_start" ON "entity" ("document_id", "sentence_idx", "start");
CREATE TABLE "argument" ("id" INTEGER NOT NULL PRIMARY KEY, "event_id" INTEGER NOT NULL, "position" INTEGER NOT NULL, "role" TEXT NOT NULL, "entity_id" INTEGER, "start" INTEGER, "end" INTEGER, "score" REAL, "origin" TEXT NOT NULL, FOREIGN KEY ("event_id") REFERENCES "event" ("id") ON DELETE CASCADE, FOREIGN KEY ("entity_id") REFERENCES "entity" ("id") ON DELETE RESTRICT);
CREATE INDEX "argument_event_id" ON "argument" ("event_id");
CREATE INDEX "argument_entity_id" ON "argument" ("entity_id");
CREATE UNIQUE INDEX "argument_event_id_position" ON "argument" ("event_id", "position");
CREATE TABLE "decision" ("id" INTEGER NOT NULL PRIMARY KEY, "group_id" INTEGER NOT NULL, "reviewer" TEXT NOT NULL, "at" REAL NOT NULL, "action" TEXT NOT NULL, "target_kind" TEXT, "target_id" INTEGER, "document_id" INTEGER, "before" TEXT NOT NULL, "after" TEXT NOT NULL, "reverts_group" INTEGER);
CREATE INDEX "decision_group_id" ON "decision" ("group_id");
CREATE INDEX "decision_target_kind_target_id" ON "decision" ("target_kind", "target_id");
CREATE INDEX "decision_reviewer_id" ON "decision" ("reviewer", "id");
CREATE TABLE "store_meta" ("key" TEXT NOT NULL PRIMARY KEY, "value" TEXT NOT NULL);
CREATE TABLE "review_state" ("target_kind" TEXT NOT NULL, "target_id" INTEGER NOT NULL, "document_id" INTEGER NOT NULL, "status" TEXT NOT NULL, "fixed" TEXT NOT NULL, "flagged" INTEGER NOT NULL, "note" TEXT NOT NULL, "reviewer" TEXT, "decided_at" REAL, PRIMARY KEY ("target_kind", "target_id"));
CREATE INDEX "review_state_document_id" ON "review_state" ("document_id");
CREATE TABLE "sentence" ("id" INTEGER NOT NULL PRIMARY KEY, "document_id" INTEGER NOT NULL, "idx" INTEGER NOT NULL, "start" INTEGER NOT NULL, "end" INTEGER NOT NULL, "tokens" BLOB NOT NULL, FOREIGN KEY ("document_id") REFERENCES "document" ("id") ON DELETE CASCADE);
CREATE INDEX "sentence_document_id" ON "sentence" ("document_id");
CREATE UNIQUE INDEX "sentence_document_id_idx" ON "sentence" ("document_id", "idx");
CREATE TABLE "undone_group" ("group_id" INTEGER NOT NULL PRIMARY KEY);
"""

TEXT = "Rebels attacked ISIS in Homs. Kerry met Lavrov on Wednesday."


def write_v1_store(path) -> None:
    """A version 1 store: one document, an attack whose arguments name entities and give no extent.

    The reviewer relinked the Target from ISIS (T2) to Homs (T3), flagged Homs, then undid a
    second relink to Rebels (T1); the Time argument of the meeting is a bare span.
    """
    connection = sqlite3.connect(path)
    connection.executescript(V1_SCHEMA)
    connection.executescript(
        f"""
        INSERT INTO store_meta VALUES ('schema_version', '1');
        INSERT INTO document VALUES (1, 'd1', '{TEXT}', 'h', NULL, '{{}}', 0);
        INSERT INTO sentence VALUES (1, 1, 0, 0, 29, x''), (2, 1, 1, 30, 60, x'');
        INSERT INTO entity VALUES (1, 1, 'T1', 0, 6, 'ORG', NULL, NULL, 0, 'machine'),
                                  (2, 1, 'T2', 16, 20, 'ORG', NULL, NULL, 0, 'machine'),
                                  (3, 1, 'T3', 24, 28, 'GPE', NULL, NULL, 0, 'machine'),
                                  (4, 1, 'T4', 30, 35, 'PERSON', NULL, NULL, 1, 'machine');
        INSERT INTO event VALUES (1, 1, 'E1', 'Conflict.Attack', 7, 15, NULL, NULL, '{{"polarity": "positive"}}', 0, 'machine'),
                                 (2, 1, 'E2', 'Contact.Meet', 36, 39, NULL, NULL, '{{}}', 1, 'machine');
        INSERT INTO argument VALUES (1, 1, 0, 'Attacker', 1, NULL, NULL, NULL, 'machine'),
                                    (2, 1, 1, 'Target', 2, NULL, NULL, NULL, 'machine'),
                                    (3, 2, 0, 'Entity', 4, NULL, NULL, NULL, 'machine'),
                                    (4, 2, 1, 'Time', NULL, 50, 59, NULL, 'machine');
        INSERT INTO decision VALUES
          (1, 1, 'ana', 1.0, 'fix', 'argument', 2, 1, '{{"entity_id": "T2", "status": "pending"}}',
           '{{"entity_id": "T3", "status": "fixed"}}', NULL),
          (2, 2, 'ana', 2.0, 'flag', 'entity', 3, 1, '{{"flagged": false}}', '{{"flagged": true}}', NULL),
          (3, 3, 'ana', 3.0, 'fix', 'argument', 2, 1, '{{"entity_id": "T3", "status": "fixed"}}',
           '{{"entity_id": "T1", "status": "fixed"}}', NULL),
          (4, 4, 'ana', 4.0, 'undo', NULL, NULL, NULL, '{{}}', '{{}}', 3);
        INSERT INTO undone_group VALUES (3);
        INSERT INTO review_state VALUES ('argument', 2, 1, 'fixed', '{{"entity_id": "T3"}}', 0, '', 'ana', 1.0),
                                        ('entity', 3, 1, 'pending', '{{}}', 1, '', 'ana', 2.0);
        """
    )
    connection.commit()
    connection.close()


def test_a_version_1_store_is_brought_to_version_2(tmp_path):
    path = tmp_path / "v1.db"
    write_v1_store(path)
    db = store.connect(path)
    try:
        assert store.store_version(db) == store.STORE_VERSION
        extents = {pk: (start, end) for pk, start, end in db.execute_sql('SELECT id, start, "end" FROM argument')}
        # An argument that named an entity takes the entity's machine span; a bare span keeps its own.
        assert extents == {1: (0, 6), 2: (16, 20), 3: (30, 35), 4: (50, 59)}
        # The relink still in effect now says which extent it meant; the undone one too, for a redo.
        after = {
            pk: orjson.loads(a)
            for pk, a in db.execute_sql("SELECT id, after FROM decision WHERE target_kind = 'argument'")
        }
        assert after[1] == {"entity_id": "T3", "status": "fixed", "start": 24, "end": 28}
        assert after[3] == {"entity_id": "T1", "status": "fixed", "start": 0, "end": 6}
        columns = {c.name for c in db.get_columns("review_state")}
        assert "dismissed" in columns and db.table_exists("document_work")

        repository = Repository()
        attack = repository.load_document("d1").events[0]
        target = attack.arguments[1]
        assert (target.start, target.end, target.entity_id) == (16, 20, "T2")
        assert (target.final("entity_id"), target.final_span) == ("T3", (24, 28))
        assert attack.arguments[0].review.status is Status.PENDING and attack.arguments[0].final_span == (0, 6)
        flagged = next(e for e in repository.load_document("d1").entities if e.id == "T3")
        assert flagged.review.flagged and flagged.review.dismissed == ()

        incremental = repository.review_states()
        repository.rebuild_derived_state()
        assert repository.review_states() == incremental
        assert repository.redo("ana") == 3
        assert repository.load_document("d1").events[0].arguments[1].final_span == (0, 6)
    finally:
        store.close()


def test_migrating_twice_changes_nothing_and_new_decisions_work_on_a_migrated_store(tmp_path):
    path = tmp_path / "v1.db"
    write_v1_store(path)
    store.connect(path)
    store.close()
    db = store.connect(path)
    try:
        from annotator.store.database import MIGRATIONS

        MIGRATIONS[2](db)  # a step that finds its work done leaves the store as it is
        assert db.execute_sql('SELECT COUNT(*) FROM argument WHERE start IS NULL OR "end" IS NULL').fetchone() == (0,)
        repository = Repository()
        meet = repository.load_document("d1").events[1]
        repository.dismiss_warning("ana", TargetKind.EVENT, meet.pk, "required role Entity is missing")
        assert repository.load_document("d1").events[1].review.dismissed == ("required role Entity is missing",)
        assert run("SELECT dismissed FROM review_state WHERE target_kind = 'event'").fetchone() == (
            '["required role Entity is missing"]',
        )
    finally:
        store.close()


def test_a_fresh_store_has_every_table_of_version_2(tmp_path):
    db = store.connect(tmp_path / "fresh.db")
    try:
        assert store.store_version(db) == store.STORE_VERSION >= 2
        assert "dismissed" in {c.name for c in db.get_columns("review_state")}
        indexes = {name for (name,) in db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "review_state_marked" in indexes
    finally:
        store.close()
