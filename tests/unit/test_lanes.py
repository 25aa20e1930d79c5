"""Lanes: reviewers deciding the same documents independently, and the final states exports take from their lanes."""

from __future__ import annotations

import sqlite3

import pytest

from annotator import store
from annotator.domain import PENDING, Action, Status, TargetKind
from annotator.formats.native import read_native
from annotator.store import Repository, bulk
from annotator.store.sources import FINAL, MAJORITY, Disagreements
from tests.conftest import FIXTURES, SMALL_DOCUMENT, write_jsonl

ENTITY = TargetKind.ENTITY


def entity_pks(repository: Repository, document_id: str = "d1") -> dict[str, int]:
    return {e.id: e.pk for e in repository.load_document(document_id).entities}


def statuses(repository: Repository, document_id: str = "d1", **load) -> dict[str, str]:
    document = repository.load_document(document_id)
    return {e.id: e.review.status.value for e in document.entities}


def exported(repository: Repository, source: str, tally: Disagreements | None = None) -> dict[str, dict[str, str]]:
    return {
        document.id: {e.id: e.review.status.value for e in document.entities}
        for document in repository.iter_documents(source=source, tally=tally)
    }


def test_each_reviewer_sees_only_the_decisions_of_their_own_lane(team):
    ana, bo, shared = team["ana"], team["bo"], team[""]
    pks = entity_pks(ana)
    ana.accept("ana", ENTITY, pks["T1"])
    ana.fix("ana", ENTITY, pks["T2"], label="GPE")
    bo.reject("bo", ENTITY, pks["T1"])
    bo.set_flag("bo", ENTITY, pks["T3"], True)

    assert statuses(ana) == {"T1": "accepted", "T2": "fixed", "T3": "pending", "T4": "pending", "T5": "pending",
                             "T6": "pending"}
    assert statuses(bo)["T1"] == "rejected" and statuses(bo)["T2"] == "pending"
    assert set(statuses(shared).values()) == {"pending"}
    assert [item.pk for item in bo.flagged_items()] == [pks["T3"]] and ana.flagged_items() == []
    # Accepting an already fixed entity keeps it fixed in ana's lane, and knows nothing of bo's rejection.
    ana.accept("ana", ENTITY, pks["T2"])
    assert ana.load_document("d1").entities[1].final("label") == "GPE"
    assert bo.load_document("d1").entities[1].final("label") == "ORG"
    # Another lane's decisions are nothing a screen of this lane must warn about.
    assert bo.decided_after(ENTITY, pks["T1"], 0.0, other_than="bo") is None
    assert ana.decided_after(ENTITY, pks["T1"], 0.0, other_than="bo") is not None


def test_undo_takes_back_only_the_reviewers_own_lane(team):
    ana, bo = team["ana"], team["bo"]
    pks = entity_pks(ana)
    ana.accept("ana", ENTITY, pks["T1"])
    bo.reject("bo", ENTITY, pks["T1"])
    bo.reject("bo", ENTITY, pks["T2"])

    assert ana.undo("ana") is not None
    assert statuses(ana)["T1"] == "pending"
    assert statuses(bo)["T1"] == "rejected" and statuses(bo)["T2"] == "rejected"
    assert ana.undo("ana") is None  # nothing left of ana's in her lane; bo's groups are not hers to undo
    assert bo.undo("bo") is not None and statuses(bo)["T2"] == "pending" and statuses(bo)["T1"] == "rejected"
    assert ana.redo("ana") is not None and statuses(ana)["T1"] == "accepted"
    # The same reviewer in the shared lane has an undo history of their own there.
    assert team[""].undo_stacks("ana") == ([], [])
    assert ana.undo_stacks("ana")[0] != []


def test_progress_and_decided_counts_are_per_lane(team):
    ana, bo, shared = team["ana"], team["bo"], team[""]
    pks = entity_pks(ana)
    total = shared.sentence_progress()[1]
    document = ana.load_document("d1")
    for entity in document.entities:
        ana.accept("ana", ENTITY, entity.pk)
    for event in document.events:
        ana.accept_event("ana", event.pk)
    bo.reject("bo", ENTITY, pks["T1"])

    assert ana.decided_count() == 6 + 2 + 6 and bo.decided_count() == 1 and shared.decided_count() == 0
    assert [s.decided for s in ana.document_summaries()] == [14, 0]
    assert [s.decided for s in bo.document_summaries()] == [1, 0]
    assert ana.sentence_progress() == (2, total) and bo.sentence_progress() == (0, total)
    assert shared.sentence_progress() == (0, total)
    d1, d2 = shared.document_pks()
    assert ana.next_document_with_pending(0) == d2 and bo.next_document_with_pending(0) == d1
    assert ana.next_document_with_work(0) == d2 and bo.next_document_with_work(0) == d1
    assert ana.pending_entities(document_pk=d1) == [] and len(bo.pending_entities(document_pk=d1)) == 5
    # A decision in bo's lane drops only bo's cached progress: ana's count stays as counted.
    bo.reject("bo", ENTITY, pks["T2"])
    assert ana.sentence_progress() == (2, total)


