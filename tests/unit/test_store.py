"""The store: import, decisions in an append-only log, the named review operations, undo and redo, migrations."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap

import orjson
import pytest

from annotator import store
from annotator.domain import Action, Sentence, Status, TargetKind, is_decided, sentence_of
from annotator.formats.native import ExportFilter, read_native, write_native
from annotator.store import DecisionError, DocumentConflict, Repository, StoreError, queries
from annotator.store.models import database
from annotator.store.sql import run
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
    db = database.obj
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert store.store_version(db) == store.STORE_VERSION


def test_a_store_from_a_newer_release_is_refused(repository, store_url):
    # The meta key keeps its first name, so stores written by earlier releases still open.
    run("UPDATE store_meta SET value = '99' WHERE key = 'schema_version'")
    store.close()
    with pytest.raises(StoreError, match=": the store has version 99"):
        store.connect(store_url)


def test_migrations_run_in_order_from_an_empty_database(tmp_path, monkeypatch):
    from annotator.store import database

    applied = []
    following = store.STORE_VERSION + 1
    monkeypatch.setitem(database.MIGRATIONS, following, lambda db: applied.append(following))
    db = store.connect(tmp_path / "m.db")
    assert store.store_version(db) == store.STORE_VERSION and applied == []
    assert database.migrate(db, target_version=following) == following
    assert applied == [following] and store.store_version(db) == following
    assert database.migrate(db, target_version=following) == following and applied == [following]
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


def test_reimport_adds_nothing(repository, small_file):
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


def test_undo_and_redo_are_log_entries_and_survive_reopening(repository, small_file, store_url):
    import_file(repository, small_file)
    t1, t2 = entity_pk(repository, "T1"), entity_pk(repository, "T2")
    repository.accept("ana", TargetKind.ENTITY, t1)
    repository.reject("ana", TargetKind.ENTITY, t2)
    repository.fix("ana", TargetKind.ENTITY, t1, label="NORP")
    store.close()

    store.connect(store_url)
    reopened = Repository()
    assert reopened.undo("ana") is not None
    assert reopened.undo("ana") is not None
    store.close()

    store.connect(store_url)
    reopened = Repository()
    statuses = {e.id: e.review.status for e in reopened.load_document("d1").entities}
    assert statuses["T1"] is Status.ACCEPTED and statuses["T2"] is Status.PENDING
    assert reopened.redo("ana") is not None
    store.close()

    store.connect(store_url)
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
    group = repository.accept_many("ana", [(TargetKind.ENTITY, pk) for pk in pks], Action.BULK_ACCEPT_LABEL)
    assert all(e.review.status is Status.ACCEPTED for e in repository.load_document("d1").entities)
    assert {d.group for d in repository.decisions()} == {group}
    assert {d.action for d in repository.decisions()} == {Action.BULK_ACCEPT_LABEL}
    assert repository.undo("ana") == group
    assert all(e.review.status is Status.PENDING for e in repository.load_document("d1").entities)
    with pytest.raises(DecisionError, match="not a bulk accept"):
        repository.accept_many("ana", [(TargetKind.ENTITY, pks[0])], Action.REJECT)


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


def test_a_decision_survives_the_process_being_killed(store_url, small_file):
    script = textwrap.dedent(
        f"""
        import os, signal
        from annotator import store
        from annotator.domain import TargetKind
        from annotator.formats.native import read_native
        from annotator.store import Repository
        store.connect({store_url!r})
        repository = Repository()
        repository.import_documents([d.document for d in read_native([{str(small_file)!r}])])
        pk = repository.load_document("d1").entities[0].pk
        repository.reject("ana", TargetKind.ENTITY, pk)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    completed = subprocess.run([sys.executable, "-c", script], timeout=120)
    assert completed.returncode == -9
    store.connect(store_url, create=False)
    try:
        assert run("SELECT status FROM review_state").fetchall() == [("rejected",)]
        assert run("SELECT action, reviewer FROM decision").fetchall() == [("reject", "ana")]
    finally:
        store.close()


def test_the_candidate_counter_follows_imports_and_ignores_reviewer_additions(repository, small_file, tmp_path):
    assert repository.candidate_count() == 0
    import_file(repository, small_file)
    assert repository.candidate_count() == 14
    repository.add_entity("ana", repository.document_pk("d1"), 62, 64, "DATE")
    second = write_jsonl(tmp_path / "second.jsonl", dict(SMALL_DOCUMENT, id="d2"))
    import_file(repository, second)
    assert repository.candidate_count() == 28 == queries.count_candidates()


