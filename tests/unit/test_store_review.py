"""Attributes, dismissed warnings, sentences seen, the list of flags and undo messages: what the store holds."""

from __future__ import annotations

import orjson
import pytest

from annotator.domain import Action, Status, TargetKind
from annotator.formats.native import read_native
from annotator.store import DecisionError, FlaggedItem, Repository
from annotator.store.sql import run
from tests.conftest import SMALL_DOCUMENT, write_jsonl

# SMALL_DOCUMENT's text: "Rebels attacked [ISIS] in Homs.\n\nKerry met Lavrov in New York on Wednesday."
EMPTY_MIDDLE = {
    "id": "e", "text": "Homs fell. Nothing here. Idlib rose.",
    "sentences": [{"start": 0, "end": 10}, {"start": 11, "end": 24}, {"start": 25, "end": 36}],
    "entities": [{"id": "A", "start": 0, "end": 4, "label": "GPE"}, {"id": "B", "start": 25, "end": 30, "label": "GPE"}],
    "events": [],
}


def load(repository: Repository, path) -> None:
    repository.import_documents([d.document for d in read_native([path])])


@pytest.fixture
def d1(repository, small_file):
    load(repository, small_file)
    return repository.load_document("d1")


def stored_state(kind: str, pk: int) -> dict | None:
    row = run(
        "SELECT status, fixed, flagged, note, dismissed FROM review_state WHERE target_kind = ? AND target_id = ?",
        (kind, pk),
    ).fetchone()
    if row is None:
        return None
    status, fixed, flagged, note, dismissed = row
    return {"status": status, "fixed": orjson.loads(fixed), "flagged": bool(flagged), "note": note,
            "dismissed": orjson.loads(dismissed)}


# ---------------------------------------------------------------- attributes


def test_set_attribute_fixes_the_whole_final_mapping_and_refuses_what_the_schema_does_not_list(repository, d1):
    attack = d1.events[0]
    group = repository.set_attribute("ana", attack.pk, "polarity", "negative")
    repository.set_attribute("ana", attack.pk, "tense", "past")
    assert stored_state("event", attack.pk)["fixed"] == {"attributes": {"polarity": "negative", "tense": "past"}}
    assert stored_state("event", attack.pk)["status"] == "fixed"
    reloaded = repository.load_document("d1").events[0]
    assert reloaded.attributes == {} and reloaded.final("attributes") == {"polarity": "negative", "tense": "past"}
    with pytest.raises(DecisionError, match="'maybe' is not a value of polarity; give one of positive, negative"):
        repository.set_attribute("ana", attack.pk, "polarity", "maybe")
    with pytest.raises(DecisionError, match="colour is not an event attribute"):
        repository.set_attribute("ana", attack.pk, "colour", "red")
    assert len(repository.decisions()) == 2
    repository.undo("ana")
    assert repository.undo("ana") == group
    assert stored_state("event", attack.pk) is None


def test_an_added_event_starts_with_the_schema_defaults_and_stays_added_when_set(repository, d1):
    added = repository.add_event("ana", d1.pk, "Conflict.Attack", 0, 6)
    row = run("SELECT attributes FROM event WHERE id = ?", (added,)).fetchone()
    assert orjson.loads(row[0]) == {"polarity": "positive", "modality": "asserted", "genericity": "specific",
                                    "tense": "unspecified"}
    repository.set_attribute("ana", added, "modality", "other")
    assert stored_state("event", added)["status"] == "added"
    event = next(e for e in repository.load_document("d1").events if e.pk == added)
    assert event.final("attributes")["modality"] == "other" and event.final("attributes")["tense"] == "unspecified"


def test_stats_count_final_attribute_values_of_live_events(repository, d1):
    attack, meet = d1.events
    repository.set_attribute("ana", attack.pk, "polarity", "negative")
    repository.set_attribute("ana", meet.pk, "polarity", "negative")
    repository.reject("ana", TargetKind.EVENT, meet.pk)
    repository.add_event("ana", d1.pk, "Contact.Meet", 39, 42)
    counts = repository.status_counts()["attributes"]
    assert counts["polarity"] == {"negative": 1, "positive": 1}
    assert counts["tense"] == {"unspecified": 1}
    assert repository.review_figures()["attributes"] == counts


# ---------------------------------------------------------------- dismissed warnings


