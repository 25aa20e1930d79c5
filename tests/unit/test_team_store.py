"""Teams in the store: assignment with overlap, claims under concurrency, each reviewer's own states, progress."""

from __future__ import annotations

import multiprocessing
import threading
from collections import Counter
from pathlib import Path

import pytest

from annotator import store
from annotator.domain import Status, TargetKind
from annotator.formats.native import read_native
from annotator.store import Repository
from annotator.store.team import (
    AssignmentRow,
    TeamError,
    assign_documents,
    assignments,
    claim_next,
    progress,
    reviewer_states,
    reviewer_work,
)
from tests.conftest import write_jsonl


def many_documents(count: int) -> list[dict]:
    return [
        {"id": f"doc{i:03}", "text": f"Kerry met Lavrov in Homs, number {i}.",
         "entities": [{"id": "T1", "start": 0, "end": 5, "label": "PERSON"},
                      {"id": "T2", "start": 10, "end": 16, "label": "PERSON"}],
         "events": []}
        for i in range(count)
    ]


def load(repository: Repository, path: Path) -> None:
    repository.import_documents([d.document for d in read_native([path])])


@pytest.fixture
def twenty(repository, tmp_path):
    load(repository, write_jsonl(tmp_path / "twenty.jsonl", *many_documents(20)))
    return repository


# ---------------------------------------------------------------- assign


def test_assign_gives_every_document_once_and_a_share_twice_with_balanced_loads(twenty):
    result = assign_documents(["alice", "bob", "carol"], overlap=0.2, seed=7)
    assert result.overlap_documents == 4 and result.already_assigned == 0
    given = assignments()
    loads = {name: len(pks) for name, pks in given.items()}
    # 20 documents + 4 second reviews = 24 assignments over three reviewers: 8 each.
    assert loads == {"alice": 8, "bob": 8, "carol": 8}
    reviewers_of = Counter(pk for pks in given.values() for pk in pks)
    assert sorted(Counter(reviewers_of.values()).items()) == [(1, 16), (2, 4)]
    assert set(reviewers_of) == set(twenty.document_pks())
    slots = Counter(slot for (slot,) in AssignmentRow.select(AssignmentRow.slot).tuples())
    assert slots == {1: 20, 2: 4}


def test_assign_is_deterministic_with_a_seed(twenty):
    first = assign_documents(["alice", "bob"], overlap=0.5, seed=3).given
    AssignmentRow.delete().execute()
    again = assign_documents(["alice", "bob"], overlap=0.5, seed=3).given
    AssignmentRow.delete().execute()
    other = assign_documents(["alice", "bob"], overlap=0.5, seed=4).given
    assert first == again
    assert first != other


def test_assigning_again_adds_only_new_documents_and_never_moves_work_begun(twenty, tmp_path):
    assign_documents(["alice", "bob"], seed=1)
    before = assignments()
    started = before["alice"][0]
    twenty.accept("alice", TargetKind.ENTITY, twenty.load_document(pk=started).entities[0].pk)
    load(twenty, write_jsonl(tmp_path / "more.jsonl", *many_documents(23)[20:]))
    result = assign_documents(["alice", "bob", "carol"], seed=1)
    after = assignments()
    assert result.already_assigned == 20
    # The three new documents go to the one with least work (carol gets all three: 0 < 10).
    assert sum(len(pks) for pks in result.given.values()) == 3 and result.given["carol"] == after["carol"]
    assert len(after["carol"]) == 3
    assert after["alice"] == before["alice"] and after["bob"] == before["bob"]


def test_assign_refuses_what_it_cannot_do(twenty):
    with pytest.raises(TeamError, match="between 0 and 1"):
        assign_documents(["alice", "bob"], overlap=1.5)
    with pytest.raises(TeamError, match="at least two reviewers"):
        assign_documents(["alice"], overlap=0.2)
    with pytest.raises(TeamError, match=r"not in the store: 'nope'"):
        assign_documents(["alice"], document_ids=["doc001", "nope"])
    with pytest.raises(TeamError, match="control characters"):
        assign_documents(["al\x1bice"])
    with pytest.raises(TeamError, match="once"):
        assign_documents(["alice", "alice"])
    assert assignments() == {}


