"""Agreement figures against values computed by hand, including the worked examples of the reference."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from annotator.agreement import cohen_kappa, compare, event_agreement, one_to_one, pairwise, span_agreement


def worked_example_pairs() -> list[tuple[str, str]]:
    # 10 shared candidates: both accept 5, both reject 2, A-accept/B-reject 2, A-reject/B-accept 1.
    return [("accept", "accept")] * 5 + [("reject", "reject")] * 2 + [("accept", "reject")] * 2 + [("reject", "accept")]


def test_kappa_of_the_worked_example_is_0_348():
    kappa = cohen_kappa(worked_example_pairs())
    assert kappa.items == 10
    assert kappa.observed == pytest.approx(0.70)
    assert kappa.expected == pytest.approx(0.7 * 0.6 + 0.3 * 0.4)
    assert kappa.kappa == pytest.approx(0.16 / 0.46)
    assert round(kappa.kappa, 3) == 0.348


def test_kappa_with_fix_as_its_own_category():
    # A: accept 2, reject 1, fix 1; B: accept 1, reject 1, fix 2; agree on 3 of 4.
    # p_o = 3/4; p_e = (2·1 + 1·1 + 1·2) / 16 = 5/16; κ = (0.75 − 0.3125) / 0.6875 = 0.63636...
    kappa = cohen_kappa([("accept", "fix"), ("accept", "accept"), ("reject", "reject"), ("fix", "fix")])
    assert kappa.expected == pytest.approx(5 / 16)
    assert kappa.kappa == pytest.approx(0.4375 / 0.6875)


def test_kappa_is_undefined_when_chance_agreement_is_one_and_when_nothing_is_shared():
    everything_accepted = cohen_kappa([("accept", "accept")] * 4)
    assert everything_accepted.observed == 1.0 and everything_accepted.expected == 1.0
    assert everything_accepted.kappa is None
    nothing = cohen_kappa([])
    assert (nothing.items, nothing.kappa, nothing.observed) == (0, None, None)


def test_kappa_of_complete_disagreement_is_negative():
    # p_o = 0; A: accept 1, reject 1; B the same; p_e = 1/4 + 1/4 = 1/2; κ = (0 − 0.5) / 0.5 = −1.
    assert cohen_kappa([("accept", "reject"), ("reject", "accept")]).kappa == pytest.approx(-1.0)


def test_kappa_matches_scikit_learn_when_installed():
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    pairs = worked_example_pairs() + [("fix", "accept"), ("fix", "fix"), ("reject", "fix")]
    ours = cohen_kappa(pairs).kappa
    theirs = sklearn_metrics.cohen_kappa_score([a for a, _ in pairs], [b for _, b in pairs])
    assert ours == pytest.approx(theirs)


A_SPANS = [(0, 6, "GPE"), (10, 16, "PERSON"), (20, 25, "ORG")]
B_SPANS = [(0, 6, "GPE"), (10, 14, "PERSON"), (30, 35, "ORG")]


def totals(table):
    return (sum(c.matched for c in table.values()), sum(c.first for c in table.values()),
            sum(c.second for c in table.values()))


def test_span_f1_of_the_worked_example_exact_and_overlapping():
    exact = span_agreement(A_SPANS, B_SPANS, overlapping=False)
    assert totals(exact) == (1, 3, 3)
    assert round(2 * 1 / 6, 3) == 0.333
    assert exact["GPE"].f1 == 1.0 and exact["PERSON"].f1 == 0.0 and exact["ORG"].f1 == 0.0
    overlap = span_agreement(A_SPANS, B_SPANS, overlapping=True)
    assert totals(overlap) == (2, 3, 3)
    assert overlap["PERSON"].f1 == 1.0 and overlap["ORG"].f1 == 0.0


def test_overlap_matching_is_one_to_one_and_finds_the_largest_matching():
    # One span overlapping two of the other side's counts once: F1 = 2·1 / (1 + 2).
    table = span_agreement([(0, 10, "X")], [(0, 4, "X"), (5, 10, "X")], overlapping=True)
    assert (table["X"].matched, table["X"].f1) == (1, pytest.approx(2 / 3))
    # A greedy pass would give (0,10) its best partner (2,9) and leave (3,5) with none; two matches exist.
    table = span_agreement([(0, 10, "X"), (3, 5, "X")], [(2, 9, "X"), (9, 12, "X")], overlapping=True)
    assert table["X"].matched == 2
    # Labels must be equal even when spans are.
    assert span_agreement([(0, 4, "ORG")], [(0, 4, "GPE")], overlapping=True)["ORG"].matched == 0


def test_one_to_one_prefers_the_larger_overlap():
    assert one_to_one(1, 2, lambda i, j: True, lambda i, j: [1, 5][j]) == [(0, 1)]


def test_triggers_match_on_overlap_and_type_and_arguments_only_within_matched_events():
    first = [
        ("Attack", 10, 16, (("Attacker", 0, 6), ("Target", 20, 25))),
        ("Die", 30, 34, (("Victim", 40, 45),)),
    ]
    second = [
        ("Attack", 12, 16, (("Attacker", 0, 4), ("Target", 26, 30))),
        ("Die", 50, 54, ()),
        ("Transport", 30, 34, ()),
    ]
    triggers, roles = event_agreement(first, second)
    # Attack matched; Die apart; Transport on Die's trigger but of another type. F1 = 2·1 / (2 + 3) = 0.4.
    assert totals(triggers) == (1, 2, 3)
    assert triggers["Attack"].f1 == 1.0 and triggers["Die"].f1 == 0.0 and triggers["Transport"].f1 == 0.0
    # Within Attack: Attacker overlaps, Target does not; Die's Victim is not counted (its event is unmatched).
    assert totals(roles) == (1, 2, 2)
    assert roles["Attacker"].f1 == 1.0 and roles["Target"].f1 == 0.0 and "Victim" not in roles


@dataclass
class Work:
    decisions: dict = field(default_factory=dict)
    entities: tuple = ()
    events: tuple = ()
    done: bool = False


def test_compare_pairs_decisions_on_the_same_candidates_per_kind_and_name():
    a = {1: Work({("entity", 1): ("GPE", "accepted"), ("entity", 2): ("ORG", "fixed"), ("entity", 3): ("ORG", "accepted"),
                  ("event", 9): ("Attack", "rejected")}, tuple(A_SPANS)),
         2: Work({("entity", 7): ("GPE", "accepted")})}
    b = {1: Work({("entity", 1): ("GPE", "accepted"), ("entity", 2): ("ORG", "accepted"), ("event", 9): ("Attack", "pending"),
                  ("argument", 4): ("Place", "rejected")}, tuple(B_SPANS))}
    pair = compare("ana", a, "bo", b)
    # Document 2 is only ana's: not compared. Shared decided candidates: entity 1 (agree), entity 2 (fix vs accept).
    assert pair.documents == 1
    assert pair.kappa_pairs == {"entity": {"GPE": [("accept", "accept")], "ORG": [("fix", "accept")]}}
    # entity 3 and event 9 (pending for bo) by ana only, argument 4 by bo only.
    assert pair.decided_by_one == 3
    overall = pair.kappa_total()
    # p_o = 1/2; A: accept 1, fix 1; B: accept 2; p_e = (1·2)/4 = 1/2; κ = 0.
    assert (overall.items, overall.observed, overall.expected, overall.kappa) == (2, 0.5, 0.5, 0.0)
    assert pair.kappa()["entity"]["GPE"].kappa is None
    assert pair.span_total("entities exact").f1 == pytest.approx(1 / 3)
    assert pair.span_total("entities overlap").f1 == pytest.approx(2 / 3)
    data = pair.as_dict()
    assert data["kappa"]["overall"]["kappa"] == 0.0 and data["entities_overlap"]["by_name"]["PERSON"]["matched"] == 1


def test_pairwise_covers_every_pair_in_order():
    work = {"a": {1: Work()}, "b": {1: Work()}, "c": {}}
    assert [(p.first, p.second, p.documents) for p in pairwise(work, ["a", "b", "c"])] == [
        ("a", "b", 1), ("a", "c", 0), ("b", "c", 0)
    ]


def test_finished_only_leaves_out_documents_one_of_the_pair_has_not_finished():
    a = {1: Work({("entity", 1): ("GPE", "accepted")}, done=True), 2: Work({("entity", 2): ("GPE", "rejected")}, done=True)}
    b = {1: Work({("entity", 1): ("GPE", "accepted")}, done=True), 2: Work({("entity", 2): ("GPE", "accepted")})}
    everything = compare("a", a, "b", b)
    assert (everything.documents, everything.finished, everything.kappa_total().items) == (2, 1, 2)
    finished = compare("a", a, "b", b, finished_only=True)
    assert (finished.documents, finished.finished, finished.kappa_total().items) == (1, 1, 1)