def test_a_reviewers_addition_is_invisible_in_the_other_lanes(team):
    ana, bo = team["ana"], team["bo"]
    d1 = ana.document_pk("d1")
    added = ana.add_entity("ana", d1, 65, 74, "DATE")
    assert {e.pk: e.review.status for e in ana.load_document("d1").entities}[added] is Status.ADDED
    assert {e.pk: e.review.status for e in bo.load_document("d1").entities}[added] is Status.WITHDRAWN
    assert {e.pk: e.review.status for e in team[""].load_document("d1").entities}[added] is Status.WITHDRAWN


def test_final_source_gives_agreed_states_and_leaves_disagreements_undecided(team):
    ana, bo, shared = team["ana"], team["bo"], team[""]
    pks = entity_pks(ana)
    ana.accept("ana", ENTITY, pks["T1"])
    bo.accept("bo", ENTITY, pks["T1"])
    ana.fix("ana", ENTITY, pks["T2"], label="GPE")
    bo.fix("bo", ENTITY, pks["T2"], label="GPE")
    ana.accept("ana", ENTITY, pks["T3"])
    bo.reject("bo", ENTITY, pks["T3"])
    ana.fix("ana", ENTITY, pks["T4"], label="ORG")
    bo.fix("bo", ENTITY, pks["T4"], label="GPE")
    ana.reject("ana", ENTITY, pks["T5"])  # bo has not decided T5: ana's is the only decision
    d2 = entity_pks(shared, "d2")
    shared.reject("adjudicator", ENTITY, d2["T1"])  # the shared lane holds single-reviewer work

    tally = Disagreements()
    final = exported(shared, FINAL, tally)
    assert final["d1"] == {"T1": "accepted", "T2": "fixed", "T3": "pending", "T4": "pending", "T5": "rejected",
                           "T6": "pending"}
    assert final["d2"]["T1"] == "rejected"
    assert tally.targets == 2 and tally.by_document == {shared.document_pk("d1"): 2}
    fixed = next(e for e in shared.iter_documents(["d1"], source=FINAL) if e).entities[1]
    assert fixed.final("label") == "GPE"
    # An adjudicated state in the shared lane settles a disagreement.
    shared.reject("adjudicator", ENTITY, pks["T3"])
    assert exported(shared, FINAL)["d1"]["T3"] == "rejected"
    # The default view of the shared lane is unchanged by the reviewers' lanes.
    assert statuses(shared)["T1"] == "pending"


def test_final_source_keeps_an_addition_only_when_no_other_reviewer_worked_on_the_document(team):
    ana, bo, shared = team["ana"], team["bo"], team[""]
    d1, d2 = shared.document_pks()
    alone = ana.add_entity("ana", d2, 65, 74, "DATE")
    disputed = ana.add_entity("ana", d1, 65, 74, "DATE")
    bo.accept("bo", ENTITY, entity_pks(bo)["T1"])

    tally = Disagreements()
    documents = {d.id: d for d in shared.iter_documents(source=FINAL, tally=tally)}
    assert {e.pk: e.review.status for e in documents["d2"].entities}[alone] is Status.ADDED
    assert {e.pk: e.review for e in documents["d1"].entities}[disputed] == PENDING
    assert tally.targets == 1


def test_source_reviewer_gives_their_lane_and_the_shared_lane_where_they_never_worked(team):
    ana, bo, shared = team["ana"], team["bo"], team[""]
    pks = entity_pks(ana)
    ana.accept("ana", ENTITY, pks["T1"])
    bo.reject("bo", ENTITY, pks["T1"])
    shared.reject("adjudicator", ENTITY, entity_pks(shared, "d2")["T2"])

    assert exported(shared, "ana") == exported(ana, "ana")
    by_ana = exported(shared, "ana")
    assert by_ana["d1"]["T1"] == "accepted" and by_ana["d2"]["T2"] == "rejected"
    assert exported(shared, "bo")["d1"]["T1"] == "rejected"