def statuses_in_database(document: str = "d1") -> dict[tuple[str, str], str]:
    """(kind, external id) -> status, read from the tables with SQL, pending where no state row exists."""
    rows = run(
        """
        SELECT 'entity', e.key, COALESCE(s.status, 'pending') FROM entity e
          JOIN document d ON d.id = e.document_id
          LEFT JOIN review_state s ON s.target_kind = 'entity' AND s.target_id = e.id WHERE d.key = ?
        UNION ALL
        SELECT 'event', v.key, COALESCE(s.status, 'pending') FROM event v
          JOIN document d ON d.id = v.document_id
          LEFT JOIN review_state s ON s.target_kind = 'event' AND s.target_id = v.id WHERE d.key = ?
        UNION ALL
        SELECT 'argument', v.key || '/' || a.position, COALESCE(s.status, 'pending') FROM argument a
          JOIN event v ON v.id = a.event_id JOIN document d ON d.id = v.document_id
          LEFT JOIN review_state s ON s.target_kind = 'argument' AND s.target_id = a.id WHERE d.key = ?
        """,
        (document, document, document),
    ).fetchall()
    return {(kind, external_id): status for kind, external_id, status in rows}


def test_accept_event_accepts_its_pending_arguments_in_one_undo_step(repository, small_file):
    import_file(repository, small_file)
    attack = repository.load_document("d1").events[0]
    repository.reject("ana", TargetKind.ARGUMENT, attack.arguments[1].pk)
    repository.fix("ana", TargetKind.ARGUMENT, attack.arguments[2].pk, role="Target")
    before = statuses_in_database()

    group = repository.accept_event("ana", attack.pk)

    after = statuses_in_database()
    assert after[("event", "E1")] == "accepted"
    assert [after[("argument", f"E1/{i}")] for i in range(3)] == ["accepted", "rejected", "fixed"]
    assert after[("event", "E2")] == "pending" and after[("argument", "E2/0")] == "pending"
    logged = [d for d in repository.decisions() if d.group == group]
    assert [(d.action, d.target_kind) for d in logged] == [
        (Action.ACCEPT, TargetKind.EVENT), (Action.ACCEPT, TargetKind.ARGUMENT)
    ]
    assert repository.undo("ana") == group
    assert statuses_in_database() == before


def test_accept_event_keeps_a_fixed_event_fixed(repository, small_file):
    import_file(repository, small_file)
    meet = repository.load_document("d1").events[1]
    repository.fix("ana", TargetKind.EVENT, meet.pk, type="Contact.Phone-Write")
    repository.accept_event("ana", meet.pk)
    found = statuses_in_database()
    assert found[("event", "E2")] == "fixed"
    assert [found[("argument", f"E2/{i}")] for i in range(3)] == ["accepted"] * 3


def test_reject_event_rejects_its_pending_arguments_in_one_undo_step(repository, small_file):
    import_file(repository, small_file)
    attack = repository.load_document("d1").events[0]
    repository.accept("ana", TargetKind.ARGUMENT, attack.arguments[0].pk)
    before = statuses_in_database()

    group = repository.reject_event("ana", attack.pk)

    found = statuses_in_database()
    assert found[("event", "E1")] == "rejected"
    assert [found[("argument", f"E1/{i}")] for i in range(3)] == ["accepted", "rejected", "rejected"]
    assert found[("event", "E2")] == "pending" and found[("argument", "E2/0")] == "pending"
    assert {d.group for d in repository.decisions() if d.action == Action.REJECT} == {group}
    assert repository.undo("ana") == group
    assert statuses_in_database() == before


def test_accepting_keeps_a_fixed_item_fixed_and_an_added_one_added(repository, small_file):
    import_file(repository, small_file)
    t3 = entity_pk(repository, "T3")
    repository.fix("ana", TargetKind.ENTITY, t3, label="LOC")
    repository.accept("ana", TargetKind.ENTITY, t3)
    added = repository.add_entity("ana", repository.document_pk("d1"), 62, 64, "DATE")
    repository.accept("ana", TargetKind.ENTITY, added)
    found = statuses_in_database()
    assert found[("entity", "T3")] == "fixed" and found[("entity", f"added-{added}")] == "added"
    assert repository.decided_count() == 1


MENTIONS = {
    "id": "m",
    "text": "Homs fëll. Homs rose. Homs agaïn. Aleppo.",  # non-ASCII: offsets count characters, not bytes
    "sentences": [{"start": 0, "end": 10}, {"start": 11, "end": 21}, {"start": 22, "end": 33}, {"start": 34, "end": 41}],
    "entities": [
        {"id": "A", "start": 0, "end": 4, "label": "GPE"},
        {"id": "B", "start": 11, "end": 15, "label": "GPE"},
        {"id": "C", "start": 22, "end": 26, "label": "GPE"},
        {"id": "D", "start": 22, "end": 26, "label": "ORG"},
        {"id": "E", "start": 34, "end": 40, "label": "GPE"},
    ],
    "events": [],
}


