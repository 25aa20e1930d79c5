"""The store: import, decisions in an append-only log, undo and redo, migrations."""

from __future__ import annotations

import io
import sqlite3
import subprocess
import sys
import textwrap

import orjson
import pytest

from annotator import store
from annotator.domain import Status, TargetKind
from annotator.formats.native import ExportFilter, read_native, write_native
from annotator.store import DocumentConflict, Repository, StoreError
from tests.conftest import SMALL_DOCUMENT, write_jsonl


def import_file(repository: Repository, path) -> object:
    return repository.import_documents([d.document for d in read_native([path])])


def export_lines(repository: Repository, keep: ExportFilter | None = None) -> list[dict]:
    buffer = io.BytesIO()
    write_native(repository.iter_documents(), buffer, keep)
    return [orjson.loads(line) for line in buffer.getvalue().splitlines()]


def entity_pk(repository: Repository, entity_id: str, document: str = "d1") -> int:
    return next(e.pk for e in repository.load_document(document).entities if e.id == entity_id)


def test_connect_sets_wal_foreign_keys_busy_timeout_and_store_version(repository, db_path):
    db = repository.db
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert store.store_version(db) == store.STORE_VERSION


def test_a_store_from_a_newer_release_is_refused(repository, db_path):
    repository.db.execute_sql("UPDATE store_meta SET value = '99' WHERE key = 'schema_version'")
    store.close()
    with pytest.raises(StoreError, match="store.db: the store has version 99"):
        store.connect(db_path)


def test_migrations_run_in_order_from_an_empty_database(tmp_path, monkeypatch):
    from annotator.store import database

    applied = []
    monkeypatch.setitem(database.MIGRATIONS, 2, lambda db: applied.append(2))
    db = store.connect(tmp_path / "m.db")
    assert database.migrate(db, target_version=2) == 2
    assert applied == [2] and store.store_version(db) == 2
    assert database.migrate(db, target_version=2) == 2 and applied == [2]
    store.close()


def test_import_export_import_round_trip(repository, small_file, tmp_path):
    result = import_file(repository, small_file)
    assert result.added == ["d1"] and result.candidates == 6 + 2 + 6
    first = export_lines(repository)
    exported = tmp_path / "exported.jsonl"
    exported.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in first))
    store.close()
    store.connect(tmp_path / "second.db")
    second_repository = Repository()
    import_file(second_repository, exported)
    assert export_lines(second_repository) == first
    entity = first[0]["entities"][1]
    assert (entity["text"], entity["label"], entity["status"]) == ("[ISIS]", "ORG", "pending")
    meet = first[0]["events"][1]
    assert [a.get("entity") for a in meet["arguments"]] == ["T4", "T5", None]
    assert meet["arguments"][2]["text"] == "Wednesday"


def test_reimport_adds_nothing(repository, small_file, db_path):
    import_file(repository, small_file)
    before = export_lines(repository)
    counts = repository.status_counts()
    result = import_file(repository, small_file)
    assert result.added == [] and result.skipped == ["d1"]
    assert export_lines(repository) == before and repository.status_counts() == counts


def test_changed_text_under_the_same_id_is_refused(repository, small_file, tmp_path):
    import_file(repository, small_file)
    changed = write_jsonl(tmp_path / "changed.jsonl", dict(SMALL_DOCUMENT, text=SMALL_DOCUMENT["text"] + " More."))
    with pytest.raises(DocumentConflict, match="d1"):
        import_file(repository, changed)
    assert repository.load_document("d1").text == SMALL_DOCUMENT["text"]


def test_fix_keeps_the_original_and_export_shows_both(repository, small_file):
    import_file(repository, small_file)
    pk = entity_pk(repository, "T3")
    repository.fix("ana", TargetKind.ENTITY, pk, label="LOC", start=26)
    entity = next(e for e in repository.load_document("d1").entities if e.id == "T3")
    assert entity.label == "GPE" and entity.final("label") == "LOC"
    assert entity.review.status is Status.FIXED and entity.review.reviewer == "ana"
    line = export_lines(repository)[0]
    exported = next(e for e in line["entities"] if e["id"] == "T3")
    assert exported["label"] == "LOC" and exported["original"] == {"label": "GPE"}
    assert exported["reviewer"] == "ana" and exported["decided_at"].endswith("Z")
    [decision] = repository.decisions()
    assert decision.before == {"label": "GPE", "start": 26, "status": "pending"}
    assert decision.after == {"label": "LOC", "start": 26, "status": "fixed"}