def test_majority_of_three_lanes_and_a_tie_left_undecided(team):
    ana, bo, cy, shared = team["ana"], team["bo"], team["cy"], team[""]
    pks = entity_pks(ana)
    for reviewer, repository in (("ana", ana), ("bo", bo)):
        repository.accept(reviewer, ENTITY, pks["T1"])
        repository.fix(reviewer, ENTITY, pks["T2"], label="LOC")
    cy.reject("cy", ENTITY, pks["T1"])
    cy.accept("cy", ENTITY, pks["T2"])
    ana.accept("ana", ENTITY, pks["T3"])
    bo.reject("bo", ENTITY, pks["T3"])

    tally = Disagreements()
    majority = exported(shared, MAJORITY, tally)["d1"]
    assert majority["T1"] == "accepted" and majority["T2"] == "fixed" and majority["T3"] == "pending"
    assert tally.targets == 1
    # Under the final source, the same lanes disagree on all three.
    tally = Disagreements()
    assert set(exported(shared, FINAL, tally)["d1"].values()) == {"pending"} and tally.targets == 3


def test_a_store_without_reviewer_lanes_exports_the_same_under_every_source(team):
    shared = team[""]
    pks = entity_pks(shared)
    shared.accept("ana", ENTITY, pks["T1"])
    shared.fix("ana", ENTITY, pks["T2"], label="LOC")
    plain = list(shared.iter_documents())
    for source in (FINAL, MAJORITY, "ana"):
        assert list(shared.iter_documents(source=source)) == plain
    # A repository of a lane with nothing in it exports the shared lane too, not its own empty one.
    assert list(team["ana"].iter_documents(source=FINAL)) == plain


def test_rebuilding_the_derived_state_rebuilds_every_lane(team):
    ana, bo, shared = team["ana"], team["bo"], team[""]
    pks = entity_pks(ana)
    ana.accept("ana", ENTITY, pks["T1"])
    ana.reject("ana", ENTITY, pks["T2"])
    ana.undo("ana")
    bo.fix("bo", ENTITY, pks["T1"], label="LOC")
    shared.accept("ana", ENTITY, pks["T3"])
    before = {name: repository.review_states() for name, repository in team.items()}
    assert before["ana"] != before["bo"] != before[""]
    shared.rebuild_derived_state()
    assert {name: repository.review_states() for name, repository in team.items()} == before


def test_a_bulk_decision_and_its_undo_stay_in_their_lane(team, store_url, monkeypatch):
    ana, bo, shared = team["ana"], team["bo"], team[""]
    pks = sorted(entity_pks(ana).values())
    shared.reject("ana", ENTITY, pks[0])
    monkeypatch.setattr(bulk, "IDS_PER_QUERY", 2)  # a group of 6 entities is written and folded in 3 batches
    monkeypatch.setattr(bulk, "BATCH_SECONDS", 0.0)
    monkeypatch.setattr(bulk, "PAUSE_SECONDS", 0.0)
    group = ana.accept_many("ana", [(ENTITY, pk) for pk in pks], Action.BULK_ACCEPT)
    assert set(statuses(ana).values()) == {"accepted"} and set(statuses(bo).values()) == {"pending"}

    original = bulk._refold_some
    calls = []

    def first_then_die(job) -> None:
        calls.append(1)
        if len(calls) > 1:
            raise KeyboardInterrupt
        original(job)

    monkeypatch.setattr(bulk, "_refold_some", first_then_die)
    with pytest.raises(KeyboardInterrupt):
        ana.undo("ana")
    monkeypatch.setattr(bulk, "_refold_some", original)
    assert sorted(statuses(ana).values()).count("pending") == 2  # the undo is logged, one batch folded
    bulk._active.clear()  # as if this process had died: the next one to open the store finishes the undo
    store.close()
    store.connect(store_url)
    assert set(statuses(ana).values()) == {"pending"}
    assert statuses(shared)["T1"] == "rejected" and set(statuses(bo).values()) == {"pending"}
    assert ana.redo("ana") == group and set(statuses(ana).values()) == {"accepted"}


