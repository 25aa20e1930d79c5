"""The evaluation module on the small reviewed fixture: every expected figure below was counted by hand.

fixtures/evaluate/README.md lists what the reviewer did; the counts in each test say where they come from.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from annotator.domain import Review, Status
from annotator.evaluate import (
    TextMismatch,
    compare_with_gold,
    evaluate_reviews,
    machine_view,
    score,
)
from annotator.formats.native import read_native
from annotator.schema import load_schema
from tests.conftest import FIXTURES

REVIEWED = FIXTURES / "evaluate" / "reviewed.jsonl"
GOLD = FIXTURES / "evaluate" / "gold.jsonl"
ATTRIBUTES = set(load_schema().attributes)


@pytest.fixture(scope="module")
def reviewed():
    return [d.document for d in read_native([REVIEWED])]


@pytest.fixture(scope="module")
def gold():
    return [d.document for d in read_native([GOLD])]


def counts(row):
    return {key: row[key] for key in ("pending", "decided", "accepted", "fixed", "rejected", "added", "exact")}


def test_entities_by_the_reviews(reviewed):
    # a: T1 T2 T5 accepted, T3 label fix, T4 boundary fix, T6 rejected, T7 pending, Homs added;
    # b: T1 boundary+label fix, T2 accepted, T3 pending, T4 rejected.
    row = evaluate_reviews(reviewed, ATTRIBUTES).as_dict()["totals"]["entities"]
    assert counts(row) == {"pending": 2, "decided": 9, "accepted": 4, "fixed": 3, "rejected": 2, "added": 1, "exact": 4}
    assert row["precision"] == pytest.approx(7 / 9)
    assert row["recall"] == pytest.approx(7 / 8)
    assert row["f1"] == pytest.approx(2 * (7 / 9) * (7 / 8) / (7 / 9 + 7 / 8))
    assert row["strict_precision"] == pytest.approx(4 / 9)
    assert row["strict_recall"] == pytest.approx(4 / 8)
    # One fix (b T1) was both a boundary and a label fix, so the rates add up to more than 1.
    assert row["fixes"] == {"boundary": 2, "label": 2}
    assert row["fix_rates"] == {"boundary": pytest.approx(2 / 3), "label": pytest.approx(2 / 3)}
    assert row["changed_to"] == {"GPE": 1, "PERSON": 1}


def test_events_by_the_reviews(reviewed):
    # a: E1 and E2 fixed in their attributes only (exact), E3 type fix, E4 boundary fix;
    # b: E1 pending, E2 rejected, "met" added.
    row = evaluate_reviews(reviewed, ATTRIBUTES).as_dict()["totals"]["events"]
    assert counts(row) == {"pending": 1, "decided": 5, "accepted": 0, "fixed": 4, "rejected": 1, "added": 1, "exact": 2}
    assert row["precision"] == pytest.approx(4 / 5)
    assert row["recall"] == pytest.approx(4 / 5)
    assert row["strict_precision"] == pytest.approx(2 / 5)
    assert row["fixes"] == {"boundary": 1, "type": 1, "attributes": 2}
    assert row["changed_to"] == {"Conflict.Attack": 1}


def test_arguments_by_the_reviews(reviewed):
    # Accepted: Kerry, Lavrov, Russian jets (twice), ten. Fixed: a role, an extent, a relink, a move.
    # Rejected: Place Homs of E4 and the argument of b's rejected E2. Pending: the two of b E1.
    # Added: Place Homs on E3, Entity Putin on the added event.
    row = evaluate_reviews(reviewed, ATTRIBUTES).as_dict()["totals"]["arguments"]
    assert counts(row) == {"pending": 2, "decided": 11, "accepted": 5, "fixed": 4, "rejected": 2, "added": 2, "exact": 5}
    assert row["precision"] == pytest.approx(9 / 11)
    assert row["recall"] == pytest.approx(9 / 11)
    assert row["strict_precision"] == pytest.approx(5 / 11)
    assert row["fixes"] == {"boundary": 1, "role": 1, "relink": 1, "move": 1}
    assert row["fix_rates"]["move"] == pytest.approx(1 / 4)


def test_attributes_by_the_reviews(reviewed):
    # Decided machine values: polarity and modality of a E1..E4 (one changed: E2 modality) and of b E2 (rejected).
    # Pending: b E1's two. Added: tense=past on a E1, and the added event's four defaults.
    evaluation = evaluate_reviews(reviewed, ATTRIBUTES).as_dict()
    row = evaluation["totals"]["attributes"]
    assert counts(row) == {"pending": 2, "decided": 10, "accepted": 7, "fixed": 1, "rejected": 2, "added": 5, "exact": 7}
    assert row["precision"] == pytest.approx(8 / 10)
    assert row["recall"] == pytest.approx(8 / 13)
    assert row["strict_precision"] == pytest.approx(7 / 10)
    assert row["strict_recall"] == pytest.approx(7 / 13)
    modality = evaluation["by_name"]["attributes"]["modality=asserted"]
    assert counts(modality) == {"pending": 1, "decided": 5, "accepted": 3, "fixed": 1, "rejected": 1, "added": 1, "exact": 3}
    assert modality["changed_to"] == {"other": 1}
    assert counts(evaluation["by_name"]["attributes"]["tense=past"])["added"] == 1
    assert not any(name.startswith("polarity_cue") for name in evaluation["by_name"]["attributes"])


def test_without_a_list_of_names_every_attribute_is_judged(reviewed):
    names = evaluate_reviews(reviewed).as_dict()["by_name"]["attributes"]
    assert counts(names["polarity_cue=none"])["accepted"] == 1


def test_rows_are_keyed_by_the_machine_value(reviewed):
    by_name = evaluate_reviews(reviewed, ATTRIBUTES).as_dict()["by_name"]
    # Both ORG entities were fixed (to GPE and to PERSON) and both others rejected.
    assert counts(by_name["entities"]["ORG"]) == {
        "pending": 0, "decided": 4, "accepted": 0, "fixed": 2, "rejected": 2, "added": 0, "exact": 0,
    }
    assert by_name["entities"]["ORG"]["changed_to"] == {"GPE": 1, "PERSON": 1}
    assert by_name["entities"]["GPE"]["added"] == 1  # Homs, keyed by its own label
    # The machine's two Time arguments: one relabelled Place, one with its extent trimmed.
    assert by_name["arguments"]["Time"]["fixes"] == {"boundary": 1, "role": 1, "relink": 0, "move": 0}
    assert by_name["arguments"]["Time"]["changed_to"] == {"Place": 1}
    assert by_name["events"]["Life.Die"]["changed_to"] == {"Conflict.Attack": 1}


def test_per_source_each_run_answers_for_the_additions_in_its_documents(reviewed):
    by_source = evaluate_reviews(reviewed, ATTRIBUTES).as_dict()["by_source"]
    assert set(by_source) == {"ner-v1", "ner-v2", "rules-v1", "rules-v2"}
    assert set(by_source["ner-v1"]) == {"entities"}
    # ner-v1 (document a): 3 accepted, 2 fixed, 1 rejected, 1 pending; Homs was added in its document.
    assert counts(by_source["ner-v1"]["entities"]) == {
        "pending": 1, "decided": 6, "accepted": 3, "fixed": 2, "rejected": 1, "added": 1, "exact": 3,
    }
    assert by_source["ner-v2"]["entities"]["added"] == 0
    assert by_source["ner-v2"]["entities"]["recall"] == 1.0
    # rules-v2 (document b): E1 pending, E2 rejected, the added event is its miss.
    assert counts(by_source["rules-v2"]["events"]) == {
        "pending": 1, "decided": 1, "accepted": 0, "fixed": 0, "rejected": 1, "added": 1, "exact": 0,
    }
    assert by_source["rules-v2"]["events"]["precision"] == 0.0
    assert counts(by_source["rules-v1"]["arguments"]) == {
        "pending": 0, "decided": 10, "accepted": 5, "fixed": 4, "rejected": 1, "added": 1, "exact": 5,
    }


def test_candidate_totals_leave_attributes_out(reviewed):
    evaluation = evaluate_reviews(reviewed, ATTRIBUTES)
    assert evaluation.documents == 2
    assert evaluation.candidates("pending") == 2 + 1 + 2
    assert evaluation.candidates("decided") == 9 + 5 + 11
    assert evaluation.candidates("added") == 1 + 1 + 2


def test_a_withdrawn_addition_counts_nowhere(reviewed):
    document = reviewed[0]
    added = next(e for e in document.entities if e.review.status is Status.ADDED)
    withdrawn = replace(added, review=Review(status=Status.WITHDRAWN))
    changed = replace(document, entities=tuple(withdrawn if e is added else e for e in document.entities))
    row = evaluate_reviews([changed, reviewed[1]], ATTRIBUTES).as_dict()["totals"]["entities"]
    assert row["added"] == 0 and row["decided"] == 9


def test_a_fix_that_changed_nothing_is_fixed_and_exact(reviewed):
    document = reviewed[1]
    damascus = next(e for e in document.entities if e.id == "T2")
    refixed = replace(damascus, review=Review(status=Status.FIXED, fixed={"label": "GPE"}))
    changed = replace(document, entities=tuple(refixed if e is damascus else e for e in document.entities), events=())
    row = evaluate_reviews([changed]).as_dict()["totals"]["entities"]
    assert (row["accepted"], row["fixed"], row["exact"]) == (0, 2, 1)
    assert row["fixes"] == {"boundary": 1, "label": 1}


def test_nothing_decided_gives_no_figures(gold):
    row = evaluate_reviews(gold, ATTRIBUTES).as_dict()["totals"]["entities"]
    assert row["pending"] == 12 and row["decided"] == 0
    assert row["precision"] is None and row["recall"] is None and row["f1"] is None


def test_the_machine_view_undoes_every_decision(reviewed):
    document = machine_view(reviewed[0])
    assert all(e.review.status is Status.PENDING for e in document.entities)
    assert [e.id for e in document.entities] == ["T1", "T2", "T3", "T4", "T5", "T6", "T7"]  # Homs was added
    by_id = {e.id: e for e in document.events}
    # The Target Homs moved to E3 goes back under E2; E3's added Place is dropped.
    assert [a.role for a in by_id["E2"].arguments] == ["Attacker", "Target", "Target"]
    assert [a.role for a in by_id["E3"].arguments] == ["Attacker"]
    assert evaluate_reviews([document]).as_dict()["decided_candidates"] == 0


def test_exact_match_of_the_final_annotation(gold, reviewed):
    # Entities: 10 live, all right; gold has ten CARDINAL and Assad besides.
    # Triggers: a's four and b's visited and added met. Arguments: b's Artifact keeps the machine's
    # extent "Putin visited"; E3's added Place is not in the gold; the gold has E4's Place, the Time
    # of visited and Assad. Attributes: E2's modality=other, the added event's genericity and tense miss.
    comparison = compare_with_gold(gold, reviewed, ATTRIBUTES)
    totals = {kind: (s.true_positives, s.predicted, s.gold) for kind, s in comparison.totals.items()}
    assert totals == {"entities": (10, 10, 12), "triggers": (6, 6, 6), "arguments": (11, 13, 15), "attributes": (12, 15, 13)}
    assert comparison.scored == 2 and comparison.missing == () and comparison.ignored == 0
    by_type = comparison.by_type
    assert (by_type["entities"]["PERSON"].true_positives, by_type["entities"]["PERSON"].gold) == (3, 4)
    assert (by_type["arguments"]["Place"].true_positives, by_type["arguments"]["Place"].predicted) == (1, 2)
    assert (by_type["attributes"]["tense"].true_positives, by_type["attributes"]["tense"].predicted) == (1, 2)


def test_exact_match_of_the_machine_candidates(gold, reviewed):
    # Entities right as delivered: Kerry, Lavrov, Russian, Hama, Damascus, Friday.
    # Triggers: met, bombed and visited (struck was Life.Die, "killing ten" too long, said is no event).
    comparison = compare_with_gold(gold, reviewed, ATTRIBUTES, machine=True)
    totals = {kind: (s.true_positives, s.predicted, s.gold) for kind, s in comparison.totals.items()}
    assert totals == {"entities": (6, 11, 12), "triggers": (3, 6, 6), "arguments": (6, 13, 15), "attributes": (8, 12, 13)}


def test_only_documents_both_sides_hold_are_scored(gold, reviewed):
    comparison = compare_with_gold(gold, reviewed[:1], ATTRIBUTES)
    assert comparison.scored == 1 and comparison.missing == ("b",)
    assert comparison.totals["entities"].gold == 8
    comparison = compare_with_gold(gold[:1], reviewed, ATTRIBUTES)
    assert comparison.ignored == 1


def test_a_changed_text_is_refused(gold, reviewed):
    changed = replace(reviewed[1], text=reviewed[1].text.upper())
    with pytest.raises(TextMismatch) as raised:
        compare_with_gold(gold, [reviewed[0], changed])
    assert raised.value.document_id == "b"


def test_score_keeps_its_kinds_and_counts(gold, reviewed):
    scores = score(gold, reviewed, ATTRIBUTES)
    assert (scores["entities"].true_positives, scores["entities"].predicted, scores["entities"].gold) == (10, 10, 12)
    assert scores["entities"].precision == 1.0
    assert str(scores["triggers"]).startswith("P 1.00  R 1.00  F1 1.00")