def test_reviewed_export_reimports_with_its_review_state(repository, small_file, tmp_path):
    import_file(repository, small_file)
    repository.fix("ana", TargetKind.ENTITY, entity_pk(repository, "T3"), label="LOC")
    repository.reject("ana", TargetKind.ENTITY, entity_pk(repository, "T2"))
    added = repository.add_entity("ana", repository.document_pk("d1"), 62, 64, "DATE")
    repository.set_note("ana", TargetKind.ENTITY, added, "check")
    first = export_lines(repository)
    path = tmp_path / "reviewed.jsonl"
    path.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in first))
    store.close()
    store.connect(tmp_path / "other.db")
    other = Repository()
    import_file(other, path)
    assert export_lines(other) == first


def test_every_decision_kind_targets_entities_events_and_arguments(repository, small_file):
    import_file(repository, small_file)
    document = repository.load_document("d1")
    attack = document.events[0]
    repository.accept("ana", TargetKind.EVENT, attack.pk)
    repository.reject("ana", TargetKind.ARGUMENT, attack.arguments[1].pk)
    repository.fix("ana", TargetKind.ARGUMENT, attack.arguments[2].pk, role="Target", entity_id="T2")
    repository.set_flag("ana", TargetKind.EVENT, document.events[1].pk, True)
    new_argument = repository.add_argument("ana", document.events[1].pk, "Place", entity_pk=entity_pk(repository, "T6"))
    attack, meet = repository.load_document("d1").events
    assert attack.review.status is Status.ACCEPTED
    assert [a.review.status for a in attack.arguments] == [Status.PENDING, Status.REJECTED, Status.FIXED]
    assert attack.arguments[2].final("entity_id") == "T2" and attack.arguments[2].entity_id == "T3"
    assert meet.review.flagged and meet.review.status is Status.PENDING
    assert meet.arguments[-1].pk == new_argument and meet.arguments[-1].review.status is Status.ADDED


def test_undo_and_redo_are_log_entries_and_survive_reopening(repository, small_file, db_path):
    import_file(repository, small_file)
    t1, t2 = entity_pk(repository, "T1"), entity_pk(repository, "T2")
    repository.accept("ana", TargetKind.ENTITY, t1)
    repository.reject("ana", TargetKind.ENTITY, t2)
    repository.fix("ana", TargetKind.ENTITY, t1, label="NORP")
    store.close()

    store.connect(db_path)
    reopened = Repository()
    assert reopened.undo("ana") is not None
    assert reopened.undo("ana") is not None
    store.close()

    store.connect(db_path)
    reopened = Repository()
    statuses = {e.id: e.review.status for e in reopened.load_document("d1").entities}
    assert statuses["T1"] is Status.ACCEPTED and statuses["T2"] is Status.PENDING
    assert reopened.redo("ana") is not None
    store.close()

    store.connect(db_path)
    reopened = Repository()
    entities = {e.id: e for e in reopened.load_document("d1").entities}
    assert entities["T2"].review.status is Status.REJECTED
    assert entities["T1"].final("label") == "ORG"
    actions = [d.action for d in reopened.decisions()]
    assert actions == ["accept", "reject", "fix", "undo", "undo", "redo"]


def test_a_new_decision_clears_redo_and_undo_is_unlimited(repository, small_file):
    import_file(repository, small_file)
    pks = [e.pk for e in repository.load_document("d1").entities]
    for pk in pks:
        repository.accept("ana", TargetKind.ENTITY, pk)
    for _ in pks:
        assert repository.undo("ana") is not None
    assert repository.undo("ana") is None
    assert all(e.review.status is Status.PENDING for e in repository.load_document("d1").entities)
    repository.redo("ana")
    repository.reject("ana", TargetKind.ENTITY, pks[3])
    assert repository.redo("ana") is None


def test_undo_is_per_reviewer(repository, small_file):
    import_file(repository, small_file)
    t1, t2 = entity_pk(repository, "T1"), entity_pk(repository, "T2")
    repository.accept("ana", TargetKind.ENTITY, t1)
    repository.accept("bo", TargetKind.ENTITY, t2)
    repository.undo("ana")
    statuses = {e.id: e.review.status for e in repository.load_document("d1").entities}
    assert statuses["T1"] is Status.PENDING and statuses["T2"] is Status.ACCEPTED