def test_dismiss_warning_is_logged_folded_and_undone_like_a_flag(repository, d1):
    meet = d1.events[1]
    warning = "required role Entity is missing"
    group = repository.dismiss_warning("ana", TargetKind.EVENT, meet.pk, warning)
    assert stored_state("event", meet.pk) == {
        "status": "pending", "fixed": {}, "flagged": False, "note": "", "dismissed": [warning],
    }
    [decision] = repository.decisions()
    assert (decision.action, decision.before, decision.after) == (Action.DISMISS, {"dismissed": []}, {"dismissed": [warning]})
    assert repository.load_document("d1").events[1].review.dismissed == (warning,)
    with pytest.raises(DecisionError, match="already dismissed"):
        repository.dismiss_warning("ana", TargetKind.EVENT, meet.pk, warning)
    incremental = repository.review_states()
    repository.rebuild_derived_state()
    assert repository.review_states() == incremental
    assert repository.undo("ana") == group
    assert stored_state("event", meet.pk) is None


# ---------------------------------------------------------------- sentences seen


@pytest.fixture
def two_documents(repository, small_file, tmp_path):
    load(repository, small_file)
    load(repository, write_jsonl(tmp_path / "e.jsonl", EMPTY_MIDDLE))
    return repository.document_pk("d1"), repository.document_pk("e")


def test_a_sentence_is_seen_when_nothing_in_it_is_pending_and_it_holds_a_live_candidate_or_was_confirmed(
    repository, two_documents
):
    d1, e = two_documents
    assert repository.sentence_progress() == (0, 5)
    assert repository.next_document_with_work(0) == d1
    assert repository.next_document_with_work(d1) == e

    document = repository.load_document(pk=e)
    repository.accept("ana", TargetKind.ENTITY, document.entities[0].pk)
    repository.reject("ana", TargetKind.ENTITY, document.entities[1].pk)  # rejected: still seen
    assert repository.sentence_progress() == (2, 5)
    assert repository.next_document_with_work(d1) == e  # the middle sentence holds nothing and is unconfirmed

    group = repository.confirm_sentence("ana", e, 1)
    assert stored_state("sentence", repository.load_document(pk=e).sentences[1].pk)["status"] == "accepted"
    assert repository.load_document(pk=e).sentences[1].confirmed
    assert repository.sentence_progress() == (3, 5)
    assert repository.next_document_with_work(d1) is None
    assert repository.decided_count() == 2  # a confirmed sentence is not a candidate

    assert repository.group_targets(group) == [(e, TargetKind.SENTENCE, repository.load_document(pk=e).sentences[1].pk)]
    assert repository.last_decided_target("ana") == repository.group_targets(group)[0]
    assert repository.undo("ana") == group
    assert repository.sentence_progress() == (2, 5) and repository.next_document_with_work(d1) == e
    with pytest.raises(DecisionError, match="no sentence 7"):
        repository.confirm_sentence("ana", e, 7)


def test_a_withdrawn_addition_does_not_make_a_sentence_seen(repository, two_documents):
    _, e = two_documents
    repository.add_entity("ana", e, 11, 18, "MISC")
    assert repository.sentence_progress() == (1, 5)
    repository.undo("ana")
    assert repository.sentence_progress() == (0, 5)


def test_the_sentence_progress_cache_follows_bulk_decisions_undo_and_a_rebuild(repository, two_documents, db_path):
    import sqlite3

    d1, _ = two_documents
    assert repository.sentence_progress() == (0, 5)
    document = repository.load_document(pk=d1)
    repository.accept_many("ana", [(TargetKind.ENTITY, x.pk) for x in document.entities], Action.BULK_ACCEPT)
    last = [repository.accept_event("ana", event.pk) for event in document.events][-1]
    assert repository.sentence_progress() == (2, 5)
    assert repository.undo("ana") == last  # the meeting is pending again: its sentence is not seen
    assert repository.sentence_progress() == (1, 5)
    assert repository.next_document_with_work(0) == d1

    repository.rebuild_derived_state()
    connection = sqlite3.connect(db_path)
    assert connection.execute("SELECT COUNT(*) FROM document_work").fetchone() == (0,)
    assert repository.sentence_progress() == (1, 5)
    assert connection.execute("SELECT SUM(seen), SUM(sentences) FROM document_work").fetchone() == (1, 5)
    connection.close()


# ---------------------------------------------------------------- flags and messages


