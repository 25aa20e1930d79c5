"""Adjudication without a screen: which targets are disputed, which rows list them, what each reviewer decided."""

from __future__ import annotations

from annotator.domain import Status, TargetKind
from annotator.review.adjudication import NO_DISPUTES_LEFT, Adjudication
from annotator.review.document import DocumentView, Row
from annotator.review.session import ReviewSession
from annotator.store.sources import FINAL, Disagreements
from tests.unit.test_lanes import entity_pks, exported

ENTITY, EVENT, ARGUMENT = TargetKind.ENTITY, TargetKind.EVENT, TargetKind.ARGUMENT


def argument_pks(repository, document_id: str = "d1") -> dict[tuple[str, str], int]:
    """(event id, role and filler) of each argument of the document, to its key."""
    document = repository.load_document(document_id)
    return {(event.id, f"{a.role}:{a.entity_id or a.start}"): a.pk for event in document.events for a in event.arguments}


def event_pks(repository, document_id: str = "d1") -> dict[str, int]:
    return {event.id: event.pk for event in repository.load_document(document_id).events}


def test_disputes_are_the_targets_whose_deciding_lanes_differ_and_the_shared_lane_left_open(team):
    ana, bo, cy, shared = team["ana"], team["bo"], team["cy"], team[""]
    pks = entity_pks(shared)
    ana.accept("ana", ENTITY, pks["T1"])  # agreed
    bo.accept("bo", ENTITY, pks["T1"])
    ana.accept("ana", ENTITY, pks["T2"])  # status differs
    bo.reject("bo", ENTITY, pks["T2"])
    ana.fix("ana", ENTITY, pks["T3"], label="LOC")  # corrections differ
    bo.fix("bo", ENTITY, pks["T3"], label="ORG")
    ana.reject("ana", ENTITY, pks["T4"])  # only ana decided: no dispute
    bo.set_flag("bo", ENTITY, pks["T4"], True)
    ana.accept("ana", ENTITY, pks["T5"])  # disputed, but the shared lane decided it already
    bo.reject("bo", ENTITY, pks["T5"])
    shared.reject("carol", ENTITY, pks["T5"])
    cy.reject("cy", ENTITY, pks["T1"])  # cy makes T1 a dispute of all three, not of ana and bo

    every = {(d.kind, d.pk): d for d in shared.disputes()}
    assert set(every) == {(ENTITY, pks["T1"]), (ENTITY, pks["T2"]), (ENTITY, pks["T3"])}
    assert {lane: r.status for lane, r in every[(ENTITY, pks["T2"])].reviews.items()} == {
        "ana": Status.ACCEPTED, "bo": Status.REJECTED,
    }
    assert list(every[(ENTITY, pks["T1"])].reviews) == ["ana", "bo", "cy"]
    pair = {(d.kind, d.pk) for d in shared.disputes(["ana", "bo"])}
    assert pair == {(ENTITY, pks["T2"]), (ENTITY, pks["T3"])}
    assert shared.disputes(document_pks=[shared.document_pk("d2")]) == []
    assert shared.disputes(document_pks=[shared.document_pk("d1")]) == list(every.values())
    # The same rule as the final source: every dispute is what an export leaves pending, and counts.
    tally = Disagreements()
    exported(shared, FINAL, tally)
    assert tally.targets == len(every)


def test_a_flag_in_the_shared_lane_settles_nothing(team):
    ana, bo, shared = team["ana"], team["bo"], team[""]
    pks = entity_pks(shared)
    ana.accept("ana", ENTITY, pks["T1"])
    bo.reject("bo", ENTITY, pks["T1"])
    ana.accept("ana", ENTITY, pks["T2"])
    bo.accept("bo", ENTITY, pks["T2"])
    shared.set_flag("carol", ENTITY, pks["T1"], True)
    shared.set_note("carol", ENTITY, pks["T2"], "see the wire copy")

    assert [(d.kind, d.pk) for d in shared.disputes()] == [(ENTITY, pks["T1"])]
    final = exported(shared, FINAL)["d1"]
    # Before, a flag-only row in the shared lane hid the reviewers' agreement and their dispute alike.
    assert final["T1"] == "pending" and final["T2"] == "accepted"