def test_undo_of_an_add_withdraws_it_and_redo_brings_it_back(repository, small_file):
    import_file(repository, small_file)
    added = repository.add_entity("ana", repository.document_pk("d1"), 62, 64, "DATE")
    repository.undo("ana")
    assert next(e for e in repository.load_document("d1").entities if e.pk == added).review.status is Status.WITHDRAWN
    assert all(e["id"] != f"added-{added}" for e in export_lines(repository)[0]["entities"])
    repository.redo("ana")
    assert next(e for e in repository.load_document("d1").entities if e.pk == added).review.status is Status.ADDED


def test_bulk_group_is_one_undo_step(repository, small_file):
    import_file(repository, small_file)
    pks = [e.pk for e in repository.load_document("d1").entities]
    repository.record("ana", "bulk-accept", [(TargetKind.ENTITY, pk, {"status": "accepted"}) for pk in pks])
    repository.undo("ana")
    assert all(e.review.status is Status.PENDING for e in repository.load_document("d1").entities)


def test_derived_state_rebuilt_from_the_log_equals_the_incremental_one(repository, small_file):
    import_file(repository, small_file)
    pks = [e.pk for e in repository.load_document("d1").entities]
    repository.accept("ana", TargetKind.ENTITY, pks[0])
    repository.set_flag("ana", TargetKind.ENTITY, pks[0], True)
    repository.fix("bo", TargetKind.ENTITY, pks[1], end=20)
    repository.undo("ana")
    repository.reject("ana", TargetKind.ENTITY, pks[2])
    repository.undo("ana")
    repository.redo("ana")
    incremental = repository.review_states()
    repository.rebuild_derived_state()
    assert repository.review_states() == incremental
    assert incremental[("entity", pks[0])][0] == "accepted"


def test_export_filters_by_status_and_reviewer_and_drops_dangling_arguments(repository, small_file):
    import_file(repository, small_file)
    document = repository.load_document("d1")
    attack = document.events[0]
    repository.accept("ana", TargetKind.EVENT, attack.pk)
    repository.accept("ana", TargetKind.ARGUMENT, attack.arguments[0].pk)
    repository.accept("ana", TargetKind.ENTITY, entity_pk(repository, "T2"))
    repository.accept("ana", TargetKind.ARGUMENT, attack.arguments[1].pk)
    repository.accept("bo", TargetKind.ENTITY, entity_pk(repository, "T4"))
    buffer = io.BytesIO()
    summary = write_native(repository.iter_documents(), buffer, ExportFilter(statuses={Status.ACCEPTED}, reviewer="ana"))
    [line] = [orjson.loads(x) for x in buffer.getvalue().splitlines()]
    assert [e["id"] for e in line["entities"]] == ["T2"]
    assert [(a["role"], a["entity"]) for a in line["events"][0]["arguments"]] == [("Target", "T2")]
    assert summary.dropped_arguments == 1


def test_a_decision_survives_the_process_being_killed(db_path, small_file):
    script = textwrap.dedent(
        f"""
        import os, signal
        from annotator import store
        from annotator.domain import TargetKind
        from annotator.formats.native import read_native
        from annotator.store import Repository
        store.connect({str(db_path)!r})
        repository = Repository()
        repository.import_documents([d.document for d in read_native([{str(small_file)!r}])])
        pk = repository.load_document("d1").entities[0].pk
        repository.reject("ana", TargetKind.ENTITY, pk)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    completed = subprocess.run([sys.executable, "-c", script], timeout=120)
    assert completed.returncode == -9
    connection = sqlite3.connect(db_path)
    assert connection.execute("SELECT status FROM review_state").fetchall() == [("rejected",)]
    assert connection.execute("SELECT action, reviewer FROM decision").fetchall() == [("reject", "ana")]
    connection.close()


def test_the_candidate_counter_follows_imports_and_ignores_reviewer_additions(repository, small_file, tmp_path):
    assert repository.candidate_count() == 0
    import_file(repository, small_file)
    assert repository.candidate_count() == 14
    repository.add_entity("ana", repository.document_pk("d1"), 62, 64, "DATE")
    second = write_jsonl(tmp_path / "second.jsonl", dict(SMALL_DOCUMENT, id="d2"))
    import_file(repository, second)
    assert repository.candidate_count() == 28 == repository._count_candidates()