def entity_states(repository: Repository) -> dict[str, tuple[str, dict]]:
    """Entity id -> (status, fixed values), read from the review_state table."""
    rows = run(
        "SELECT e.key, COALESCE(s.status, 'pending'), COALESCE(s.fixed, '{}') FROM entity e"
        " LEFT JOIN review_state s ON s.target_kind = 'entity' AND s.target_id = e.id"
    ).fetchall()
    return {external_id: (status, orjson.loads(fixed)) for external_id, status, fixed in rows}


@pytest.fixture
def mentions(repository, tmp_path):
    import_file(repository, write_jsonl(tmp_path / "m.jsonl", MENTIONS))
    return {e.id: e.pk for e in repository.load_document("m").entities}


def test_identical_mentions_share_document_text_and_machine_label_and_are_pending(repository, mentions):
    assert repository.identical_mentions(mentions["A"]) == [mentions["B"], mentions["C"]]
    repository.reject("ana", TargetKind.ENTITY, mentions["C"])
    assert repository.identical_mentions(mentions["A"]) == [mentions["B"]]
    assert repository.identical_mentions(mentions["E"]) == []


def test_apply_to_identical_carries_a_label_fix_in_one_undo_step(repository, mentions):
    repository.fix("ana", TargetKind.ENTITY, mentions["A"], label="LOC")
    before = entity_states(repository)
    assert repository.apply_to_identical("ana", mentions["A"]) == 2
    found = entity_states(repository)
    assert found["B"] == found["C"] == ("fixed", {"label": "LOC"})
    assert found["D"] == found["E"] == ("pending", {})
    assert {d.action for d in repository.decisions() if d.target_pk in (mentions["B"], mentions["C"])} == {
        Action.APPLY_TO_IDENTICAL
    }
    repository.undo("ana")
    assert entity_states(repository) == before


def test_apply_to_identical_leaves_a_boundary_fix_behind(repository, mentions):
    repository.fix("ana", TargetKind.ENTITY, mentions["A"], end=3)
    assert repository.apply_to_identical("ana", mentions["A"]) == 2
    found = entity_states(repository)
    assert found["A"] == ("fixed", {"end": 3})
    assert found["B"] == found["C"] == ("accepted", {})


def test_apply_to_identical_carries_a_rejection_and_returns_zero_when_nothing_is_left(repository, mentions):
    assert repository.apply_to_identical("ana", mentions["A"]) == 0  # A is still pending: nothing to carry
    repository.reject("ana", TargetKind.ENTITY, mentions["A"])
    assert repository.apply_to_identical("ana", mentions["A"]) == 2
    assert [entity_states(repository)[x][0] for x in "ABCDE"] == ["rejected"] * 3 + ["pending"] * 2
    decisions = len(repository.decisions())
    assert repository.apply_to_identical("ana", mentions["A"]) == 0
    assert len(repository.decisions()) == decisions


def test_an_added_entity_goes_in_the_sentence_holding_its_start(repository, mentions):
    document_pk = repository.document_pk("m")
    added = [repository.add_entity("ana", document_pk, start, start + 2, "GPE") for start in (10, 11, 39)]
    rows = dict(
        run(f"SELECT id, sentence_idx FROM entity WHERE id IN ({', '.join('?' * 3)})", added)
    )
    assert [rows[pk] for pk in added] == [0, 1, 3]


def test_sentence_of_takes_the_last_sentence_starting_at_or_before_the_offset():
    sentences = [Sentence(0, 2, 10), Sentence(1, 12, 20), Sentence(2, 20, 30)]
    assert sentence_of(sentences, 0) == 0  # before the first sentence: clamped to it
    assert sentence_of(sentences, 2) == 0
    assert sentence_of(sentences, 11) == 0  # between two sentences: the earlier one
    assert sentence_of(sentences, 12) == 1
    assert sentence_of(sentences, 19) == 1
    assert sentence_of(sentences, 20) == 2  # where one ends and the next starts: the next
    assert sentence_of(sentences, 500) == 2
    assert sentence_of([], 5) == 0


def test_decided_means_accepted_rejected_or_fixed():
    assert [s for s in Status if is_decided(s)] == [Status.ACCEPTED, Status.REJECTED, Status.FIXED]


def test_every_log_action_is_stored_as_its_string(repository, small_file):
    import_file(repository, small_file)
    t1 = entity_pk(repository, "T1")
    repository.accept("ana", TargetKind.ENTITY, t1)
    repository.set_note("ana", TargetKind.ENTITY, t1, "why")
    repository.undo("ana")
    stored = [action for (action,) in run("SELECT action FROM decision ORDER BY id")]
    assert stored == ["accept", "note", "undo"]