def test_a_version_2_store_keeps_every_state_in_the_shared_lane(tmp_path):
    path = tmp_path / "v2.db"
    connection = sqlite3.connect(path)
    connection.executescript((FIXTURES / "stores" / "v2.sql").read_text())
    before = connection.execute(
        "SELECT target_kind, target_id, document_id, status, fixed, flagged, note, reviewer, decided_at, dismissed"
        " FROM review_state ORDER BY target_kind, target_id"
    ).fetchall()
    decisions = connection.execute("SELECT * FROM decision ORDER BY id").fetchall()
    assert connection.execute("SELECT value FROM store_meta WHERE key = 'schema_version'").fetchone() == ("2",)
    connection.close()
    assert len(before) == 12

    db = store.connect(path)
    try:
        assert store.store_version(db) == store.STORE_VERSION == 3
        after = db.execute_sql(
            "SELECT lane, target_kind, target_id, document_id, status, fixed, flagged, note, reviewer, decided_at,"
            " dismissed FROM review_state ORDER BY target_kind, target_id"
        ).fetchall()
        assert [row[1:] for row in after] == before and {row[0] for row in after} == {""}
        assert [row[:-1] for row in db.execute_sql("SELECT * FROM decision ORDER BY id").fetchall()] == decisions
        assert {row[-1] for row in db.execute_sql("SELECT * FROM decision")} == {""}
        primary_key = [c.name for c in db.get_columns("review_state") if c.primary_key]
        assert sorted(primary_key) == ["lane", "target_id", "target_kind"]
        indexes = {name for (name,) in db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"review_state_document_id", "review_state_marked"} <= indexes
        assert "lane" in {c.name for c in db.get_columns("document_work")}

        repository = Repository()
        states = repository.review_states()
        repository.rebuild_derived_state()
        assert repository.review_states() == states
        done, _ = repository.undo_stacks("ana")
        assert done == [1, 2, 3, 4, 5, 6, 7, 10, 11]  # group 8, undone in version 2, stays undone
        assert repository.undo("ana") == done[-1]  # the sentence confirmed last
        assert ("sentence", 2) not in repository.review_states()
        pks = entity_pks(repository)
        lane = Repository(lane="ana")
        lane.reject("ana", ENTITY, pks["T1"])
        assert statuses(repository)["T1"] == "accepted" and statuses(lane)["T1"] == "rejected"

        from annotator.store.database import MIGRATIONS

        MIGRATIONS[3](db)  # a step that finds its work done leaves the store as it is
        assert repository.review_states() == Repository().review_states()
        assert statuses(lane)["T1"] == "rejected"
    finally:
        store.close()


# What takes a PostgreSQL store of version 3 back to the tables version 2 had (its rows all in lane '').
AS_VERSION_2_ON_POSTGRESQL = (
    "ALTER TABLE decision DROP COLUMN lane",
    "ALTER TABLE review_state DROP CONSTRAINT review_state_pkey",
    "ALTER TABLE review_state DROP COLUMN lane",
    "ALTER TABLE review_state ADD PRIMARY KEY (target_kind, target_id)",
    "ALTER TABLE document_work DROP CONSTRAINT document_work_pkey",
    "ALTER TABLE document_work DROP COLUMN lane",
    "ALTER TABLE document_work ADD PRIMARY KEY (document_id)",
    "UPDATE store_meta SET value = '2' WHERE key = 'schema_version'",
)


@pytest.mark.postgresql
def test_a_version_2_store_on_postgresql_keeps_every_state_and_its_tables_grants(postgres_server, tmp_path):
    """A PostgreSQL store as version 2 left it (made here by taking version 3's lanes away) is brought to version 3."""
    name, url = postgres_server.fresh_database(with_store=False)
    try:
        store.connect(url)
        shared = Repository()
        source = write_jsonl(tmp_path / "docs.jsonl", SMALL_DOCUMENT)
        shared.import_documents([d.document for d in read_native([source])])
        pks = entity_pks(shared)
        shared.accept("ana", ENTITY, pks["T1"])
        shared.fix("ana", ENTITY, pks["T2"], label="LOC")
        shared.set_flag("ana", ENTITY, pks["T3"], True)
        shared.sentence_progress()
        states = shared.review_states()
        from annotator.store.models import database

        db = database.obj
        for statement in AS_VERSION_2_ON_POSTGRESQL:
            db.execute_sql(statement)
        db.execute_sql("GRANT SELECT ON review_state TO PUBLIC")
        store.close()

        db = store.connect(url)
        assert store.store_version(db) == 3
        assert Repository().review_states() == states
        primary_key = {c.name for c in db.get_columns("review_state") if c.primary_key}
        assert primary_key == {"lane", "target_kind", "target_id"}
        assert {c.name for c in db.get_columns("document_work") if c.primary_key} == {"lane", "document_id"}
        # Changed in place, not rebuilt: what was granted on the table is still granted.
        assert db.execute_sql(
            "SELECT has_table_privilege('public', 'review_state', 'SELECT')"
        ).fetchone() == (True,)
        ana = Repository(lane="ana")
        ana.reject("ana", ENTITY, pks["T1"])
        assert statuses(ana)["T1"] == "rejected" and statuses(Repository())["T1"] == "accepted"
    finally:
        store.close()
        postgres_server.drop(name)