def test_flagged_items_list_every_flagged_or_noted_target_in_document_order(repository, two_documents):
    d1, e = two_documents
    first = repository.load_document(pk=d1)
    second = repository.load_document(pk=e)
    repository.set_note("ana", TargetKind.ENTITY, second.entities[0].pk, "which Homs?")
    repository.set_flag("ana", TargetKind.EVENT, first.events[1].pk, True)
    repository.set_flag("ana", TargetKind.ARGUMENT, first.events[0].arguments[1].pk, True)
    repository.fix("ana", TargetKind.ENTITY, first.entities[5].pk, label="LOC")
    repository.set_flag("ana", TargetKind.ENTITY, first.entities[5].pk, True)
    repository.set_flag("ana", TargetKind.ENTITY, first.entities[0].pk, True)
    repository.set_flag("ana", TargetKind.ENTITY, first.entities[0].pk, False)  # unflagged: gone from the list
    assert repository.flagged_items() == [
        FlaggedItem(d1, "d1", TargetKind.ARGUMENT, first.events[0].arguments[1].pk, "Target", "[ISIS]", True, ""),
        FlaggedItem(d1, "d1", TargetKind.EVENT, first.events[1].pk, "Contact.Meet", "met", True, ""),
        FlaggedItem(d1, "d1", TargetKind.ENTITY, first.entities[5].pk, "LOC", "New York", True, ""),
        FlaggedItem(e, "e", TargetKind.ENTITY, second.entities[0].pk, "GPE", "Homs", False, "which Homs?"),
    ]


def test_flagged_words_are_one_line_and_cut_at_sixty_characters(repository, tmp_path):
    text = "A very long name\nthat goes on " + "and on " * 20 + "."
    load(repository, write_jsonl(tmp_path / "l.jsonl", {
        "id": "l", "text": text, "entities": [{"id": "L", "start": 0, "end": len(text) - 1, "label": "ORG"}],
    }))
    repository.set_flag("ana", TargetKind.ENTITY, repository.load_document("l").entities[0].pk, True)
    [item] = repository.flagged_items()
    assert len(item.words) == 60 and item.words.endswith("…") and "\n" not in item.words
    assert item.words.startswith("A very long name that goes on and on")


def test_describe_group_says_what_each_kind_of_decision_did(repository, d1):
    attack, meet = d1.events
    homs = d1.entities[2]
    assert repository.describe_group(repository.accept_event("ana", meet.pk)) == "accept of Contact.Meet «met» and 3 arguments"
    assert repository.describe_group(repository.reject("ana", TargetKind.ENTITY, homs.pk)) == "reject of entity «Homs» (GPE)"
    assert repository.describe_group(repository.fix("ana", TargetKind.ENTITY, homs.pk, label="LOC")) == (
        "fix of entity «Homs» (LOC) (label GPE → LOC)"
    )
    assert repository.describe_group(repository.set_attribute("ana", attack.pk, "polarity", "negative")) == (
        "fix of Conflict.Attack «attacked» (polarity – → negative)"
    )
    assert repository.describe_group(repository.move_argument("ana", attack.arguments[0].pk, meet.pk)) == (
        "move of argument Attacker «Rebels» to Contact.Meet «met»"
    )
    assert repository.describe_group(repository.set_flag("ana", TargetKind.ENTITY, homs.pk, False)) == (
        "unflag of entity «Homs» (LOC)"
    )
    assert repository.describe_group(repository.confirm_sentence("ana", d1.pk, 1)) == (
        "confirm of sentence 2 «Kerry met Lavrov in New York on Wednesd…»"  # cut at 40 characters
    )
    assert repository.describe_group(
        repository.dismiss_warning("ana", TargetKind.EVENT, meet.pk, "required role Entity is missing")
    ) == "dismiss of «required role Entity is missing» on Contact.Meet «met»"
    undone = repository.undo("ana")
    assert repository.describe_group(undone).startswith("dismiss of")
    assert repository.describe_group(max(d.group for d in repository.decisions())) == (
        "undo of dismiss of «required role Entity is missing» on Contact.Meet «met»"
    )
    twin = repository.add_event("ana", d1.pk, "Contact.Meet", 39, 42)
    assert repository.describe_group(repository.merge_events("ana", meet.pk, twin)) == "merge of Contact.Meet «met»"
    assert repository.describe_group(repository.reject_event("ana", attack.pk)) == (
        "reject of Conflict.Attack «attacked» and 2 arguments"
    )
    with pytest.raises(DecisionError, match="no decision group 999"):
        repository.describe_group(999)


def test_merge_is_described_with_the_event_its_arguments_went_into(repository, d1):
    attack, _ = d1.events
    twin = repository.add_event("ana", d1.pk, "Conflict.Attack", 7, 15)
    group = repository.merge_events("ana", twin, attack.pk)
    assert repository.describe_group(group) == (
        "merge of Conflict.Attack «attacked» and 3 arguments into Conflict.Attack «attacked»"
    )
    assert Status(stored_state("event", attack.pk)["status"]) is Status.REJECTED


def test_small_document_fixture_is_unchanged():
    # The sentences above are written against this text.
    assert SMALL_DOCUMENT["text"] == "Rebels attacked [ISIS] in Homs.\n\nKerry met Lavrov in New York on Wednesday."