def test_assign_only_the_named_documents(twenty):
    result = assign_documents(["alice", "bob"], document_ids=["doc001", "doc002", "doc003"])
    assert sorted(pk for pks in result.given.values() for pk in pks) == sorted(
        twenty.document_pk(key) for key in ("doc001", "doc002", "doc003")
    )


# ---------------------------------------------------------------- claims


def test_claim_gives_own_unfinished_documents_first_then_unassigned_ones(twenty):
    pks = twenty.document_pks()
    assign_documents(["alice"], document_ids=["doc005"])
    assert claim_next("alice") == pks[5]
    for entity in twenty.load_document(pk=pks[5]).entities:
        twenty.accept("alice", TargetKind.ENTITY, entity.pk)
    # doc005 done: the next is the first document nobody has, now alice's.
    assert claim_next("alice") == pks[0]
    assert claim_next("bob") == pks[1]
    assert claim_next("alice") == pks[0]  # still unfinished, still hers
    assert assignments() == {"alice": sorted([pks[0], pks[5]]), "bob": [pks[1]]}


def _claim_all(reviewer: str, out: list[int] | None = None):
    """Claim documents until none is left; return (or append) what this claimer got."""
    got: list[int] = []
    while True:
        pk = claim_next(reviewer)
        if pk is None or pk in got:
            break
        got.append(pk)
        # Finish it, so the next claim takes a new document.
        _finish(pk, reviewer)
    if out is not None:
        out.extend(got)
    return got


def _finish(document_pk: int, reviewer: str) -> None:
    repository = Repository()
    for entity in repository.load_document(pk=document_pk).entities:
        repository.reject(reviewer, TargetKind.ENTITY, entity.pk)


def test_two_claiming_threads_never_get_the_same_document(twenty):
    results: dict[str, list[int]] = {"t1": [], "t2": []}
    threads = [threading.Thread(target=_claim_all, args=(name, results[name])) for name in results]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not set(results["t1"]) & set(results["t2"])
    assert sorted(results["t1"] + results["t2"]) == twenty.document_pks()


def test_a_claim_still_open_in_another_transaction_is_never_handed_out_again(twenty):
    from annotator.store.models import database
    from annotator.store.team import _claim, ensure_tables

    ensure_tables()
    holding, release = threading.Event(), threading.Event()
    got: dict[str, int | None] = {}

    def first_claimer() -> None:
        with database.atomic():
            got["a"] = _claim("a")
            holding.set()
            release.wait(30)

    def second_claimer() -> None:
        got["b"] = claim_next("b")

    a = threading.Thread(target=first_claimer)
    a.start()
    assert holding.wait(30)
    b = threading.Thread(target=second_claimer)
    b.start()
    # The second claimer either waits for the first transaction (SQLite's single writer) or
    # passes over the row it locked (FOR UPDATE SKIP LOCKED); either way not the same document.
    b.join(1)
    release.set()
    a.join(30)
    b.join(30)
    pks = twenty.document_pks()
    assert (got.get("a"), got.get("b")) == (pks[0], pks[1])


def _process_claimer(store_url: str, reviewer: str, queue) -> None:
    store.connect(store_url, create=False)
    try:
        queue.put((reviewer, _claim_all(reviewer)))
    finally:
        store.close()


def test_claiming_processes_never_get_the_same_document(twenty, store_url):
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    claimers = [context.Process(target=_process_claimer, args=(store_url, f"r{i}", queue)) for i in range(3)]
    for process in claimers:
        process.start()
    got = dict(queue.get(timeout=180) for _ in claimers)
    for process in claimers:
        process.join(timeout=60)
    claimed = [pk for pks in got.values() for pk in pks]
    assert len(claimed) == len(set(claimed)) == 20
    assert Counter(slot for (slot,) in AssignmentRow.select(AssignmentRow.slot).tuples()) == {1: 20}


# ---------------------------------------------------------------- each reviewer's own states


@pytest.fixture
def d1(repository, small_file):
    load(repository, small_file)
    return repository.load_document("d1")