def test_an_addition_another_reviewer_of_the_document_never_made_is_disputed(team):
    ana, bo, shared = team["ana"], team["bo"], team[""]
    d1 = shared.document_pk("d1")
    added = ana.add_entity("ana", d1, 65, 74, "DATE")
    bo.accept("bo", ENTITY, entity_pks(bo)["T1"])
    ana.accept("ana", ENTITY, entity_pks(ana)["T1"])

    adjudication = Adjudication(shared)
    assert list(adjudication.disputes) == [(ENTITY, added)]
    view = DocumentView(shared.load_document("d1"))
    # The shared lane has the addition withdrawn; it is listed all the same, and open.
    rows = adjudication.rows_of_sentence(view, 1)
    assert rows == [Row(ENTITY, added, Status.WITHDRAWN)] and adjudication.is_open(rows[0])
    assert adjudication.verdicts(view, rows[0]) == [("ana", "added"), ("bo", "not added")]
    shared.accept("carol", ENTITY, added)
    assert adjudication.settled_count() == 1 and shared.disputes() == []


def test_rows_list_disputed_arguments_under_their_event_and_verdicts_name_the_corrections(team):
    ana, bo, shared = team["ana"], team["bo"], team[""]
    events, arguments, pks = event_pks(shared), argument_pks(shared), entity_pks(shared)
    target = arguments[("E1", "Target:T2")]
    ana.accept("ana", EVENT, events["E1"])  # agreed event, disputed argument
    bo.accept("bo", EVENT, events["E1"])
    ana.accept("ana", ARGUMENT, target)
    bo.fix("bo", ARGUMENT, target, role="Victim")
    ana.fix("ana", ENTITY, pks["T1"], start=0, end=6, label="NORP")
    bo.fix("bo", ENTITY, pks["T1"], start=0, end=5)
    ana.reject("ana", EVENT, events["E2"])
    bo.accept("bo", EVENT, events["E2"])

    adjudication = Adjudication(shared)
    view = DocumentView(shared.load_document("d1"))
    first = adjudication.rows_of_sentence(view, 0)
    assert first == [Row(ENTITY, pks["T1"], Status.PENDING), Row(EVENT, events["E1"], Status.PENDING),
                     Row(ARGUMENT, target, Status.PENDING, events["E1"])]
    assert adjudication.dispute_of(first[1]) is None and not adjudication.is_open(first[1])
    assert adjudication.verdicts(view, first[0]) == [
        ("ana", "fixed, span → «Rebels», label → NORP"), ("bo", "fixed, span → «Rebel»"),
    ]
    assert adjudication.verdicts(view, first[2]) == [("ana", "accepted"), ("bo", "fixed, role → Victim")]
    second = adjudication.rows_of_sentence(view, 1)
    assert [row.pk for row in second] == [events["E2"]]
    assert adjudication.verdicts(view, second[0]) == [("ana", "rejected"), ("bo", "accepted")]
    assert adjudication.document_pks == [shared.document_pk("d1")]


def test_a_session_restricted_to_the_disputes_walks_them_and_decides_exactly_the_target(team):
    ana, bo, shared = team["ana"], team["bo"], team[""]
    events, arguments, pks = event_pks(shared), argument_pks(shared), entity_pks(shared)
    for reviewer, lane in (("ana", ana), ("bo", bo)):
        lane.accept(reviewer, ENTITY, pks["T1"])
    ana.accept("ana", ENTITY, pks["T3"])
    bo.reject("bo", ENTITY, pks["T3"])
    ana.accept_event("ana", events["E2"])  # E2 and its three arguments accepted by ana...
    bo.reject("bo", EVENT, events["E2"])  # ...only the event rejected by bo: its arguments are ana's alone
    session = ReviewSession(shared, "carol")
    session.restrict_to(Adjudication(shared))
    session.resume()

    assert session.document_count == 1
    assert session.current_row == Row(ENTITY, pks["T3"], Status.PENDING)
    assert session.reject(session.current_row)
    assert session.current_row == Row(EVENT, events["E2"], Status.PENDING)
    assert session.accept(session.current_row)
    assert session.last_message == NO_DISPUTES_LEFT
    document = shared.load_document("d1")
    e2 = next(e for e in document.events if e.pk == events["E2"])
    # The event alone is settled: its arguments stay as the reviewers left them (ana's, undisputed).
    assert e2.review.status is Status.ACCEPTED and {a.review.status for a in e2.arguments} == {Status.PENDING}
    assert session.progress().decided == 2 and session.progress().total == 2 and session.progress().is_done
    assert not session.next_pending()
    assert set(arguments.values()) >= {a.pk for a in e2.arguments}