def test_each_reviewer_state_folds_only_their_own_decisions_in_effect(repository, d1):
    t1, t2, t3 = (e.pk for e in d1.entities[:3])
    repository.accept("ana", TargetKind.ENTITY, t1)
    repository.reject("bo", TargetKind.ENTITY, t1)
    repository.fix("ana", TargetKind.ENTITY, t2, label="GPE")
    repository.accept("bo", TargetKind.ENTITY, t2)
    repository.reject("ana", TargetKind.ENTITY, t3)
    repository.undo("ana")  # takes back ana's reject of t3
    repository.set_flag("bo", TargetKind.ENTITY, t3, True)
    states = reviewer_states([d1.pk])
    ana, bo = states["ana"], states["bo"]
    assert ana[(TargetKind.ENTITY, t1)].status is Status.ACCEPTED
    assert bo[(TargetKind.ENTITY, t1)].status is Status.REJECTED
    assert ana[(TargetKind.ENTITY, t2)].status is Status.FIXED and ana[(TargetKind.ENTITY, t2)].fixed == {"label": "GPE"}
    # bo's accept came after ana's fix: the log entry says fixed (the shared state's), bo's own state says accepted.
    assert repository.decisions("bo")[-2].after == {"status": "fixed"}
    assert bo[(TargetKind.ENTITY, t2)].status is Status.ACCEPTED and bo[(TargetKind.ENTITY, t2)].fixed == {}
    assert (TargetKind.ENTITY, t3) not in ana
    assert bo[(TargetKind.ENTITY, t3)].status is Status.PENDING
    assert reviewer_states([d1.pk], ["bo"]).keys() == {"bo"}
    assert reviewer_states([d1.pk + 1000]) == {}


def test_reviewer_work_holds_final_sets_and_done(repository, d1):
    attack, meet = d1.events
    for entity in d1.entities:
        repository.accept("ana", TargetKind.ENTITY, entity.pk)
    repository.fix("ana", TargetKind.ENTITY, d1.entities[1].pk, start=17, end=21)
    repository.accept_event("ana", attack.pk)
    repository.reject_event("ana", meet.pk)
    added = repository.add_entity("ana", d1.pk, 65, 74, "DATE")
    work = reviewer_work([d1.pk])["ana"][d1.pk]
    assert work.done
    assert (17, 21, "ORG") in work.entities and (65, 74, "DATE") in work.entities and len(work.entities) == 7
    assert [event[0] for event in work.events] == ["Conflict.Attack"]
    assert sorted(role for role, _, _ in work.events[0][3]) == ["Attacker", "Place", "Target"]
    assert work.decisions[("entity", d1.entities[1].pk)] == ("ORG", "fixed")
    assert ("entity", added) not in work.decisions  # an addition is not a machine candidate
    repository.undo("ana")  # the addition
    repository.undo("ana")  # the rejection of the meeting and its arguments
    again = reviewer_work([d1.pk])["ana"][d1.pk]
    assert not again.done and len(again.entities) == 6


def test_progress_counts_assigned_done_remaining_and_decided_per_reviewer(repository, tmp_path):
    load(repository, write_jsonl(tmp_path / "three.jsonl", *many_documents(3)))
    pks = repository.document_pks()
    assign_documents(["ana", "bo"], overlap=1.0, document_ids=["doc000", "doc001"])
    for entity in repository.load_document(pk=pks[0]).entities:
        repository.accept("ana", TargetKind.ENTITY, entity.pk)
    repository.reject("bo", TargetKind.ENTITY, repository.load_document(pk=pks[1]).entities[0].pk)
    repository.accept("cy", TargetKind.ENTITY, repository.load_document(pk=pks[2]).entities[0].pk)
    rows = {row.reviewer: row.as_dict() for row in progress()}
    assert rows["ana"] == {"reviewer": "ana", "assigned": 2, "done": 1, "remaining": 1, "decided": 2}
    assert rows["bo"] == {"reviewer": "bo", "assigned": 2, "done": 0, "remaining": 2, "decided": 1}
    assert rows["cy"] == {"reviewer": "cy", "assigned": 0, "done": 0, "remaining": 0, "decided": 1}
